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

/** The week start of a commit LOC hash value (`<weekStartMs>,…`). */
export function decodeCommitLocWeekStartMs(value: string): number {
  return Number(value.slice(0, value.indexOf(',')));
}

/**
 * Replaces every field of the weekly LOC hash whose week starts at or after ARGV[1] with
 * the field/value pairs that follow, atomically: a reader sees the old answer or the new
 * one, never a mix. KEYS: 1 = weekly LOC hash. ARGV: 1 = sinceWeekStartMs, then pairs.
 */
export const REPLACE_WEEKLY_LOC_SCRIPT = `
local since = tonumber(ARGV[1])
for _, field in ipairs(redis.call('HKEYS', KEYS[1])) do
  if tonumber(string.match(field, '^(%d+)|') or '-1') >= since then redis.call('HDEL', KEYS[1], field) end
end
for i = 2, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
return 0
`;

export interface StoredLoc {
  /** Weekly snapshots and per-commit lines (as one-commit weeks) from `keepFromWeekStartMs` on. */
  readonly weeks: WeeklyLoc[];
  /** Weekly hash fields of older weeks, to delete. */
  readonly staleWeeklyFields: string[];
  /** Commit hash fields (shas) of older weeks, to delete. */
  readonly staleCommitShas: string[];
}

/**
 * Reads both LOC hashes of a repo. A (user, week) that GitHub's weekly snapshot lists takes
 * its lines from the snapshot only; the fallback's per-commit lines count for the others
 * (authors beyond the top 100, or everyone when the answer reported no lines: 10,000+
 * commits, which the collector stores as an empty snapshot). So the two never add up for
 * the same (user, week), even when an author moves into the top 100 after the fallback
 * read their commits.
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
  const fromSnapshot = new Set(result.weeks.map((week) => `${week.weekStartMs}|${week.user}`));
  for (const [sha, value] of Object.entries(commits)) {
    const [weekStart = '0', additions = '0', deletions = '0', ...userParts] = value.split(',');
    const weekStartMs = Number(weekStart);
    const user = userParts.join(',');
    if (weekStartMs < keepFromWeekStartMs) result.staleCommitShas.push(sha);
    else if (!fromSnapshot.has(`${weekStartMs}|${user}`)) {
      result.weeks.push({
        user,
        weekStartMs,
        additions: Number(additions),
        deletions: Number(deletions),
      });
    }
  }
  return result;
}
