import type {
  SimDataset,
  SimIssue,
  SimIssueComment,
  SimIssueTransfer,
  SimReviewComment,
} from '../model.js';
import { findRepo, nextIssueNumber, type RepoRef } from './mutate-dataset.js';
import { SimConflictError, SimNotFoundError } from './sim-errors.js';
import { parseIsoMs, toIsoSeconds } from './sim-time.js';

/**
 * Run-time changes that take events away from a repo (docs/github-limitations.md, "Deleted
 * comments and transferred issues"): a deleted comment is gone from every listing and its
 * `GET` answers 404; it moves no `updated_at` (GitHub documents none, so none is assumed).
 * A transferred issue leaves its repo with its comments (their ids and times kept) and is
 * listed in the target repo of the same org under that repo's next number; `GET` of its old
 * number answers 301.
 */

/** Deletes a conversation comment of an issue or PR (`DELETE …/issues/comments/{id}`). */
export function deleteIssueComment(
  dataset: SimDataset,
  ref: RepoRef,
  commentId: number,
): SimIssueComment {
  const repo = findRepo(dataset, ref);
  return removeById(repo.comments, commentId, `issue comment ${commentId}`, ref);
}

/** Deletes a review comment on a PR's diff (`DELETE …/pulls/comments/{id}`). */
export function deleteReviewComment(
  dataset: SimDataset,
  ref: RepoRef,
  commentId: number,
): SimReviewComment {
  const repo = findRepo(dataset, ref);
  return removeById(repo.reviewComments, commentId, `review comment ${commentId}`, ref);
}

/**
 * Transfers an issue (never a PR: GitHub transfers issues only) to `toRepo` of the same org
 * at `atMs`: it takes the target's next number and `updated_at` moves to `atMs`; its
 * comments move with it unchanged but for their issue number.
 */
export function transferIssue(
  dataset: SimDataset,
  ref: RepoRef,
  issueNumber: number,
  toRepo: string,
  atMs: number,
): { readonly issue: SimIssue; readonly transfer: SimIssueTransfer } {
  const source = findRepo(dataset, ref);
  const target = findRepo(dataset, { org: ref.org, repo: toRepo });
  if (target === source) {
    throw new SimConflictError(`${ref.org}/${ref.repo}#${issueNumber} is already in ${toRepo}`);
  }
  for (const repo of [source, target]) {
    if (repo.archived || repo.disabled) {
      throw new SimConflictError(`${ref.org}/${repo.name} is archived or disabled`);
    }
  }
  if (source.pulls.some((pull) => pull.number === issueNumber)) {
    throw new SimConflictError(`#${issueNumber} is a pull request: only issues can be transferred`);
  }
  const index = source.issues.findIndex((issue) => issue.number === issueNumber);
  const moved = source.issues[index];
  if (moved === undefined) {
    throw new SimNotFoundError(`no issue #${issueNumber} in ${ref.org}/${ref.repo}`);
  }
  const number = nextIssueNumber(target);
  const at = toIsoSeconds(atMs);
  const issue: SimIssue = {
    ...moved,
    number,
    updatedAt: parseIsoMs(at) > parseIsoMs(moved.updatedAt) ? at : moved.updatedAt,
  };
  source.issues.splice(index, 1);
  target.issues.push(issue);
  const comments = source.comments.filter((comment) => comment.issueNumber === issueNumber);
  for (const comment of comments) {
    source.comments.splice(source.comments.indexOf(comment), 1);
    insertByCreation(target.comments, { ...comment, issueNumber: number });
  }
  const transfer: SimIssueTransfer = {
    fromNumber: issueNumber,
    toRepoId: target.id,
    toNumber: number,
  };
  source.transferredIssues = [...(source.transferredIssues ?? []), transfer];
  return { issue, transfer };
}

/** Oldest first by creation, ties by id, as the repo's comment arrays are kept. */
function insertByCreation(comments: SimIssueComment[], comment: SimIssueComment): void {
  const createdMs = parseIsoMs(comment.createdAt);
  const index = comments.findIndex((existing) => {
    const existingMs = parseIsoMs(existing.createdAt);
    return existingMs > createdMs || (existingMs === createdMs && existing.id > comment.id);
  });
  comments.splice(index === -1 ? comments.length : index, 0, comment);
}

function removeById<T extends { readonly id: number }>(
  items: T[],
  id: number,
  what: string,
  ref: RepoRef,
): T {
  const index = items.findIndex((item) => item.id === id);
  const [removed] = index === -1 ? [] : items.splice(index, 1);
  if (removed === undefined) throw new SimNotFoundError(`no ${what} in ${ref.org}/${ref.repo}`);
  return removed;
}
