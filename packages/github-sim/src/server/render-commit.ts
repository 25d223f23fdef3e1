import type { SimCommit, SimCommitFile, SimGitIdentity, SimOrg, SimRepo } from '../model.js';
import { toUserJson } from './render-account.js';
import { derivedSha, nodeId, type RenderContext } from './render-context.js';

const DATASET_NOREPLY = /@users\.noreply\.github\.com$/i;

/** A git identity; a noreply address of the dataset is served under this host's domain. */
function gitIdentityJson(
  context: RenderContext,
  identity: SimGitIdentity,
): Record<string, unknown> {
  const email = identity.email.replace(DATASET_NOREPLY, `@${context.noreplyDomain}`);
  return { name: identity.name, email, date: identity.date };
}

/**
 * A commit as `GET /repos/{owner}/{repo}/commits` lists it (`commit`): `author` and
 * `committer` are GitHub accounts, or null when the git identity is linked to none;
 * `commit.author` / `commit.committer` are the git identities with their dates.
 */
export function toCommitJson(
  context: RenderContext,
  org: SimOrg,
  repo: SimRepo,
  commit: SimCommit,
): Record<string, unknown> {
  const repoUrl = `${context.apiRoot}/repos/${org.login}/${repo.name}`;
  const htmlRepoUrl = `${context.webRoot}/${org.login}/${repo.name}`;
  const treeSha = derivedSha('tree', commit.sha);
  return {
    sha: commit.sha,
    node_id: nodeId('Commit', commit.sha),
    url: `${repoUrl}/commits/${commit.sha}`,
    html_url: `${htmlRepoUrl}/commit/${commit.sha}`,
    comments_url: `${repoUrl}/commits/${commit.sha}/comments`,
    commit: {
      url: `${repoUrl}/git/commits/${commit.sha}`,
      author: gitIdentityJson(context, commit.author),
      committer: gitIdentityJson(context, commit.committer),
      message: commit.message,
      tree: { sha: treeSha, url: `${repoUrl}/git/trees/${treeSha}` },
      comment_count: 0,
      verification: {
        verified: false,
        reason: 'unsigned',
        signature: null,
        payload: null,
        verified_at: null,
      },
    },
    author: commit.authorLogin === null ? null : toUserJson(context, commit.authorLogin),
    committer: commit.committerLogin === null ? null : toUserJson(context, commit.committerLogin),
    parents: commit.parents.map((sha) => ({
      sha,
      url: `${repoUrl}/commits/${sha}`,
      html_url: `${htmlRepoUrl}/commit/${sha}`,
    })),
  };
}

/**
 * `GET /repos/{owner}/{repo}/commits/{ref}`: the list shape plus `stats` and `files`. As on
 * GitHub, a merge commit's diff is against its first parent: it carries the lines of every
 * commit it brings in, which is why a per-commit LOC count must skip merges.
 */
export function toCommitDetailJson(
  context: RenderContext,
  org: SimOrg,
  repo: SimRepo,
  commit: SimCommit,
): Record<string, unknown> {
  const repoUrl = `${context.apiRoot}/repos/${org.login}/${repo.name}`;
  const htmlRepoUrl = `${context.webRoot}/${org.login}/${repo.name}`;
  const files = commit.parents.length > 1 ? mergedInFiles(repo, commit) : commit.files;
  const additions = files.reduce((sum, file) => sum + file.additions, 0);
  const deletions = files.reduce((sum, file) => sum + file.deletions, 0);
  return {
    ...toCommitJson(context, org, repo, commit),
    stats: { total: additions + deletions, additions, deletions },
    files: files.map((file) => {
      const path = file.filename.split('/').map(encodeURIComponent).join('/');
      return {
        sha: file.status === 'removed' ? null : derivedSha('blob', commit.sha, file.filename),
        filename: file.filename,
        status: file.status,
        additions: file.additions,
        deletions: file.deletions,
        changes: file.additions + file.deletions,
        blob_url: `${htmlRepoUrl}/blob/${commit.sha}/${path}`,
        raw_url: `${htmlRepoUrl}/raw/${commit.sha}/${path}`,
        contents_url: `${repoUrl}/contents/${path}?ref=${commit.sha}`,
      };
    }),
  };
}

/**
 * The files of a merge's diff against its first parent: those of every commit reachable from
 * its other parents but not from the first one (the merged branch's own commits).
 */
function mergedInFiles(repo: SimRepo, merge: SimCommit): SimCommitFile[] {
  const bySha = new Map(repo.commits.map((commit) => [commit.sha, commit]));
  const ancestors = (starts: readonly string[]): Set<string> => {
    const seen = new Set<string>();
    const pending = [...starts];
    for (let sha = pending.pop(); sha !== undefined; sha = pending.pop()) {
      if (seen.has(sha)) continue;
      seen.add(sha);
      pending.push(...(bySha.get(sha)?.parents ?? []));
    }
    return seen;
  };
  const [first, ...others] = merge.parents;
  const base = ancestors(first === undefined ? [] : [first]);
  return [...ancestors(others)]
    .filter((sha) => !base.has(sha))
    .flatMap((sha) => bySha.get(sha)?.files ?? []);
}
