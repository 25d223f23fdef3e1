import {
  attributeCommit,
  type ActivityEvent,
  type ActivityKind,
  type WeeklyLoc,
} from '@gse/activity';

import type {
  CommitListItem,
  ContributorStats,
  Comment,
  PullListItem,
  Review,
} from './github-payloads.js';

/** The login GitHub shows for content whose account was deleted (docs/github-limitations.md#deleted-accounts-are-null-users). */
export const DELETED_ACCOUNT_LOGIN = 'ghost';

const loginOf = (account: { login: string } | null): string =>
  account?.login ?? DELETED_ACCOUNT_LOGIN;

/**
 * A default-branch commit as a `commit` event at its committer date, attributed by
 * `attributeCommit` (never to the committer: `web-flow` commits every UI merge).
 * A commit without a committer date can not be placed in any window and is skipped.
 */
export function toCommitEvent(commit: CommitListItem): ActivityEvent | undefined {
  const committedAt = commit.commit.committer?.date;
  if (committedAt === undefined) return undefined;
  return {
    kind: 'commit',
    sourceId: commit.sha,
    user: attributeCommit({
      authorLogin: commit.author?.login ?? null,
      authorEmail: commit.commit.author?.email ?? null,
    }),
    occurredAtMs: Date.parse(committedAt),
  };
}

/** A PR's `pr_opened` event and, once merged, its `pr_merged` event — both for the PR author. */
export function toPullEvents(pull: PullListItem): ActivityEvent[] {
  const user = loginOf(pull.user);
  const sourceId = String(pull.number);
  const events: ActivityEvent[] = [
    { kind: 'pr_opened', sourceId, user, occurredAtMs: Date.parse(pull.created_at) },
  ];
  if (pull.merged_at !== null) {
    events.push({ kind: 'pr_merged', sourceId, user, occurredAtMs: Date.parse(pull.merged_at) });
  }
  return events;
}

/**
 * A submitted review (any state but PENDING) as a `review_submitted` event for the reviewer
 * (docs/github-limitations.md#pending-reviews-have-no-submitted_at).
 */
export function toReviewEvent(review: Review): ActivityEvent | undefined {
  if (review.state === 'PENDING' || !review.submitted_at) return undefined;
  return {
    kind: 'review_submitted',
    sourceId: String(review.id),
    user: loginOf(review.user),
    occurredAtMs: Date.parse(review.submitted_at),
  };
}

/**
 * A comment as an event of `kind` (`issue_comment`, `pr_review_comment`) for its commenter,
 * at its creation (edits do not count).
 */
export function toCommentEvent(comment: Comment, kind: ActivityKind): ActivityEvent {
  return {
    kind,
    sourceId: String(comment.id),
    user: loginOf(comment.user),
    occurredAtMs: Date.parse(comment.created_at),
  };
}

/**
 * Weekly LOC of `/stats/contributors` for the weeks starting at or after `sinceWeekStartMs`.
 * Contributors without an account are skipped: GitHub lists only linked authors.
 */
export function toWeeklyLoc(stats: ContributorStats, sinceWeekStartMs: number): WeeklyLoc[] {
  const weeks: WeeklyLoc[] = [];
  for (const contributor of stats) {
    if (contributor.author === null) continue;
    for (const week of contributor.weeks) {
      const weekStartMs = week.w * 1000;
      if (weekStartMs < sinceWeekStartMs) continue;
      weeks.push({
        user: contributor.author.login,
        weekStartMs,
        additions: week.a,
        deletions: week.d,
      });
    }
  }
  return weeks;
}
