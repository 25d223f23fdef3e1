import type { ActivityEvent } from '@gse/activity';

import { isCountedUser, type CollectorContext } from './scrape-context.js';

/** Writes collected events page by page and sums what the ledger reported. */
export interface EventBatch {
  /**
   * Records the events of one page that are inside `(readBackTo, …]` and count, and says
   * whether the ledger already had every one of them (the incremental stop signal).
   */
  record(events: readonly ActivityEvent[], readBackToMs: number): Promise<{ allKnown: boolean }>;
  readonly added: number;
  readonly duplicates: number;
}

export function createEventBatch(context: CollectorContext): EventBatch {
  let added = 0;
  let duplicates = 0;
  return {
    async record(events, readBackToMs) {
      const counted = events.filter(
        (event) => event.occurredAtMs > readBackToMs && isCountedUser(event, context.options),
      );
      if (counted.length === 0) return { allKnown: true };
      const result = await context.store.recordEvents(context.ref, counted);
      added += result.added;
      duplicates += result.duplicates;
      return { allKnown: result.added === 0 };
    },
    get added() {
      return added;
    },
    get duplicates() {
      return duplicates;
    },
  };
}
