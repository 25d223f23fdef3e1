import {
  lastCompleteWeek,
  SCRAPE_CATALOG,
  toUserKey,
  type CommitLoc,
  type TimeRange,
} from '@gse/activity';
import { decodeCommitDetail, decodeCommitList, type CommitListItem } from '@gse/github';
import { toLocBudgetRenewalMs } from '@gse/store';

import {
  repoParams,
  toIsoSeconds,
  type CollectorContext,
  type LocTruncation,
} from './scrape-context.js';

const { weekCommits: COMMITS_ROUTE, commitDetail: COMMIT_ROUTE } = SCRAPE_CATALOG.loc.endpoints;

/**
 * The LOC fallback: lines of the last complete week from per-commit details (merge commits
 * skipped, as in the stats), for linked authors that `/stats/contributors` does not cover (beyond its top 100, or everyone when it
 * reports zero lines at 10,000+ commits; see docs/github-limitations.md). Each commit's
 * details are read once (stored by sha) and each read takes from the fleet-wide budgets; when
 * one is spent the week stays truncated, and the result says how much is missing and when
 * the budget renews. A spent budget is a declared outcome, not a failure: the backfill
 * ladder could not read more before the renewal either.
 *
 * @param coveredUsers user keys (`toUserKey`) of the authors whose lines the stats already report.
 */
export async function collectCommitLoc(
  context: CollectorContext,
  coveredUsers: ReadonlySet<string>,
): Promise<LocTruncation | undefined> {
  const week = lastCompleteWeek(context.nowMs);
  const pending = await listUncoveredCommits(context, week, coveredUsers);
  const known = await context.store.hasCommitLoc(
    context.ref,
    pending.map((commit) => commit.sha),
  );
  const unread = pending.filter((_, index) => !known[index]);
  const read: CommitLoc[] = [];
  try {
    for (const [index, commit] of unread.entries()) {
      const decision = await context.locBudget.take(context.ref, week.startMs, context.nowMs);
      if (decision !== 'granted') {
        return {
          budget: decision,
          unreadCommits: unread.length - index,
          retryAtMs: toLocBudgetRenewalMs(decision, week.startMs, context.nowMs),
        };
      }
      const answer = await context.client.getJson(
        COMMIT_ROUTE,
        { ...repoParams(context), ref: commit.sha },
        decodeCommitDetail,
      );
      if (answer.status !== 200) continue;
      read.push({
        sha: commit.sha,
        user: commit.user,
        weekStartMs: week.startMs,
        additions: answer.data.stats.additions,
        deletions: answer.data.stats.deletions,
      });
    }
  } finally {
    // What was read is kept even when the budget or GitHub stopped the rest.
    await context.store.recordCommitLoc(context.ref, read);
  }
  return undefined;
}

interface UncoveredCommit {
  readonly sha: string;
  /** The author's user key. */
  readonly user: string;
}

/**
 * Commits authored in `week` by linked authors outside `coveredUsers`, merges left out:
 * GitHub's statistics exclude merge commits, and a merge's details diff it against its
 * first parent, so its lines are those of the commits it merged (counted on their own)
 * (docs/github-limitations.md#contributor-statistics-leave-out-merge-and-empty-commits).
 */
async function listUncoveredCommits(
  context: CollectorContext,
  week: TimeRange,
  coveredUsers: ReadonlySet<string>,
): Promise<UncoveredCommit[]> {
  // `since` filters on the committer date, which is never before the author date.
  const params = { ...repoParams(context), since: toIsoSeconds(week.startMs), per_page: 100 };
  const commits: UncoveredCommit[] = [];
  for await (const page of context.client.paginate(COMMITS_ROUTE, params, decodeCommitList)) {
    if (page.status === 304) break;
    for (const commit of page.items) {
      const user = authoredInWeekBy(commit, week);
      if (user !== undefined && !coveredUsers.has(user)) commits.push({ sha: commit.sha, user });
    }
  }
  return commits;
}

/** The user key of a commit's linked author, if it authored the commit in `week` (not a merge). */
function authoredInWeekBy(commit: CommitListItem, week: TimeRange): string | undefined {
  if (commit.parents.length > 1) return undefined;
  const login = commit.author?.login;
  const authoredAt = commit.commit.author?.date;
  if (login === undefined || authoredAt === undefined) return undefined;
  const authoredAtMs = Date.parse(authoredAt);
  return authoredAtMs >= week.startMs && authoredAtMs < week.endMs
    ? toUserKey({ login, id: commit.author?.id })
    : undefined;
}
