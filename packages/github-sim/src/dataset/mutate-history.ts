import type { SimCommit, SimDataset, SimReview, SimReviewState } from '../model.js';
import {
  addCommit,
  addReview,
  findRepo,
  type AddCommitInput,
  type RepoRef,
} from './mutate-dataset.js';
import { SimConflictError, SimNotFoundError } from './sim-errors.js';
import { parseIsoMs, toIsoSeconds } from './sim-time.js';

/**
 * Run-time changes that rewrite what GitHub already showed, for the control API: a
 * force-push that replaces the default branch's recent history, a burst of reviews that
 * fills more than one page of a PR's reviews, a review in the very second of the PR's last
 * update. Same rules as `mutate-dataset.ts`.
 */

export interface ForcePushInput {
  /** Commits dropped from the tip of the default branch (newest first), at least 1. */
  readonly dropCommits: number;
  /** Commits pushed onto what is left, oldest first, each committed at `atMs`. */
  readonly commits: readonly Omit<AddCommitInput, 'branch'>[];
}

export interface ForcePushResult {
  /** Shas no longer reachable from the default branch, newest first. */
  readonly dropped: readonly string[];
  /** The new commits, oldest first. */
  readonly pushed: readonly SimCommit[];
}

/**
 * `git push --force` to the default branch: the branch is reset to the parent of the
 * oldest dropped commit and `commits` go on top. Dropped commits leave the branch's history
 * (the list, the statistics and the ground truth); their details are no longer served
 * either (GitHub keeps unreachable commits for a while; nothing here reads them).
 */
export function forcePush(
  dataset: SimDataset,
  ref: RepoRef,
  input: ForcePushInput,
  atMs: number,
): ForcePushResult {
  const repo = findRepo(dataset, ref);
  const onBranch = repo.commits.filter((commit) => commit.branch === repo.defaultBranch);
  if (input.dropCommits < 1 || input.dropCommits > onBranch.length) {
    throw new SimConflictError(
      `${ref.org}/${ref.repo} has ${onBranch.length} commits on ${repo.defaultBranch}; cannot drop ${input.dropCommits}`,
    );
  }
  if (repo.archived || repo.disabled) {
    throw new SimConflictError(`${ref.org}/${ref.repo} is read-only`);
  }
  const dropped = new Set(onBranch.slice(0, input.dropCommits).map((commit) => commit.sha));
  repo.commits.splice(
    0,
    repo.commits.length,
    ...repo.commits.filter((commit) => !dropped.has(commit.sha)),
  );
  const at = toIsoSeconds(atMs);
  repo.pushedAt = parseIsoMs(repo.pushedAt) >= atMs ? repo.pushedAt : at;
  repo.updatedAt = parseIsoMs(repo.updatedAt) >= atMs ? repo.updatedAt : at;
  const pushed = input.commits.map((commit) => addCommit(dataset, ref, commit, atMs));
  return { dropped: [...dropped], pushed };
}

export interface AddReviewsInput {
  /** How many reviews, at least 1. */
  readonly count: number;
  /** Reviewers, taken in turn. */
  readonly users: readonly string[];
  /** Default `COMMENTED`. */
  readonly state?: Exclude<SimReviewState, 'PENDING'>;
}

/** Submits `count` reviews at `atMs`, in the order of their ids (as GitHub lists them). */
export function addReviews(
  dataset: SimDataset,
  ref: RepoRef,
  pullNumber: number,
  input: AddReviewsInput,
  atMs: number,
): SimReview[] {
  if (input.users.length === 0) throw new TypeError('addReviews needs at least one user');
  return Array.from({ length: input.count }, (_, index) =>
    addReview(
      dataset,
      ref,
      pullNumber,
      {
        user: input.users[index % input.users.length] ?? '',
        state: input.state ?? 'COMMENTED',
      },
      atMs,
    ),
  );
}

/**
 * Submits a review in the second of the PR's last update: its `submitted_at` equals the
 * PR's `updated_at`, which therefore stays as it was (GitHub's timestamps have whole
 * seconds), and so does every PR list.
 */
export function addReviewInUpdateSecond(
  dataset: SimDataset,
  ref: RepoRef,
  pullNumber: number,
  input: { user: string; state: Exclude<SimReviewState, 'PENDING'>; body?: string },
): SimReview {
  const pull = findRepo(dataset, ref).pulls.find((candidate) => candidate.number === pullNumber);
  if (!pull) throw new SimNotFoundError(`no pull request #${pullNumber} in ${ref.org}/${ref.repo}`);
  return addReview(dataset, ref, pullNumber, input, parseIsoMs(pull.updatedAt));
}
