import { createHash } from 'node:crypto';

import type {
  SimCommit,
  SimDataset,
  SimGitIdentity,
  SimIssue,
  SimIssueComment,
  SimPull,
  SimRepo,
  SimReview,
  SimReviewComment,
  SimReviewState,
  SimUser,
} from '../model.js';
import { WEB_FLOW_LOGIN, WEB_FLOW_PERSON, noreplyEmail } from './git-person.js';
import { SimConflictError, SimNotFoundError } from './sim-errors.js';
import { parseIsoMs, toIsoSeconds } from './sim-time.js';

/**
 * Run-time changes for the control API. Each keeps the invariants of `model.ts` and moves
 * `updatedAt`/`pushedAt` as GitHub does: a push moves the repo's `pushed_at` and
 * `updated_at` (and an open PR's `updated_at` when it pushes to its head branch); a review,
 * comment or merge moves the PR's or issue's `updated_at`. Times are truncated to whole
 * seconds, like GitHub's timestamps. Unknown logins become new accounts (ids from
 * `dataset.nextId`). Unknown org/repo/number → `SimNotFoundError`; a change GitHub would
 * refuse → `SimConflictError`.
 */
export interface RepoRef {
  org: string;
  repo: string;
}

/** Finds a repo; org and repo names match case-insensitively, as on GitHub. */
export function findRepo(dataset: SimDataset, ref: RepoRef): SimRepo {
  const org = dataset.orgs.find((o) => sameName(o.login, ref.org));
  if (!org) throw new SimNotFoundError(`no org "${ref.org}" in the simulated dataset`);
  const repo = org.repos.find((r) => sameName(r.name, ref.repo));
  if (!repo)
    throw new SimNotFoundError(`no repo "${ref.org}/${ref.repo}" in the simulated dataset`);
  return repo;
}

export interface AddCommitInput {
  /** The linked account, or null for an unlinked author (then `authorEmail` is required). */
  authorLogin: string | null;
  /** Default: the account's noreply address. */
  authorEmail?: string;
  /** Default: the login, else the email's local part. */
  authorName?: string;
  /** Default: the author (a plain push). `web-flow` commits as GitHub does for UI merges. */
  committerLogin?: string | null;
  /** Default: the default branch. */
  branch?: string;
  /** Lines of the commit's one file; default 10 added, 2 removed. */
  additions?: number;
  deletions?: number;
  message?: string;
  /** Git author date; default `atMs`. Earlier for a rebased or cherry-picked commit. */
  authorDateMs?: number;
}

/** Pushes one commit committed at `atMs` onto `branch`. */
export function addCommit(
  dataset: SimDataset,
  ref: RepoRef,
  input: AddCommitInput,
  atMs: number,
): SimCommit {
  const repo = writableRepo(dataset, ref);
  if (input.authorLogin === null && input.authorEmail === undefined) {
    throw new TypeError('an unlinked commit (authorLogin null) needs authorEmail');
  }
  const authorUser = input.authorLogin === null ? null : ensureUser(dataset, input.authorLogin);
  const authorEmail = input.authorEmail ?? (authorUser ? noreplyEmail(authorUser) : '');
  const author: SimGitIdentity = {
    name: input.authorName ?? input.authorLogin ?? authorEmail.split('@')[0] ?? authorEmail,
    email: authorEmail,
    date: toIsoSeconds(input.authorDateMs ?? atMs),
  };
  const committerLogin =
    input.committerLogin === undefined ? input.authorLogin : input.committerLogin;
  const additions = input.additions ?? 10;
  const deletions = input.deletions ?? 2;
  return pushCommit(dataset, repo, {
    branch: input.branch ?? repo.defaultBranch,
    message: input.message ?? 'Update',
    author,
    committer: {
      ...committerIdentity(dataset, committerLogin, input.authorLogin, author),
      date: toIsoSeconds(atMs),
    },
    authorLogin: input.authorLogin,
    committerLogin,
    files:
      additions === 0 && deletions === 0
        ? []
        : [{ filename: 'src/index.ts', status: 'modified', additions, deletions }],
    extraParent: undefined,
  });
}

/** Opens a PR from a new head branch into the default branch. */
export function openPull(
  dataset: SimDataset,
  ref: RepoRef,
  input: { user: string; title?: string; draft?: boolean },
  atMs: number,
): SimPull {
  const repo = writableRepo(dataset, ref);
  if (repo.commits.length === 0) {
    throw new SimConflictError(
      `${ref.org}/${ref.repo} is empty: there is no branch to open a PR from`,
    );
  }
  ensureUser(dataset, input.user);
  const number = nextIssueNumber(repo);
  const at = toIsoSeconds(atMs);
  const pull: SimPull = {
    number,
    title: input.title ?? `Change ${number}`,
    user: input.user,
    draft: input.draft ?? false,
    state: 'open',
    createdAt: at,
    updatedAt: at,
    closedAt: null,
    mergedAt: null,
    mergedBy: null,
    headRef: `${input.user.replace('[bot]', '')}/change-${number}`,
    baseRef: repo.defaultBranch,
    reviews: [],
  };
  const createdMs = parseIsoMs(at);
  insertBefore(repo.pulls, pull, (p) => parseIsoMs(p.createdAt) <= createdMs);
  return pull;
}

