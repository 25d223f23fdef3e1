import { ACTIVITY_WINDOW_MS, SCRAPE_CATALOG, type ScrapeResource } from '@gse/activity';
import type { RepoCheckpoints } from '@gse/store';

import type { ScrapeOptions, ScrapeWindow } from './scrape-context.js';

/**
 * Where an incremental scrape's complete read starts while the repo's history is pending:
 * the stored `historyReadFromMs`, or, for a repo no resource was ever read of (a new org, a
 * Redis that lost its data), the start of the 24 h window at `nowMs` — the first read then
 * reads only what the 24 h gauges need, and the rest goes to the backfill worker. Undefined
 * when the ledger is complete back to retention (a repo read before this rule existed
 * included), when history is not read in the background, or when retention is no longer
 * than the 24 h window.
 */
export function toHistoryReadFromMs(
  checkpoints: RepoCheckpoints,
  at: {
    readonly nowMs: number;
    readonly retentionMs: number;
    readonly historyInBackground: boolean;
  },
): number | undefined {
  const stored = checkpoints.historyReadFromMs;
  if (stored !== undefined) return stored > 0 ? stored : undefined;
  if (!at.historyInBackground) return undefined;
  const isFirstRead = Object.values(SCRAPE_CATALOG).every(
    (entry) => checkpoints[entry.checkpoint] === undefined,
  );
  return isFirstRead && at.retentionMs > ACTIVITY_WINDOW_MS
    ? at.nowMs - ACTIVITY_WINDOW_MS
    : undefined;
}

/**
 * Whether the first reads of an org scraping `orgRepos` repos leave history to the backfill
 * worker: only when history is read in the background at all and the org is big enough for
 * its whole first view to outlast a cycle; a small org is exact back to retention sooner by
 * reading it at once.
 */
export function readsHistoryInBackground(
  options: Pick<ScrapeOptions, 'historyInBackground' | 'historyInBackgroundMinRepos'>,
  orgRepos: number,
): boolean {
  return (
    (options.historyInBackground ?? false) && orgRepos >= (options.historyInBackgroundMinRepos ?? 0)
  );
}

/**
 * The history a first read left to the backfill worker: retention as of the first read
 * (`historyReadFromMs` is 24 h before it) up to `historyReadFromMs`. Derived, so every
 * scrape that asks for it again asks for the same window (backfill dedup collapses them).
 */
export function toHistoryWindow(historyReadFromMs: number, retentionMs: number): ScrapeWindow {
  return { fromMs: historyReadFromMs + ACTIVITY_WINDOW_MS - retentionMs, toMs: historyReadFromMs };
}

/**
 * The pending resources whose history a backfill of `window` completed: it read them from
 * retention (as of now) up to at least `historyReadFromMs`, or GitHub refuses them for good
 * (there is nothing to wait for).
 */
export function toCompletedHistory(
  pending: readonly ScrapeResource[],
  read: {
    readonly answered: readonly ScrapeResource[];
    readonly refused: readonly ScrapeResource[];
  },
  window: ScrapeWindow,
  at: { readonly nowMs: number; readonly retentionMs: number; readonly historyReadFromMs: number },
): ScrapeResource[] {
  const coversHistory =
    window.fromMs <= at.nowMs - at.retentionMs && window.toMs >= at.historyReadFromMs;
  return pending.filter(
    (resource) =>
      read.refused.includes(resource) || (coversHistory && read.answered.includes(resource)),
  );
}
