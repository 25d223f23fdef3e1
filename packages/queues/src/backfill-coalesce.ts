import { toBackfillRepoIdentity } from './backfill-message.js';
import type { BackfillRequest } from './backfill-request.js';

/**
 * Snaps windows outward to the `backfill.coalesce_window` grid and merges the ones of the
 * same org, repo (by id when known: `toBackfillRepoIdentity`) and resource that overlap or
 * touch. A grid of 0 turns both off: every
 * window goes out exactly as asked.
 *
 * Why the grid: while GitHub fails, each cycle of the scraper reports the same resource as
 * missing from its unmoved checkpoint up to "now", so consecutive cycles ask for
 * `[c, t₁]`, `[c, t₂]`, … On the grid those become one identical window per grid step, and
 * dedup (`backfill.dedup_ttl`) collapses the rest: with 5-minute cycles and a 15-minute grid,
 * three reports make one message. A window only ever grows, so nothing missing is dropped.
 *
 * A merged window keeps the reason of the earliest one and the error of the last one.
 */
export function coalesceBackfillRequests(
  requests: readonly BackfillRequest[],
  coalesceWindowMs: number,
): BackfillRequest[] {
  if (!Number.isSafeInteger(coalesceWindowMs) || coalesceWindowMs < 0) {
    throw new RangeError(`coalesceWindowMs must be an integer ≥ 0, got ${coalesceWindowMs}`);
  }
  if (coalesceWindowMs === 0) return [...requests];
  const groups = new Map<string, BackfillRequest[]>();
  for (const request of requests) {
    const aligned = alignToGrid(request, coalesceWindowMs);
    const key = [request.org, toBackfillRepoIdentity(request), request.resource].join('\n');
    const group = groups.get(key);
    if (group) group.push(aligned);
    else groups.set(key, [aligned]);
  }
  return [...groups.values()].flatMap(mergeOverlapping);
}

/** The request with its window widened to whole grid steps (at least one). */
export function alignToGrid(request: BackfillRequest, gridMs: number): BackfillRequest {
  if (!(request.fromMs <= request.toMs)) {
    throw new RangeError(
      `backfill window of ${request.org}/${request.repo ?? '*'} ends before it starts: ${request.fromMs} > ${request.toMs}`,
    );
  }
  const fromMs = Math.floor(request.fromMs / gridMs) * gridMs;
  const toMs = Math.max(Math.ceil(request.toMs / gridMs) * gridMs, fromMs + gridMs);
  return { ...request, fromMs, toMs };
}

function mergeOverlapping(group: BackfillRequest[]): BackfillRequest[] {
  const byStart = [...group].sort((a, b) => a.fromMs - b.fromMs);
  const merged: BackfillRequest[] = [];
  for (const request of byStart) {
    const last = merged.at(-1);
    if (last && request.fromMs <= last.toMs) {
      const lastError = request.lastError ?? last.lastError;
      merged[merged.length - 1] = {
        ...last,
        toMs: Math.max(last.toMs, request.toMs),
        ...(lastError === undefined ? {} : { lastError }),
      };
    } else {
      merged.push(request);
    }
  }
  return merged;
}
