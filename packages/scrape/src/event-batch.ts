import type { ActivityEvent, LoginSighting } from '@gse/activity';

import type { CollectorContext } from './scrape-context.js';

/** Writes collected events page by page and sums what the ledger reported. */
export interface EventBatch {
  /**
   * Records the events of one page that are inside `(readBackTo, …]` (bots' too:
   * `github.exclude_bots` applies when series are computed) with the logins the page showed
   * (all of them: a rename is noticed on any page that shows the user), and says
   * how many of the events the ledger already had (the incremental stop signal).
   */
  record(
    events: readonly ActivityEvent[],
    readBackToMs: number,
    sightings: readonly LoginSighting[],
  ): Promise<{ known: number }>;
  readonly added: number;
  readonly duplicates: number;
}

export function createEventBatch(context: CollectorContext): EventBatch {
  let added = 0;
  let duplicates = 0;
  return {
    async record(events, readBackToMs, sightings) {
      const counted = events.filter((event) => event.occurredAtMs > readBackToMs);
      if (counted.length === 0 && sightings.length === 0) return { known: 0 };
      const result = await context.store.recordEvents(context.ref, counted, sightings);
      added += result.added;
      duplicates += result.duplicates;
      return { known: result.duplicates };
    },
    get added() {
      return added;
    },
    get duplicates() {
      return duplicates;
    },
  };
}
