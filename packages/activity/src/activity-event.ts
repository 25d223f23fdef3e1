import type { ActivityKind } from './scrape-catalog.js';

/**
 * One thing a user did in a repo. Its identity is GitHub's own (commit sha, PR number,
 * review id, comment id), so storing an event twice can not count it twice.
 */
export interface ActivityEvent {
  readonly kind: ActivityKind;
  /** GitHub's id of the underlying object: sha, PR number, review id or comment id. */
  readonly sourceId: string;
  /** The login the event counts for (commits: see `attributeCommit`). */
  readonly user: string;
  /** When it happened (commit: committer date; PR: created or merged; review: submitted). */
  readonly occurredAtMs: number;
}

/** The id that makes an event unique within its repo: `<kind>:<sourceId>`. */
export function toEventId(event: Pick<ActivityEvent, 'kind' | 'sourceId'>): string {
  return `${event.kind}:${event.sourceId}`;
}

/** Lines added and removed by one contributor in one week (Sunday 00:00 UTC start). */
export interface WeeklyLoc {
  readonly user: string;
  readonly weekStartMs: number;
  readonly additions: number;
  readonly deletions: number;
}

/**
 * Lines of one commit, for the LOC fallback (per-commit details). Keyed by sha, so the
 * same commit read twice adds its lines once; summed per (user, week) into {@link WeeklyLoc}.
 */
export interface CommitLoc {
  readonly sha: string;
  readonly user: string;
  /** Start (Sunday 00:00 UTC) of the week of the commit's author date. */
  readonly weekStartMs: number;
  readonly additions: number;
  readonly deletions: number;
}
