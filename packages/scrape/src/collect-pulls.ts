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

/** GitHub's page size cap, which the reviews are read with. */
const REVIEWS_PER_PAGE = 100;

/**
 * Pull requests (opened, merged) and their reviews. PRs are listed by `updated_at`,
 * newest first, from a stable first-page URL (free `304` when nothing changed); paging
 * stops at the first PR not updated since the checkpoint (a first scrape: since retention;
 * a backfill: since its window start). A review bumps its PR's `updated_at`, so reviews
 * are read only for PRs updated since, each list conditional on its own ETag.
 * PRs updated in the checkpoint's very second are listed again (GitHub's timestamps have
 * whole seconds, so one may have changed after the last read); the reviews of those already
 * read at that second are not asked again — after a token rotation that would be a counted
 * request per repo for nothing. Two cases the PR list cannot show
 * (docs/github-limitations.md#a-review-does-not-always-change-what-a-list-shows):
 * - a review submitted in the same second as the PR update already read leaves `updated_at`
 *   (and the list's ETag) as it was: the reviews of PRs read in their `updated_at` second
 *   are read once more, conditionally, by the next scrape (`pullsReviewRecheck`);
 * - reviews are listed oldest first, 100 a page, so a new one on a PR with more than 100
 *   lands on a later page while page 1 keeps its ETag: a changed PR's reviews are read from
 *   the page the next review lands on (`pullsReviewPages`).
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
  const { pullsUpdatedAtMs: checkpointMs } = context.checkpoints;
  const incremental = context.window ? undefined : context.checkpoints;
  const readAtCheckpoint = new Set(incremental?.pullsReadAtCheckpoint ?? []);
  const reviewPages: Record<number, number> = { ...incremental?.pullsReviewPages };
  const reviewsRead = new Set<number>();
  const readReviews = async (pullNumber: number): Promise<void> => {
    const nextPage = await collectReviews(
      context,
      batch,
      pullNumber,
      readBackTo,
      reviewPages[pullNumber] ?? 1,
    );
    if (nextPage > 1) reviewPages[pullNumber] = nextPage;
  };
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
      if (!isUnchanged) {
        await readReviews(pull.number);
        reviewsRead.add(pull.number);
      }
      if (newest.updatedAtMs === undefined || updatedAtMs > newest.updatedAtMs) {
        newest = { updatedAtMs, read: new Set([pull.number]) };
      } else if (updatedAtMs === newest.updatedAtMs) {
        newest.read.add(pull.number);
      }
    }
  }
  for (const pullNumber of incremental?.pullsReviewRecheck ?? []) {
    if (!reviewsRead.has(pullNumber)) await readReviews(pullNumber);
  }
  if (!context.window && firstPage?.status === 200) await context.client.rememberEtag(firstPage);
  return {
    added: batch.added,
    duplicates: batch.duplicates,
    checkpoints:
      context.window || newest.updatedAtMs === undefined
        ? {}
        : {
            pullsUpdatedAtMs: newest.updatedAtMs,
            pullsReadAtCheckpoint: [...newest.read],
            pullsReviewRecheck: [...newest.read].filter((number) => reviewsRead.has(number)),
            pullsReviewPages: reviewPages,
          },
  };
}

/**
 * Reads a PR's reviews from `fromPage` on (the first page conditional on its ETag) and
 * returns the page its next review will land on.
 */
async function collectReviews(
  context: CollectorContext,
  batch: EventBatch,
  pullNumber: number,
  readBackTo: number,
  fromPage: number,
): Promise<number> {
  const params = {
    ...repoParams(context),
    pull_number: pullNumber,
    per_page: REVIEWS_PER_PAGE,
    // Page 1 keeps its stable URL (and the ETag stored for it).
    ...(fromPage > 1 ? { page: fromPage } : {}),
  };
  const read: Page<unknown>[] = [];
  let reviews = (fromPage - 1) * REVIEWS_PER_PAGE;
  for await (const page of context.client.paginate(REVIEWS_ROUTE, params, decodeReviewList)) {
    if (page.status === 304) return fromPage;
    read.push(page);
    reviews += page.items.length;
    await batch.record(
      page.items.flatMap((review) => toReviewEvent(review) ?? []),
      readBackTo,
      toAccountSightings(
        page.items.map((review) => review.user),
        context.readClockMs(),
      ),
    );
  }
  const nextPage = Math.floor(reviews / REVIEWS_PER_PAGE) + 1;
  // Only the page the next read starts from is asked conditionally.
  const startOfNextRead = read[nextPage - fromPage];
  if (startOfNextRead?.status === 200) await context.client.rememberEtag(startOfNextRead);
  return nextPage;
}
