import type { GitHubSimulator } from '@gse/github-sim';
import type { RepoRef } from '@gse/store';

const MINUTE_MS = 60_000;

/** New items per resource that one injection adds to a repo. */
export interface InjectedItems {
  readonly commits: number;
  readonly pulls: number;
  /** New reviews per PR: each PR's review list is a resource of its own. */
  readonly reviewsPerPull: readonly number[];
  readonly comments: number;
}

/**
 * The issue's bound for a changed repo: one counted page per resource that changed, plus
 * one per 100 new items in it.
 */
export function toCountedPageBound(items: InjectedItems): number {
  const pages = (newItems: number): number => (newItems === 0 ? 0 : 1 + Math.floor(newItems / 100));
  return (
    pages(items.commits) +
    pages(items.pulls) +
    items.reviewsPerPull.reduce((sum, reviews) => sum + pages(reviews), 0) +
    pages(items.comments)
  );
}

/**
 * Adds one of each activity GitHub reports to `ref`, in the five minutes before `nowMs`
 * (after the previous cycle): a default-branch commit, a new PR, a review of it and a
 * comment on it. `index` picks the people, so runs are deterministic.
 */
export function injectActivity(
  simulator: GitHubSimulator,
  ref: RepoRef,
  nowMs: number,
  index: number,
): InjectedItems {
  // The bench roster is user-01 … user-40.
  const person = (offset: number): string =>
    `user-${String(((index + offset) % 40) + 1).padStart(2, '0')}`;
  const author = person(0);
  const reviewer = person(1);
  simulator.addCommit(ref, { authorLogin: author }, nowMs - 4 * MINUTE_MS);
  const pull = simulator.openPull(ref, { user: author }, nowMs - 3 * MINUTE_MS);
  simulator.addReview(
    ref,
    pull.number,
    { user: reviewer, state: 'APPROVED' },
    nowMs - 2 * MINUTE_MS,
  );
  simulator.addIssueComment(ref, pull.number, { user: reviewer }, nowMs - MINUTE_MS);
  return { commits: 1, pulls: 1, reviewsPerPull: [1], comments: 1 };
}
