import {
  SCRAPE_CATALOG,
  type ActivityKind,
  type LoginSighting,
  type ScrapeResource,
  type ScrapeResourceEntry,
} from '@gse/activity';
import {
  decodeCommentList,
  toAccountSightings,
  toCommentEvent,
  type Comment,
  type Page,
} from '@gse/github';
import type { RepoCheckpoints } from '@gse/store';

import {
  coversReadBack,
  isReconcileDue,
  toCoveredFromMs,
  toReconcileRange,
} from './comment-coverage.js';
import { createEventBatch } from './event-batch.js';
import {
  readBackToMs,
  repoParams,
  toIsoSeconds,
  type CollectorContext,
  type CollectorResult,
} from './scrape-context.js';

type CommentCheckpoint = 'commentsUpdatedAtMs' | 'reviewCommentsUpdatedAtMs';

/** What each comment list keeps beside its `updated_at` checkpoint to prove its ledger whole. */
export const RECONCILE_CHECKPOINTS = {
  commentsUpdatedAtMs: {
    reconciledAt: 'commentsReconciledAtMs',
    firstPageFrom: 'commentsFirstPageFromMs',
  },
  reviewCommentsUpdatedAtMs: {
    reconciledAt: 'reviewCommentsReconciledAtMs',
    firstPageFrom: 'reviewCommentsFirstPageFromMs',
  },
} as const satisfies Record<
  CommentCheckpoint,
  { reconciledAt: keyof RepoCheckpoints; firstPageFrom: keyof RepoCheckpoints }
>;

const PER_PAGE = 100;

/** A resource of the catalog read by this collector: one comment list, one event kind. */
interface CommentListResource {
  readonly route: `GET /${string}`;
  readonly checkpoint: CommentCheckpoint;
  readonly kind: ActivityKind;
}

function toCommentListResource(resource: ScrapeResource): CommentListResource {
  const entry: ScrapeResourceEntry = SCRAPE_CATALOG[resource];
  const route = entry.endpoints['comments'] as `GET /${string}` | undefined;
  const kinds = Object.keys(entry.events) as ActivityKind[];
  const [kind] = kinds;
  if (
    entry.collector !== 'comments' ||
    route === undefined ||
    kind === undefined ||
    kinds.length !== 1 ||
    !(entry.checkpoint in RECONCILE_CHECKPOINTS)
  ) {
    throw new TypeError(`${resource} is not a comment list of the scrape catalog`);
  }
  return { route, checkpoint: entry.checkpoint as CommentCheckpoint, kind };
}

/**
 * A repo-wide comment list of the catalog (issue conversation comments, PR review comments),
 * by `updated_at` newest first from a stable first-page URL (free `304` when nothing
 * changed), until the first comment not updated since the resource's checkpoint. Counted at
 * creation as the resource's one event kind: an edit re-lists a comment but adds nothing.
 * A backfill asks GitHub for `since` its window start.
 *
 * Every read also makes the ledger equal to what it listed over the range it covers
 * (`comment-coverage.ts`): a deleted comment, or one moved away with its issue, leaves the
 * counts, and one moved in is added. Once per `github.comment_reconcile_interval` the read
 * goes on back to retention, unless the list's first page already proves that for free.
 */