/**
 * Merges an open, non-draft PR as GitHub's merge button does: a merge commit on the default
 * branch authored by `mergedBy` and committed by `web-flow`. The PR's own branch commits
 * stay on their branch, so only the merge commit is new on the default branch.
 */
export function mergePull(
  dataset: SimDataset,
  ref: RepoRef,
  pullNumber: number,
  mergedBy: string,
  atMs: number,
): SimPull {
  const repo = writableRepo(dataset, ref);
  const index = repo.pulls.findIndex((p) => p.number === pullNumber);
  const pull = repo.pulls[index];
  if (!pull) throw new SimNotFoundError(`no pull request #${pullNumber} in ${ref.org}/${ref.repo}`);
  if (pull.state !== 'open') {
    throw new SimConflictError(`pull request #${pullNumber} is not open, so it cannot be merged`);
  }
  if (pull.draft) throw new SimConflictError(`pull request #${pullNumber} is still a draft`);
  const merger = ensureUser(dataset, mergedBy);
  const at = toIsoSeconds(atMs);
  const merged: SimPull = {
    ...pull,
    state: 'closed',
    closedAt: at,
    mergedAt: at,
    mergedBy,
    updatedAt: laterIso(pull.updatedAt, at),
  };
  repo.pulls[index] = merged;
  const author: SimGitIdentity = { name: merger.login, email: noreplyEmail(merger), date: at };
  pushCommit(dataset, repo, {
    branch: repo.defaultBranch,
    message: `Merge pull request #${pullNumber} from ${ref.org}/${pull.headRef}\n\n${pull.title}`,
    author,
    committer: { name: WEB_FLOW_PERSON.name, email: WEB_FLOW_PERSON.email, date: at },
    authorLogin: merger.login,
    committerLogin: WEB_FLOW_LOGIN,
    files: [],
    extraParent: headOf(repo, pull.headRef),
  });
  return merged;
}

/** Adds a review; a PENDING one has no `submittedAt` and does not move `updatedAt`. */
export function addReview(
  dataset: SimDataset,
  ref: RepoRef,
  pullNumber: number,
  input: { user: string; state: SimReviewState; body?: string },
  atMs: number,
): SimReview {
  const repo = writableRepo(dataset, ref);
  const pull = repo.pulls.find((p) => p.number === pullNumber);
  if (!pull) throw new SimNotFoundError(`no pull request #${pullNumber} in ${ref.org}/${ref.repo}`);
  ensureUser(dataset, input.user);
  const submittedAt = input.state === 'PENDING' ? null : toIsoSeconds(atMs);
  const review: SimReview = {
    id: takeId(dataset),
    user: input.user,
    state: input.state,
    submittedAt,
    body: input.body ?? '',
    commitId:
      headOf(repo, pull.headRef) ??
      headOf(repo, repo.defaultBranch) ??
      createHash('sha1').update(`${repo.id}:${pull.number}:head`).digest('hex'),
  };
  pull.reviews.push(review);
  if (submittedAt !== null) pull.updatedAt = laterIso(pull.updatedAt, submittedAt);
  return review;
}

/** Adds a conversation comment to an issue or a PR (they share numbers). */
export function addIssueComment(
  dataset: SimDataset,
  ref: RepoRef,
  issueNumber: number,
  input: { user: string; body?: string },
  atMs: number,
): SimIssueComment {
  const repo = writableRepo(dataset, ref);
  const thread: SimPull | SimIssue | undefined =
    repo.pulls.find((p) => p.number === issueNumber) ??
    repo.issues.find((i) => i.number === issueNumber);
  if (!thread) {
    throw new SimNotFoundError(
      `no issue or pull request #${issueNumber} in ${ref.org}/${ref.repo}`,
    );
  }
  ensureUser(dataset, input.user);
  const at = toIsoSeconds(atMs);
  const comment: SimIssueComment = {
    id: takeId(dataset),
    issueNumber,
    user: input.user,
    body: input.body ?? '',
    createdAt: at,
    updatedAt: at,
  };
  // Oldest first; after any comment of the same second, since its id is larger.
  const createdMs = parseIsoMs(at);
  insertBefore(repo.comments, comment, (c) => parseIsoMs(c.createdAt) > createdMs);
  thread.updatedAt = laterIso(thread.updatedAt, at);
  return comment;
}

