import { lastSundayStartMs, WEEK_MS } from '../dataset/sim-time.js';
import type { SimRepo } from '../model.js';

/** GitHub lists at most this many contributors in `/stats/contributors`. */
export const MAX_STATS_CONTRIBUTORS = 100;

export interface ContributorWeek {
  /** Week start, Sunday 00:00 UTC, in unix seconds. */
  readonly w: number;
  readonly a: number;
  readonly d: number;
  readonly c: number;
}

export interface ContributorStats {
  readonly login: string;
  readonly total: number;
  readonly weeks: readonly ContributorWeek[];
}

/**
 * GitHub's `/stats/contributors` as computed from the model: commits on the default branch
 * by linked authors (unlinked ones are not listed), without merge commits (more than one
 * parent) and empty ones (no file changed), as GitHub documents for its statistics
 * ("All statistics exclude merge commits. Contributor statistics also exclude empty
 * commits."; docs/github-limitations.md), bucketed into Sunday-aligned weeks by
 * git author date, every contributor carrying the same weeks from the repo's first to the
 * current one. The top 100 by commit count, listed in ascending order of it as GitHub
 * does; additions and deletions read 0 for the stand-in of a 10,000+ commit repository.
 */
export function computeContributorStats(repo: SimRepo, nowMs: number): ContributorStats[] {
  const commits = repo.commits.filter(
    (commit) =>
      commit.branch === repo.defaultBranch && commit.parents.length <= 1 && commit.files.length > 0,
  );
  if (commits.length === 0) return [];
  const authoredMs = commits.map((commit) => Date.parse(commit.author.date));
  // A loop, not Math.min(...spread): a long history would overflow the argument list.
  const firstWeekMs = lastSundayStartMs(authoredMs.reduce((min, ms) => Math.min(min, ms), nowMs));
  const lastWeekMs = lastSundayStartMs(authoredMs.reduce((max, ms) => Math.max(max, ms), nowMs));
  const weekCount = Math.round((lastWeekMs - firstWeekMs) / WEEK_MS) + 1;

  const byLogin = new Map<
    string,
    { total: number; weeks: { a: number; d: number; c: number }[] }
  >();
  commits.forEach((commit, index) => {
    if (commit.authorLogin === null) return;
    let entry = byLogin.get(commit.authorLogin);
    if (!entry) {
      entry = { total: 0, weeks: Array.from({ length: weekCount }, () => ({ a: 0, d: 0, c: 0 })) };
      byLogin.set(commit.authorLogin, entry);
    }
    const weekIndex = Math.round(
      (lastSundayStartMs(authoredMs[index] ?? 0) - firstWeekMs) / WEEK_MS,
    );
    const week = entry.weeks[weekIndex];
    if (!week) return;
    entry.total += 1;
    week.c += 1;
    if (!repo.statsReportZeroLines) {
      for (const file of commit.files) {
        week.a += file.additions;
        week.d += file.deletions;
      }
    }
  });

  return [...byLogin]
    .sort(([loginA, a], [loginB, b]) => b.total - a.total || loginA.localeCompare(loginB))
    .slice(0, MAX_STATS_CONTRIBUTORS)
    .reverse()
    .map(([login, entry]) => ({
      login,
      total: entry.total,
      weeks: entry.weeks.map((week, index) => ({
        w: (firstWeekMs + index * WEEK_MS) / 1000,
        ...week,
      })),
    }));
}

/**
 * GitHub computes these statistics in the background: the first request after the cache went
 * cold (first ever, or the repo's commits changed) starts the job and answers 202 until it is
 * done. The cache notices a change by the repo's commit count and newest sha, so data
 * mutated directly in the dataset also invalidates it.
 */
export interface ContributorStatsCache {
  /** `true` once the statistics of `key` are ready for the repo as it is now. */
  isReady(key: string, repo: SimRepo, nowMs: number): boolean;
  /** Forgets everything: every repo goes cold. */
  clear(): void;
}

export function createContributorStatsCache(computeDelayMs: number): ContributorStatsCache {
  const entries = new Map<string, { fingerprint: string; readyAtMs: number }>();
  return {
    isReady(key, repo, nowMs) {
      const fingerprint = `${repo.commits.length}:${repo.commits[0]?.sha ?? ''}`;
      let entry = entries.get(key);
      if (entry?.fingerprint !== fingerprint) {
        entry = { fingerprint, readyAtMs: nowMs + computeDelayMs };
        entries.set(key, entry);
      }
      return nowMs >= entry.readyAtMs;
    },
    clear() {
      entries.clear();
    },
  };
}
