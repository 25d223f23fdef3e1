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
 * A push normally keeps the last head seen in the history; when the pages read no longer
 * show it, the branch was force-pushed: the history back to retention is listed again and
 * the ledger's commits (and the LOC fallback's per-commit lines) made exactly that listing
 * (docs/github-limitations.md#a-force-push-rewrites-the-default-branch).
 */
export async function collectCommits(context: CollectorContext): Promise<CollectorResult> {
  const batch = createEventBatch(context);
  const readBackTo = readBackToMs(context);
  const isIncremental = !context.window && context.checkpoints.commitsSyncedAtMs !== undefined;
  const previousHead = context.window ? undefined : context.checkpoints.commitsHeadSha;
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
  let showsPreviousHead = false;
  try {
    for await (const page of context.client.paginate(COMMITS_ROUTE, params, decodeCommitList)) {
      firstPage ??= page;
      if (page.status === 304) break;
      showsPreviousHead ||= page.items.some((commit) => commit.sha === previousHead);
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
  const head = firstPage?.status === 200 ? firstPage.items[0]?.sha : undefined;
  const isRewritten = previousHead !== undefined && head !== undefined && !showsPreviousHead;
  const relisted = isRewritten
    ? await reconcileHistory(context, readBackTo)
    : { added: 0, removed: 0, requests: 0 };
  // Only now is everything the first page led to in the ledger: see rememberEtag.
  if (!context.window && firstPage?.status === 200) await context.client.rememberEtag(firstPage);
  return {
    added: batch.added + relisted.added,
    duplicates: batch.duplicates,
    removed: relisted.removed,
    reconcileRequests: relisted.requests,
    reconciledToRetention: isRewritten,
    checkpoints: context.window
      ? {}
      : {
          commitsSyncedAtMs: context.nowMs,
          ...(head === undefined ? {} : { commitsHeadSha: head }),
          ...(isRewritten ? { commitsRewrittenAtMs: context.nowMs } : {}),
        },
  };
}

/**
 * After a force-push: lists the default branch from `readBackTo` on (`since`, so commits
 * merged with older committer dates are all there) and makes the ledger's commits of that
 * range exactly the listing; per-commit LOC of commits no longer listed goes too.
 */
async function reconcileHistory(
  context: CollectorContext,
  readBackTo: number,
): Promise<{ added: number; removed: number; requests: number }> {
  const params = { ...repoParams(context), since: toIsoSeconds(readBackTo), per_page: 100 };
  const seenAtMs = context.readClockMs();
  const listed: CommitListItem[] = [];
  let requests = 0;
  for await (const page of context.client.paginate(COMMITS_ROUTE, params, decodeCommitList)) {
    // This URL's ETag is never stored, so a 304 would mean a cache this code does not write.
    if (page.status === 304) throw new Error(`unexpected 304 for ${page.url}`);
    listed.push(...page.items);
    requests += 1;
  }
  const sinceMs = Date.parse(params.since);
  const { added, removed } = await context.store.reconcileEvents(
    context.ref,
    'commit',
    { fromMs: sinceMs, toMs: Number.MAX_SAFE_INTEGER },
    listed.flatMap((commit) => toCommitEvent(commit, context.readNoreplyEmail) ?? []),
    listed.flatMap((commit) => toCommitSightings(commit, context.readNoreplyEmail, seenAtMs)),
  );
  await context.store.pruneCommitLoc(
    context.ref,
    sinceMs,
    new Set(listed.map((commit) => commit.sha)),
  );
  return { added, removed, requests };
}

function isEmptyRepository(error: unknown): boolean {
  return error instanceof GitHubRequestError && error.status === 409;
}
