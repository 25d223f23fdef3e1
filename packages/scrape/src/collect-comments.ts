import {
  SCRAPE_CATALOG,
  type ActivityKind,
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

import { createEventBatch } from './event-batch.js';
import {
  readBackToMs,
  repoParams,
  toIsoSeconds,
  type CollectorContext,
  type CollectorResult,
} from './scrape-context.js';

/** A resource of the catalog read by this collector: one comment list, one event kind. */
interface CommentListResource {
  readonly route: `GET /${string}`;
  readonly checkpoint: keyof RepoCheckpoints & `${string}UpdatedAtMs`;
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
    kinds.length !== 1
  ) {
    throw new TypeError(`${resource} is not a comment list of the scrape catalog`);
  }
  return { route, checkpoint: entry.checkpoint as CommentListResource['checkpoint'], kind };
}

/**
 * A repo-wide comment list of the catalog (issue conversation comments, PR review comments),
 * by `updated_at` newest first from a stable first-page URL (free `304` when nothing
 * changed), until the first comment not updated since the resource's checkpoint. Counted at
 * creation as the resource's one event kind: an edit re-lists a comment but adds nothing.
 * A backfill asks GitHub for `since` its window start.
 */
export async function collectComments(
  context: CollectorContext,
  resource: ScrapeResource,
): Promise<CollectorResult> {
  const { route, checkpoint, kind } = toCommentListResource(resource);
  const batch = createEventBatch(context);
  const readBackTo = readBackToMs(context);
  const updatedSinceMs = context.window?.fromMs ?? context.checkpoints[checkpoint] ?? readBackTo;
  const params = {
    ...repoParams(context),
    sort: 'updated',
    direction: 'desc',
    per_page: 100,
    ...(context.window ? { since: toIsoSeconds(context.window.fromMs) } : {}),
  };
  let firstPage: Page<Comment> | undefined;
  let newestUpdatedAtMs = context.checkpoints[checkpoint];
  for await (const page of context.client.paginate(route, params, decodeCommentList)) {
    firstPage ??= page;
    if (page.status === 304) break;
    const fresh: Comment[] = [];
    let reachedCheckpoint = false;
    for (const comment of page.items) {
      const updatedAtMs = Date.parse(comment.updated_at);
      if (updatedAtMs < updatedSinceMs) {
        reachedCheckpoint = true;
        break;
      }
      newestUpdatedAtMs = Math.max(newestUpdatedAtMs ?? 0, updatedAtMs);
      fresh.push(comment);
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
    if (reachedCheckpoint) break;
  }
  if (!context.window && firstPage?.status === 200) await context.client.rememberEtag(firstPage);
  return {
    added: batch.added,
    duplicates: batch.duplicates,
    checkpoints:
      context.window || newestUpdatedAtMs === undefined ? {} : { [checkpoint]: newestUpdatedAtMs },
  };
}
