import { SCRAPE_CATALOG } from '@gse/activity';
import {
  decodeIssueCommentList,
  toIssueCommentEvent,
  type IssueComment,
  type Page,
} from '@gse/github';

import { createEventBatch } from './event-batch.js';
import {
  readBackToMs,
  repoParams,
  toIsoSeconds,
  type CollectorContext,
  type CollectorResult,
} from './scrape-context.js';

const COMMENTS_ROUTE = SCRAPE_CATALOG.issue_comments.endpoints.comments;

/**
 * Issue and PR conversation comments, by `updated_at` newest first from a stable
 * first-page URL (free `304` when nothing changed), until the first comment not updated
 * since the checkpoint. Counted at creation: an edit re-lists a comment but adds nothing.
 * A backfill asks GitHub for `since` its window start.
 */
export async function collectIssueComments(context: CollectorContext): Promise<CollectorResult> {
  const batch = createEventBatch(context);
  const readBackTo = readBackToMs(context);
  const updatedSinceMs =
    context.window?.fromMs ?? context.checkpoints.commentsUpdatedAtMs ?? readBackTo;
  const params = {
    ...repoParams(context),
    sort: 'updated',
    direction: 'desc',
    per_page: 100,
    ...(context.window ? { since: toIsoSeconds(context.window.fromMs) } : {}),
  };
  let firstPage: Page<IssueComment> | undefined;
  let newestUpdatedAtMs = context.checkpoints.commentsUpdatedAtMs;
  for await (const page of context.client.paginate(
    COMMENTS_ROUTE,
    params,
    decodeIssueCommentList,
  )) {
    firstPage ??= page;
    if (page.status === 304) break;
    const fresh: IssueComment[] = [];
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
    await batch.record(fresh.map(toIssueCommentEvent), readBackTo);
    if (reachedCheckpoint) break;
  }
  if (!context.window && firstPage?.status === 200) await context.client.rememberEtag(firstPage);
  return {
    added: batch.added,
    duplicates: batch.duplicates,
    checkpoints:
      context.window || newestUpdatedAtMs === undefined
        ? {}
        : { commentsUpdatedAtMs: newestUpdatedAtMs },
  };
}