/** A review comment on a line of the PR's diff; it moves the PR's `updated_at`, as on GitHub. */
export function addReviewComment(
  dataset: SimDataset,
  ref: RepoRef,
  pullNumber: number,
  input: { user: string; body?: string; path?: string },
  atMs: number,
): SimReviewComment {
  const repo = writableRepo(dataset, ref);
  const pull = repo.pulls.find((p) => p.number === pullNumber);
  if (!pull) throw new SimNotFoundError(`no pull request #${pullNumber} in ${ref.org}/${ref.repo}`);
  ensureUser(dataset, input.user);
  const at = toIsoSeconds(atMs);
  const comment: SimReviewComment = {
    id: takeId(dataset),
    pullNumber,
    user: input.user,
    body: input.body ?? '',
    path: input.path ?? 'README.md',
    createdAt: at,
    updatedAt: at,
  };
  const createdMs = parseIsoMs(at);
  insertBefore(repo.reviewComments, comment, (c) => parseIsoMs(c.createdAt) > createdMs);
  pull.updatedAt = laterIso(pull.updatedAt, at);
  return comment;
}

interface PushInput extends Omit<SimCommit, 'sha' | 'parents'> {
  readonly extraParent: string | undefined;
}

function pushCommit(dataset: SimDataset, repo: SimRepo, input: PushInput): SimCommit {
  const { extraParent, ...fields } = input;
  const parent = headOf(repo, input.branch) ?? headOf(repo, repo.defaultBranch);
  const sha = createHash('sha1')
    .update(`${dataset.seed}:${repo.id}:${repo.commits.length}:${JSON.stringify(fields)}`)
    .digest('hex');
  const commit: SimCommit = {
    ...fields,
    sha,
    parents: [parent, extraParent].filter(
      (p, i, all): p is string => p !== undefined && all.indexOf(p) === i,
    ),
  };
  const at = input.committer.date;
  // Newest first; before commits of the same second, as the newer push.
  const committedMs = parseIsoMs(at);
  insertBefore(repo.commits, commit, (c) => parseIsoMs(c.committer.date) <= committedMs);
  repo.pushedAt = laterIso(repo.pushedAt, at);
  repo.updatedAt = laterIso(repo.updatedAt, at);
  for (const pull of repo.pulls) {
    if (pull.state === 'open' && pull.headRef === input.branch) {
      pull.updatedAt = laterIso(pull.updatedAt, at);
    }
  }
  return commit;
}

function committerIdentity(
  dataset: SimDataset,
  committerLogin: string | null,
  authorLogin: string | null,
  author: SimGitIdentity,
): { name: string; email: string } {
  if (committerLogin === WEB_FLOW_LOGIN)
    return { name: WEB_FLOW_PERSON.name, email: WEB_FLOW_PERSON.email };
  // An unlinked committer can only be described by the author's own identity here.
  if (committerLogin === null || committerLogin === authorLogin) {
    return { name: author.name, email: author.email };
  }
  const user = ensureUser(dataset, committerLogin);
  return { name: user.login, email: noreplyEmail(user) };
}

/** The repo's next issue or PR number: GitHub never reuses one, transferred issues' included. */
export function nextIssueNumber(repo: SimRepo): number {
  return (
    Math.max(
      0,
      ...repo.pulls.map((pull) => pull.number),
      ...repo.issues.map((issue) => issue.number),
      ...(repo.transferredIssues ?? []).map((transfer) => transfer.fromNumber),
    ) + 1
  );
}

function writableRepo(dataset: SimDataset, ref: RepoRef): SimRepo {
  const repo = findRepo(dataset, ref);
  if (repo.archived) throw new SimConflictError(`${ref.org}/${ref.repo} is archived and read-only`);
  if (repo.disabled) throw new SimConflictError(`${ref.org}/${ref.repo} is disabled`);
  return repo;
}

function ensureUser(dataset: SimDataset, login: string): SimUser {
  const existing = dataset.users.find((u) => u.login === login);
  if (existing) return existing;
  const user: SimUser = {
    login,
    id: takeId(dataset),
    type: login.endsWith('[bot]') ? 'Bot' : 'User',
  };
  dataset.users.push(user);
  return user;
}

function takeId(dataset: SimDataset): number {
  const id = dataset.nextId;
  dataset.nextId += 1;
  return id;
}

function headOf(repo: SimRepo, branch: string): string | undefined {
  return repo.commits.find((c) => c.branch === branch)?.sha;
}

/** Inserts `item` before the first element `isAfterItem` holds for, else at the end. */
function insertBefore<T>(items: T[], item: T, isAfterItem: (existing: T) => boolean): void {
  const index = items.findIndex(isAfterItem);
  items.splice(index === -1 ? items.length : index, 0, item);
}

function laterIso(a: string, b: string): string {
  return parseIsoMs(a) >= parseIsoMs(b) ? a : b;
}

function sameName(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}
