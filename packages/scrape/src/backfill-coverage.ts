import {
  SCRAPE_CATALOG,
  SCRAPE_RESOURCES,
  toActivityScope,
  type ScrapeResource,
} from '@gse/activity';
import type { RepoCheckpoints } from '@gse/store';

import type { ScrapeWindow } from './scrape-context.js';
import type { RepoScrapeOutcome } from './scrape-repo.js';

/**
 * Whether the repo's next incremental scrape re-reads `window` of `resource` anyway: its
 * checkpoint has not moved past the window's start (an incremental read starts at the
 * checkpoint and runs to its now). A backfill of such a window would spend rate limit on
 * what the schedule reads for free; the ledger being idempotent, it would only add
 * duplicates. A resource never read completely (no checkpoint) is not covered: its first
 * read may be long in coming (a repo new to an org in cooldown), so the backfill runs.
 */
export function isCoveredByNextScrape(
  checkpoints: RepoCheckpoints,
  resource: ScrapeResource,
  window: ScrapeWindow,
): boolean {
  const checkpointMs = checkpoints[SCRAPE_CATALOG[resource].checkpoint];
  return checkpointMs !== undefined && checkpointMs <= window.fromMs;
}

/**
 * The resources of `asked` (`all`: every resource that is not optional) a backfill of
 * `window` still has to read, in catalog order.
 */
export function toUncoveredResources(
  checkpoints: RepoCheckpoints,
  asked: readonly ScrapeResource[] | 'all',
  window: ScrapeWindow,
): ScrapeResource[] {
  const wanted = asked === 'all' ? toActivityScope([]).resources : asked;
  return SCRAPE_RESOURCES.filter(
    (resource) =>
      wanted.includes(resource) && !isCoveredByNextScrape(checkpoints, resource, window),
  );
}

/**
 * The misses of an incremental scrape that need a backfill. `scrapeRepo` moves a resource's
 * checkpoint only when it read the resource completely, so each missing window starts at
 * a checkpoint that did not move: the next scheduled scrape covers it, and a backfill would
 * read it a second time (after an outage, once per cycle of the outage). Only a permanent
 * refusal (`github_rejected`) that starts with this scrape still goes to backfill: the
 * next scrape would fail the same way, and the retry ladder takes it to the DLQ with its
 * reason, where an operator sees it — once per repo and resource, not once per cycle.
 */
export function toIncrementalBackfillNeeds(
  outcome: Pick<RepoScrapeOutcome, 'missing' | 'newlyRefused'>,
): RepoScrapeOutcome['missing'] {
  return outcome.missing.filter(
    (entry) => entry.reason === 'github_rejected' && outcome.newlyRefused.includes(entry.resource),
  );
}
