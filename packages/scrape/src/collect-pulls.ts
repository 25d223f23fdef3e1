import { SCRAPE_CATALOG } from '@gse/activity';
import {
  decodePullList,
  decodeReviewList,
  toAccountSightings,
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

const { pulls: PULLS_ROUTE, reviews: REVIEWS_ROUTE } = SCRAPE_CATALOG.pulls.endpoints;

/**
 * Pull requests (opened, merged) and their reviews. PRs are listed by `updated_at`,
 * newest first, from a stable first-page URL (free `304` when nothing changed); paging
 * stops at the first PR not updated since the checkpoint (a first scrape: since retention;
 * a backfill: since its window start). A review bumps its PR's `updated_at`, so reviews
 * are read only for PRs updated since, each list conditional on its own ETag.
 * PRs updated in the checkpoint's very second are listed again (GitHub's timestamps have
 * whole seconds, so one may have changed after the last read); the reviews of those already
 * read at that second are not asked again — after a token rotation that would be a counted
 * request per repo for nothing.
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
  const { pullsUpdatedAtMs: checkpointMs, pullsReadAtCheckpoint } = context.checkpoints;
  const readAtCheckpoint = new Set(context.window ? [] : (pullsReadAtCheckpoint ?? []));
  let firstPage: Page<PullListItem> | undefined;
  let newest = { updatedAtMs: checkpointMs, read: readAtCheckpoint };
  pages: for await (const page of context.client.paginate(PULLS_ROUTE, params, decodePullList)) {
    firstPage ??= page;
    if (page.status === 304) break;
    // A rename changes no `updated_at`: the authors of PRs past the checkpoint are seen too.
    await batch.record(
      [],
      readBackTo,
      toAccountSightings(
        page.items.map((pull) => pull.user),
        context.readClockMs(),
      ),
    );
    for (const pull of page.items) {
      const updatedAtMs = Date.parse(pull.updated_at);
      if (updatedAtMs < updatedSinceMs) break pages;
      await batch.record(toPullEvents(pull), readBackTo, []);
      const isUnchanged = updatedAtMs === checkpointMs && readAtCheckpoint.has(pull.number);
      if (!isUnchanged) await collectReviews(context, batch, pull.number, readBackTo);
      if (newest.updatedAtMs === undefined || updatedAtMs > newest.updatedAtMs) {
        newest = { updatedAtMs, read: new Set([pull.number]) };
      } else if (updatedAtMs === newest.updatedAtMs) {
        newest.read.add(pull.number);
      }
    }
  }
  if (!context.window && firstPage?.status === 200) await context.client.rememberEtag(firstPage);
  return {
    added: batch.added,
    duplicates: batch.duplicates,
    checkpoints:
      context.window || newest.updatedAtMs === undefined
        ? {}
        : { pullsUpdatedAtMs: newest.updatedAtMs, pullsReadAtCheckpoint: [...newest.read] },
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
      toAccountSightings(
        page.items.map((review) => review.user),
        context.readClockMs(),
      ),
    );
  }
  if (firstPage?.status === 200) await context.client.rememberEtag(firstPage);
}
