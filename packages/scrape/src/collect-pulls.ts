import {
  decodePullList,
  decodeReviewList,
  toPullEvents,
  toReviewEvent,
  type Page,
  type PullListItem,
} from '@gse/github';

import { createEventBatch, type EventBatch } from './event-batch.js';
import {
  readBackToMs,
  repoParams,
  type CollectorContext,
  type CollectorResult,
} from './scrape-context.js';

const PULLS_ROUTE = 'GET /repos/{owner}/{repo}/pulls';
const REVIEWS_ROUTE = 'GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews';

/**
 * Pull requests (opened, merged) and their reviews. PRs are listed by `updated_at`,
 * newest first, from a stable first-page URL (free `304` when nothing changed); paging
 * stops at the first PR not updated since the checkpoint (a first scrape: since retention;
 * a backfill: since its window start). A review bumps its PR's `updated_at`, so reviews
 * are read only for PRs updated since, each list conditional on its own ETag.
 * PRs updated in the checkpoint's very second are read again: ties cost little and lose
 * nothing.
 */
export async function collectPulls(context: CollectorContext): Promise<CollectorResult> {
  const batch = createEventBatch(context);
  const readBackTo = readBackToMs(context);
  const updatedSinceMs =
    context.window?.fromMs ?? context.checkpoints.pullsUpdatedAtMs ?? readBackTo;
  const params = {
    ...repoParams(context),
    state: 'all',
    sort: 'updated',
    direction: 'desc',
    per_page: 100,
  };
  let firstPage: Page<PullListItem> | undefined;
  let newestUpdatedAtMs = context.checkpoints.pullsUpdatedAtMs;
  pages: for await (const page of context.client.paginate(PULLS_ROUTE, params, decodePullList)) {
    firstPage ??= page;
    if (page.status === 304) break;
    for (const pull of page.items) {
      const updatedAtMs = Date.parse(pull.updated_at);
      if (updatedAtMs < updatedSinceMs) break pages;
      newestUpdatedAtMs = Math.max(newestUpdatedAtMs ?? 0, updatedAtMs);
      await batch.record(toPullEvents(pull), readBackTo);
      await collectReviews(context, batch, pull.number, readBackTo);
    }
  }
  if (!context.window && firstPage?.status === 200) await context.client.rememberEtag(firstPage);
  return {
    added: batch.added,
    duplicates: batch.duplicates,
    checkpoints:
      context.window || newestUpdatedAtMs === undefined
        ? {}
        : { pullsUpdatedAtMs: newestUpdatedAtMs },
  };
}

async function collectReviews(
  context: CollectorContext,
  batch: EventBatch,
  pullNumber: number,
  readBackTo: number,
): Promise<void> {
  const params = { ...repoParams(context), pull_number: pullNumber, per_page: 100 };
  let firstPage: Page<unknown> | undefined;
  for await (const page of context.client.paginate(REVIEWS_ROUTE, params, decodeReviewList)) {
    firstPage ??= page;
    if (page.status === 304) break;
    await batch.record(
      page.items.flatMap((review) => toReviewEvent(review) ?? []),
      readBackTo,
    );
  }
  if (firstPage?.status === 200) await context.client.rememberEtag(firstPage);
}