export async function collectComments(
  context: CollectorContext,
  resource: ScrapeResource,
): Promise<CollectorResult> {
  const { route, checkpoint, kind } = toCommentListResource(resource);
  const proof = RECONCILE_CHECKPOINTS[checkpoint];
  const batch = createEventBatch(context);
  const readBackTo = readBackToMs(context);
  const window = context.window;
  const updatedSinceMs = window?.fromMs ?? context.checkpoints[checkpoint] ?? readBackTo;
  const reconcileDue =
    !window &&
    isReconcileDue({
      reconciledAtMs: context.checkpoints[proof.reconciledAt],
      nowMs: context.nowMs,
      intervalMs: context.options.commentReconcileIntervalMs,
      repoKey: `${context.ref.org}/${context.ref.repo}`,
    });
  const params = {
    ...repoParams(context),
    sort: 'updated',
    direction: 'desc',
    per_page: PER_PAGE,
    ...(window ? { since: toIsoSeconds(window.fromMs) } : {}),
  };

  let firstPage: Page<Comment> | undefined;
  let newestUpdatedAtMs = context.checkpoints[checkpoint];
  const listed: Comment[] = [];
  let oldestUpdatedAtMs: number | undefined;
  let reachedEnd = true;
  let pagesRead = 0;
  // Pages the incremental read needed: up to the one that reached the checkpoint.
  let pagesToCheckpoint: number | undefined;
  for await (const page of context.client.paginate(route, params, decodeCommentList)) {
    firstPage ??= page;
    if (page.status === 304) break;
    pagesRead += 1;
    const staleIndex = page.items.findIndex(
      (comment) => Date.parse(comment.updated_at) < updatedSinceMs,
    );
    const fresh = staleIndex === -1 ? page.items : page.items.slice(0, staleIndex);
    for (const comment of fresh) {
      newestUpdatedAtMs = Math.max(newestUpdatedAtMs ?? 0, Date.parse(comment.updated_at));
    }
    await batch.record(
      fresh.map((comment) => toCommentEvent(comment, kind)),
      readBackTo,
      // Every commenter on the page, fresh or not: a rename changes no `updated_at`.
      toAccountSightings(
        page.items.map((comment) => comment.user),
        context.readClockMs(),
      ),
    );
    listed.push(...page.items);
    oldestUpdatedAtMs = lastUpdatedAtMs(page.items) ?? oldestUpdatedAtMs;
    if (staleIndex !== -1) pagesToCheckpoint ??= pagesRead;
    const wantsMore =
      reconcileDue && oldestUpdatedAtMs !== undefined && oldestUpdatedAtMs > readBackTo;
    if (pagesToCheckpoint !== undefined && !wantsMore) {
      reachedEnd = page.items.length < PER_PAGE;
      break;
    }
  }
  // Past the checkpoint, a page is read only to reconcile back to retention.
  let reconcileRequests = pagesRead - (pagesToCheckpoint ?? pagesRead);

  const sinceMs = window ? Date.parse(toIsoSeconds(window.fromMs)) : undefined;
  let coveredFromMs: number | undefined;
  let firstPageFromMs: number | undefined;
  // The commenters of pages read only to reconcile (the others were recorded page by page).
  let deepSightings: LoginSighting[] = [];
  // Whether `listed` is a listing to compare the ledger with (not after a `304` alone).
  let hasListing = firstPage?.status === 200;
  if (firstPage?.status === 200) {
    coveredFromMs = toCoveredFromMs({ oldestUpdatedAtMs, reachedEnd, sinceMs });
    const firstItems = firstPage.items;
    firstPageFromMs = toCoveredFromMs({
      oldestUpdatedAtMs: lastUpdatedAtMs(firstItems),
      reachedEnd: firstItems.length < PER_PAGE,
      sinceMs,
    });
  } else if (firstPage?.status === 304) {
    // The first page is what it was at its last `200`, so what that page proved still holds.
    const provenFromMs = context.checkpoints[proof.firstPageFrom];
    if (provenFromMs !== undefined && coversReadBack(provenFromMs, readBackTo)) {
      coveredFromMs = provenFromMs;
    } else if (reconcileDue) {
      const deep = await readBackToRetention(context, route, params, readBackTo);
      listed.push(...deep.comments);
      deepSightings = deep.sightings;
      reconcileRequests += deep.pages;
      coveredFromMs = deep.coveredFromMs;
      hasListing = true;
    }
  }

  let added = batch.added;
  let removed = 0;
  // A `304` the checkpoint proves needs no comparison: the ledger matched that page already.
  if (hasListing && coveredFromMs !== undefined) {
    const range = toReconcileRange(coveredFromMs, readBackTo);
    const events = listed
      .map((comment) => toCommentEvent(comment, kind))
      .filter((event) => event.occurredAtMs >= range.fromMs);
    const result = await context.store.reconcileEvents(
      context.ref,
      kind,
      range,
      events,
      deepSightings,
    );
    added += result.added;
    removed = result.removed;
  }
  const reconciledToRetention =
    !window && coveredFromMs !== undefined && coversReadBack(coveredFromMs, readBackTo);

  if (!window && firstPage?.status === 200) await context.client.rememberEtag(firstPage);
  return {
    added,
    duplicates: batch.duplicates,
    removed,
    reconcileRequests,
    reconciledToRetention,
    checkpoints: window
      ? {}
      : {
          ...(newestUpdatedAtMs === undefined ? {} : { [checkpoint]: newestUpdatedAtMs }),
          ...(firstPageFromMs === undefined ? {} : { [proof.firstPageFrom]: firstPageFromMs }),
          ...(reconciledToRetention ? { [proof.reconciledAt]: context.nowMs } : {}),
        },
  };
}

/**
 * The list since the read-back limit, every page, for a reconcile that the first page could
 * not prove (it answered `304` and reaches less far back). `since` gives the read a URL of its
 * own: no ETag is stored for it, so it is never a `304`.
 */
async function readBackToRetention(
  context: CollectorContext,
  route: `GET /${string}`,
  params: Record<string, string | number>,
  readBackTo: number,
): Promise<{
  comments: Comment[];
  sightings: LoginSighting[];
  pages: number;
  coveredFromMs: number;
}> {
  const since = toIsoSeconds(readBackTo);
  const comments: Comment[] = [];
  const sightings: LoginSighting[] = [];
  let pages = 0;
  for await (const page of context.client.paginate(
    route,
    { ...params, since },
    decodeCommentList,
  )) {
    if (page.status === 304) throw new TypeError(`${route} since ${since} answered 304 unasked`);
    pages += 1;
    comments.push(...page.items);
    sightings.push(
      ...toAccountSightings(
        page.items.map((comment) => comment.user),
        context.readClockMs(),
      ),
    );
  }
  return {
    comments,
    sightings,
    pages,
    coveredFromMs: toCoveredFromMs({
      oldestUpdatedAtMs: undefined,
      reachedEnd: true,
      sinceMs: Date.parse(since),
    }),
  };
}

function lastUpdatedAtMs(comments: readonly Comment[]): number | undefined {
  const last = comments.at(-1);
  return last === undefined ? undefined : Date.parse(last.updated_at);
}
