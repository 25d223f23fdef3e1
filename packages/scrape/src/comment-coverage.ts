/**
 * Which comments a read of a repo-wide comment list proves the ledger must hold
 * (packages/activity/README.md, "Deleted comments and transferred issues").
 *
 * The list is read newest `updated_at` first, and a comment is updated at or after its
 * creation. So when the pages read end at a comment updated at `u`, every comment GitHub
 * lists that was created after `u` is on those pages: the ledger's events of the list's kind
 * created after `u` must be exactly those, and any other one was deleted or moved away. No
 * request is made for this: it is what any read of the list shows.
 */

/** The latest instant this code treats as "no upper bound" of a ledger range. */
export const OPEN_END_MS = Number.MAX_SAFE_INTEGER;

/** What a read of a comment list (newest `updated_at` first) saw. */
export interface CommentListRead {
  /** `updated_at` (epoch ms) of the last comment of the last page read; undefined: none. */
  readonly oldestUpdatedAtMs: number | undefined;
  /** The last page read was the list's last: nothing older is listed. */
  readonly reachedEnd: boolean;
  /** The list's `since` (epoch ms): it holds nothing updated before. Absent: whole history. */
  readonly sinceMs?: number;
}

/**
 * The `created_at` (epoch ms) from which the read holds every comment GitHub lists. Past the
 * end of the list that is the list's `since` (0 without one); otherwise one millisecond after
 * the oldest `updated_at` read, as comments updated in that same millisecond may continue on
 * the next page.
 */
export function toCoveredFromMs(read: CommentListRead): number {
  if (read.reachedEnd) return read.sinceMs ?? 0;
  return read.oldestUpdatedAtMs === undefined ? OPEN_END_MS : read.oldestUpdatedAtMs + 1;
}

/**
 * The ledger range a read proves, `[fromMs, OPEN_END_MS]`: from where it covers, but never
 * before the read-back limit (events at or before it are not recorded). Comments created
 * after the scrape's instant are in it too: the ledger only holds ones a read listed.
 */
export function toReconcileRange(
  coveredFromMs: number,
  readBackToMs: number,
): { readonly fromMs: number; readonly toMs: number } {
  return { fromMs: Math.max(coveredFromMs, readBackToMs + 1), toMs: OPEN_END_MS };
}

/** Whether a read covering from `coveredFromMs` proves the whole retained ledger. */
export function coversReadBack(coveredFromMs: number, readBackToMs: number): boolean {
  return coveredFromMs <= readBackToMs + 1;
}

/**
 * Whether a repo's comment list is due to be read back to retention: `intervalMs` after it
 * was last proven whole, less a per-repo part of the interval's last quarter (from its name),
 * so repos proven in the same cycle (the first scrape) do not all read back in one later cycle.
 * Never proven (a repo scraped before this rule): due now.
 */
export function isReconcileDue(options: {
  readonly reconciledAtMs: number | undefined;
  readonly nowMs: number;
  readonly intervalMs: number;
  /** The repo's stable name, e.g. `acme/web`. */
  readonly repoKey: string;
}): boolean {
  if (options.reconciledAtMs === undefined) return true;
  const spreadMs = toSpreadMs(options.repoKey, Math.floor(options.intervalMs / 4));
  return options.nowMs - options.reconciledAtMs >= options.intervalMs - spreadMs;
}

/** FNV-1a of the key, modulo `rangeMs`: a stable point in `[0, rangeMs)`. */
function toSpreadMs(key: string, rangeMs: number): number {
  if (rangeMs <= 0) return 0;
  let hash = 0x811c9dc5;
  for (let index = 0; index < key.length; index++) {
    hash ^= key.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % rangeMs;
}
