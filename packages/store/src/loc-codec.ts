import type { CommitLoc, WeeklyLoc } from '@gse/activity';

/** Field/value pairs of the weekly LOC hash: `<weekStartMs>|<user>` → `<additions>,<deletions>`. */
export function toWeeklyLocFields(weeks: readonly WeeklyLoc[]): string[] {
  return weeks.flatMap((week) => [
    `${week.weekStartMs}|${week.user}`,
    `${week.additions},${week.deletions}`,
  ]);
}

/** Field/value pairs of the commit LOC hash: sha → `<weekStartMs>,<additions>,<deletions>,<user>`. */
export function toCommitLocFields(commits: readonly CommitLoc[]): string[] {
  return commits.flatMap((commit) => [
    commit.sha,
    `${commit.weekStartMs},${commit.additions},${commit.deletions},${commit.user}`,
  ]);
}

export interface StoredLoc {
  /** Weekly snapshots and per-commit lines (as one-commit weeks) from `keepFromWeekStartMs` on. */
  readonly weeks: WeeklyLoc[];
  /** Weekly hash fields of older weeks, to delete. */
  readonly staleWeeklyFields: string[];
  /** Commit hash fields (shas) of older weeks, to delete. */
  readonly staleCommitShas: string[];
}

/**
 * Reads both LOC hashes of a repo. GitHub's weekly snapshots and the fallback's per-commit
 * lines never describe the same (user, week) with numbers, so summing them is exact: the
 * fallback reads only authors the snapshot lacks (beyond the top 100) or weeks it reports
 * as zero (10,000+ commits).
 */
export function decodeStoredLoc(
  weekly: Record<string, string>,
  commits: Record<string, string>,
  keepFromWeekStartMs: number,
): StoredLoc {
  const result: StoredLoc = { weeks: [], staleWeeklyFields: [], staleCommitShas: [] };
  for (const [field, value] of Object.entries(weekly)) {
    const separator = field.indexOf('|');
    const weekStartMs = Number(field.slice(0, separator));
    const [additions = 0, deletions = 0] = value.split(',').map(Number);
    if (weekStartMs < keepFromWeekStartMs) result.staleWeeklyFields.push(field);
    else result.weeks.push({ user: field.slice(separator + 1), weekStartMs, additions, deletions });
  }
  for (const [sha, value] of Object.entries(commits)) {
    const [weekStart = '0', additions = '0', deletions = '0', ...user] = value.split(',');
    const weekStartMs = Number(weekStart);
    if (weekStartMs < keepFromWeekStartMs) result.staleCommitShas.push(sha);
    else {
      result.weeks.push({
        user: user.join(','),
        weekStartMs,
        additions: Number(additions),
        deletions: Number(deletions),
      });
    }
  }
  return result;
}
