import {
  attributeCommit,
  toUserKey,
  type ActivityEvent,
  type ActivityKind,
  type GitHubAccount,
  type LoginSighting,
  type NoreplyEmailReader,
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

/** The user key of an embedded account (`toUserKey`); a deleted one is `ghost`. */
const userOf = (account: GitHubAccount | null): string =>
  account ? toUserKey(account) : DELETED_ACCOUNT_LOGIN;

/** The linked author of a list item, if it names one (GitHub has been seen to send `{}`). */
function linkedAuthorOf(commit: CommitListItem): GitHubAccount | null {
  const login = commit.author?.login;
  return login === undefined ? null : { login, id: commit.author?.id };
}

/**
 * A default-branch commit as a `commit` event at its committer date, attributed by
 * `attributeCommit` (never to the committer: `web-flow` commits every UI merge).
 * A commit without a committer date can not be placed in any window and is skipped.
 */
export function toCommitEvent(
  commit: CommitListItem,
  readNoreplyEmail: NoreplyEmailReader,
): ActivityEvent | undefined {
  const committedAt = commit.commit.committer?.date;
  if (committedAt === undefined) return undefined;
  return {
    kind: 'commit',
    sourceId: commit.sha,
    user: attributeCommit(
      { author: linkedAuthorOf(commit), authorEmail: commit.commit.author?.email ?? null },
      readNoreplyEmail,
    ),
    occurredAtMs: Date.parse(committedAt),
  };
}

/** A PR's `pr_opened` event and, once merged, its `pr_merged` event — both for the PR author. */
export function toPullEvents(pull: PullListItem): ActivityEvent[] {
  const user = userOf(pull.user);
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
    user: userOf(review.user),
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
    user: userOf(comment.user),
    occurredAtMs: Date.parse(comment.created_at),
  };
}

/**
 * Weekly LOC of `/stats/contributors` for the weeks starting at or after `sinceWeekStartMs`,
 * by user key. Contributors without an account are skipped: GitHub lists only linked authors.
 */
export function toWeeklyLoc(stats: ContributorStats, sinceWeekStartMs: number): WeeklyLoc[] {
  const weeks: WeeklyLoc[] = [];
  for (const contributor of stats) {
    if (contributor.author === null) continue;
    for (const week of contributor.weeks) {
      const weekStartMs = week.w * 1000;
      if (weekStartMs < sinceWeekStartMs) continue;
      weeks.push({
        user: toUserKey(contributor.author),
        weekStartMs,
        additions: week.a,
        deletions: week.d,
      });
    }
  }
  return weeks;
}

/**
 * The logins a page shows for user ids, seen at `seenAtMs` (when the page arrived): every
 * account with an id, whether or not its events are new, so a rename is noticed on any
 * page that shows the user.
 */
export function toAccountSightings(
  accounts: Iterable<GitHubAccount | null>,
  seenAtMs: number,
): LoginSighting[] {
  const sightings: LoginSighting[] = [];
  for (const account of accounts) {
    if (account?.id !== undefined) {
      sightings.push({ userId: account.id, login: account.login, seenAtMs });
    }
  }
  return sightings;
}

/**
 * The login a commit shows for its author's id: the linked account's, seen at `seenAtMs`;
 * else the one inside a `<id>+<login>@users.noreply…` author email, which names the login
 * as it was when the commit was made, so it is dated at the committer date and any account
 * the API shows since wins over it (a renamed user's old commits keep the old address).
 */
export function toCommitSightings(
  commit: CommitListItem,
  readNoreplyEmail: NoreplyEmailReader,
  seenAtMs: number,
): LoginSighting[] {
  const author = linkedAuthorOf(commit);
  if (author) return toAccountSightings([author], seenAtMs);
  const email = commit.commit.author?.email;
  const noreply = email ? readNoreplyEmail(email) : undefined;
  const committedAt = commit.commit.committer?.date;
  if (noreply?.userId === undefined || committedAt === undefined) return [];
  return [{ userId: noreply.userId, login: noreply.login, seenAtMs: Date.parse(committedAt) }];
}
