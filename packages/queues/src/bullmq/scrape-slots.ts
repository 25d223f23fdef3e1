import type { OrgScrapeJob } from './scrape-jobs.js';

/**
 * The grid of org scrape cycles: slot `k` of an interval is `[k · interval, (k + 1) · interval)`
 * since the epoch. Every scheduler replica derives the same slots without asking the others,
 * and job ids built from a slot start collapse the duplicates a failover can add.
 */

/** Start of the slot under way at `atMs`; a slot's first millisecond belongs to it. */
export function toSlotStartMs(atMs: number, intervalMs: number): number {
  return Math.floor(atMs / intervalMs) * intervalMs;
}

/**
 * The slot to schedule at `nowMs`: the one under way, unless the last slot handled starts
 * there or later. Only later slots are scheduled, so a new leader neither repeats a slot nor
 * (while the handover is shorter than an interval) skips one; after `scrape_interval` grows,
 * the slot under way can start before the last one handled, and the org waits for the next.
 */
export function toDueSlotStartMs(
  nowMs: number,
  intervalMs: number,
  lastHandledStartMs: number | undefined,
): number | undefined {
  const slotStartMs = toSlotStartMs(nowMs, intervalMs);
  return lastHandledStartMs !== undefined && lastHandledStartMs >= slotStartMs
    ? undefined
    : slotStartMs;
}

/** What a cycle covers, `[slotStartMs, slotStartMs + intervalMs]`: the window a skipped or failed one hands to backfill. */
export function toSlotWindow(slot: Pick<OrgScrapeJob, 'slotStartMs' | 'intervalMs'>): {
  readonly fromMs: number;
  readonly toMs: number;
} {
  return { fromMs: slot.slotStartMs, toMs: slot.slotStartMs + slot.intervalMs };
}
