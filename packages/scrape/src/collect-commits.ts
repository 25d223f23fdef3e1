import { ACTIVITY_WINDOW_MS, SCRAPE_CATALOG } from '@gse/activity';
import {
  GitHubRequestError,
  decodeCommitList,
  toCommitEvent,
  toCommitSightings,
  type Page,
  type CommitListItem,
} from '@gse/github';

import { createEventBatch } from './event-batch.js';
import {
  readBackToMs,
  repoParams,
  toIsoSeconds,
  type CollectorContext,
  type CollectorResult,
} from './scrape-context.js';

const COMMITS_ROUTE = SCRAPE_CATALOG.commits.endpoints.commits;

/**
 * Default-branch commits, newest first. Incrementally the first page has a stable URL, so
 * an unchanged branch answers `304` for free; after a change, pages are read until one
 * reaches commits the ledger already has AND the start of the 24 h window: commits merged
 * with a merge commit keep their older committer dates and are listed among known ones, so
 * stopping at the first known commit could miss some inside the window. A repo with fewer
 * than 100 commits a day reads one page per change. A first scrape reads back to retention;
 * a backfill reads exactly its window with `since`/`until`.
 * An empty repository (409) has no commits: not an error. `since`/`until` filter on the
 * committer date, the date a commit counts at (docs/github-limitations.md#since-on-commits-filters-by-committer-date).
 */
export async function collectCommits(context: CollectorContext): Promise<CollectorResult> {
  const batch = createEventBatch(context);
  const readBackTo = readBackToMs(context);
  const isIncremental = !context.window && context.checkpoints.commitsSyncedAtMs !== undefined;
  const windowStartMs = context.nowMs - ACTIVITY_WINDOW_MS;
  const params = context.window
    ? {
        ...repoParams(context),
        since: toIsoSeconds(context.window.fromMs),
        until: toIsoSeconds(context.window.toMs),
        per_page: 100,
      }
    : { ...repoParams(context), per_page: 100 };
  let firstPage: Page<CommitListItem> | undefined;
  try {
    for await (const page of context.client.paginate(COMMITS_ROUTE, params, decodeCommitList)) {
      firstPage ??= page;
      if (page.status === 304) break;
      const seenAtMs = context.readClockMs();
      const events = page.items.flatMap(
        (commit) => toCommitEvent(commit, context.readNoreplyEmail) ?? [],
      );
      const { known } = await batch.record(
        events,
        readBackTo,
        page.items.flatMap((commit) =>
          toCommitSightings(commit, context.readNoreplyEmail, seenAtMs),
        ),
      );
      const oldestMs = Math.min(...events.map((event) => event.occurredAtMs));
      const reachedKnownHistory = known > 0 && oldestMs <= windowStartMs;
      if (oldestMs <= readBackTo || (isIncremental && reachedKnownHistory)) break;
    }
  } catch (error) {
    if (!isEmptyRepository(error)) throw error;
  }
  // Only now is everything the first page led to in the ledger: see rememberEtag.
  if (!context.window && firstPage?.status === 200) await context.client.rememberEtag(firstPage);
  return {
    added: batch.added,
    duplicates: batch.duplicates,
    checkpoints: context.window ? {} : { commitsSyncedAtMs: context.nowMs },
  };
}

function isEmptyRepository(error: unknown): boolean {
  return error instanceof GitHubRequestError && error.status === 409;
}
