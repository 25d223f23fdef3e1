import type { SimCommit, SimDataset, SimRepo } from '../model.js';
import { findOrgRepo, type ApiRoute } from './api-route.js';
import { emptyRepository, githubError, notFound, validationFailed } from './github-errors.js';
import { isApiResult, pagedResult, parsePageRequest } from './pagination.js';
import { readTimestamp } from './query-params.js';
import { toCommitDetailJson, toCommitJson } from './render-commit.js';

/**
 * GitHub filters on these too; the collectors do not use them, and silently ignoring them
 * would hand a client that does an unfiltered list, so they are refused.
 */
const UNSUPPORTED_FILTERS = ['author', 'committer', 'path'] as const;

/** Git accepts an abbreviated sha of at least 4 hex digits when it is unambiguous. */
const MIN_SHA_PREFIX = 4;

function findBySha(repo: SimRepo, ref: string): SimCommit | undefined {
  if (ref.length < MIN_SHA_PREFIX || !/^[0-9a-f]+$/i.test(ref)) return undefined;
  const wanted = ref.toLowerCase();
  const matches = repo.commits.filter((commit) => commit.sha.startsWith(wanted));
  return matches.length === 1 ? matches[0] : undefined;
}

/**
 * The history `sha` names, newest first: a branch's commits, or those of the named commit's
 * branch from that commit back. `undefined` when it names nothing.
 */
function historyOf(repo: SimRepo, sha: string): SimCommit[] | undefined {
  if (repo.commits.some((commit) => commit.branch === sha)) {
    return repo.commits.filter((commit) => commit.branch === sha);
  }
  const start = findBySha(repo, sha);
  if (!start) return undefined;
  const branch = repo.commits.filter((commit) => commit.branch === start.branch);
  return branch.slice(branch.indexOf(start));
}

/** Commit endpoints: the list (`sha`, `since`, `until` on committer date) and one commit. */
export function createCommitRoutes(dataset: SimDataset): ApiRoute[] {
  return [
    {
      method: 'GET',
      template: '/repos/{owner}/{repo}/commits',
      auth: 'installation',
      handle({ params, query, url, render }) {
        const found = findOrgRepo(dataset, params['owner'] ?? '', params['repo'] ?? '');
        if (!found) return notFound();
        const { org, repo } = found;
        if (repo.commits.length === 0) return emptyRepository();
        const page = parsePageRequest(query);
        if (isApiResult(page)) return page;
        const unsupported = UNSUPPORTED_FILTERS.find((name) => query.has(name));
        if (unsupported !== undefined) {
          return validationFailed(
            unsupported,
            `the simulator does not filter commits by ${unsupported}`,
          );
        }
        const since = readTimestamp(query, 'since');
        if (typeof since === 'object') return since;
        const until = readTimestamp(query, 'until');
        if (typeof until === 'object') return until;
        const history = historyOf(repo, query.get('sha') || repo.defaultBranch);
        if (!history) return notFound();
        // git log --since/--until: both bounds inclusive, on the committer date.
        const commits = history.filter((commit) => {
          const committedMs = Date.parse(commit.committer.date);
          return (
            (since === undefined || committedMs >= since) &&
            (until === undefined || committedMs <= until)
          );
        });
        return pagedResult(commits, page, url, (commit) => toCommitJson(render, org, repo, commit));
      },
    },
    {
      method: 'GET',
      template: '/repos/{owner}/{repo}/commits/{ref}',
      auth: 'installation',
      handle({ params, render }) {
        const found = findOrgRepo(dataset, params['owner'] ?? '', params['repo'] ?? '');
        if (!found) return notFound();
        const { org, repo } = found;
        if (repo.commits.length === 0) return emptyRepository();
        const ref = params['ref'] ?? '';
        const commit =
          findBySha(repo, ref) ?? repo.commits.find((candidate) => candidate.branch === ref);
        if (!commit) return githubError(422, `No commit found for SHA: ${ref}`);
        return { status: 200, body: toCommitDetailJson(render, org, repo, commit) };
      },
    },
  ];
}
