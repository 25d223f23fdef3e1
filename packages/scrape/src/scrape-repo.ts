import {
  createNoreplyEmailReader,
  SCRAPE_CATALOG,
  SCRAPE_RESOURCES,
  toActivityScope,
  type ScrapeCollector,
  type ScrapeResource,
} from '@gse/activity';
import { abortableSleep, type GitHubClient, type Sleep } from '@gse/github';
import { type Logger, toErrorMessage } from '@gse/logging';
import type {
  ActivityStore,
  LocFallbackBudget,
  RefreshSeriesResult,
  RepoCheckpointStore,
  RepoCheckpoints,
  RepoRef,
} from '@gse/store';

import { collectCommits } from './collect-commits.js';
import { collectComments } from './collect-comments.js';
import { collectLoc, isLocRefreshDue } from './collect-loc.js';
import { collectPulls } from './collect-pulls.js';
import { toCompletedHistory, toHistoryReadFromMs, toHistoryWindow } from './first-read.js';
import {
  readBackToMs,
  type CollectorContext,
  type CollectorResult,
  type LocTruncation,
  type ScrapeOptions,
  type ScrapeWindow,
} from './scrape-context.js';
import { toMissingReason, type MissingReason } from './missing-reason.js';

/** A resource that could not be read, and the range a backfill must re-read for it. */
export interface MissingResource {
  readonly resource: ScrapeResource;
  readonly window: ScrapeWindow;
  readonly reason: MissingReason;
  /** The error's message, for logs and dead-letter headers (never a secret). */
  readonly error: string;
}

/** One collector's run within a repo scrape. */
export interface CollectorRun {
  readonly resource: ScrapeResource;
  /** False when the resource went missing (it is then in `missing` too). */
  readonly success: boolean;
  readonly durationMs: number;
}

export interface RepoScrapeOutcome {
  /** `done`: everything read; `partial`: what was read is stored, `missing` lists the rest. */
  readonly status: 'done' | 'partial';
  readonly ref: RepoRef;
  /** Events the ledger did not have before, and those it had. */
  readonly added: number;
  readonly duplicates: number;
  /**
   * Events of the ledger GitHub no longer lists (deleted comments, transferred issues',
   * commits a force-push dropped).
   */
  readonly removed: number;
  /**
   * Counted requests made only to reconcile a comment list back to retention
   * (`github.comment_reconcile_interval`) or a force-pushed default branch, and the resources whose ledger this scrape proved
   * equal to GitHub's listing back to retention (free, or by those requests).
   */
  readonly reconcileRequests: number;
  readonly reconciledToRetention: readonly ScrapeResource[];
  readonly missing: readonly MissingResource[];
  /** Each collector that ran, in catalog order: per-collector success and duration telemetry. */
  readonly collectors: readonly CollectorRun[];
  /**
   * Resources GitHub started refusing for good with this scrape (`github_rejected`, e.g. a
   * 403 for a missing App permission), and those it refused before and answered now: a
   * refusal is reported once, when it starts (`gh_exporter_repo_resource_refused`, one
   * backfill that takes it to the DLQ with its reason), not every cycle it lasts.
   */
  readonly newlyRefused: readonly ScrapeResource[];
  readonly noLongerRefused: readonly ScrapeResource[];
  /**
   * Set when LOC was refreshed but the fallback's week stayed truncated by a spent budget
   * (`gh_exporter_loc_fallback_incomplete`); the refresh is retried at `retryAtMs`.
   */
  readonly locTruncation: LocTruncation | undefined;
  /**
   * The refreshed series, when every activity resource was read. After a partial read the
   * window does not move: the series keep describing the last complete scrape.
   */
  readonly series: RefreshSeriesResult | undefined;
  /**
   * An incremental scrape of a repo whose history is pending (this was its first read, or
   * the history has not come in yet): what the backfill worker must read, one window per
   * resource. Reported by every such scrape, so a worker that died before handing it to
   * backfill loses nothing (backfill dedup collapses the copies).
   */
  readonly history: PendingHistory | undefined;
  /** A backfill that brought in the last pending resource's history: the series now count it all. */
  readonly historyCompleted: boolean;
  /**
   * The default branch's head the ledger's commits are read up to after this scrape: its
   * first commits page's, or the stored one that page answered `304` to. What change
   * detection's fingerprint is checked against before it is stored.
   */
  readonly commitsHeadSha: string | undefined;
}

/** The history a repo's first read left to the backfill worker. */
export interface PendingHistory {
  readonly window: ScrapeWindow;
  readonly resources: readonly ScrapeResource[];
}

export interface ScrapeRepoDeps {
  readonly client: GitHubClient;
  readonly store: ActivityStore;
  readonly checkpoints: RepoCheckpointStore;
  readonly locBudget: LocFallbackBudget;
  readonly options: ScrapeOptions;
  readonly logger: Logger;
  /** Shutdown: aborts waits and requests; the scrape then rejects with the signal's reason. */
  readonly signal: AbortSignal;
  /**
   * The scrape's instant, the anchor of the repo's 24 h window. Default: Redis's clock
   * (`store.readClockMs`), so one worker with a skewed clock cannot pin the window in the
   * future (`refreshSeries` never moves it back). Tests set their own clock.
   */
  readonly now?: () => number;
  readonly sleep?: Sleep;
}

export interface ScrapeRepoRequest extends RepoRef {
  /**
   * The repo's GitHub id, when known (a repo job has it, a backfill message not): its ETags
   * are then stored by id, so they still answer after a rename. Absent: by URL.
   */
  readonly repoId?: number;
  /** A backfill: re-read exactly this range. Absent: the incremental scrape up to now. */
  readonly window?: ScrapeWindow;
  /**
   * Read only these resources (a backfill of one resource); no other gets a request.
   * Absent: every resource of the catalog. Either way LOC is read only when due, which a
   * backfill window always is.
   */
  readonly resources?: readonly ScrapeResource[];
  /**
   * Whether a first read leaves history to the backfill worker, as the org job decided for
   * its org (`readsHistoryInBackground`). Absent: `options.historyInBackground`.
   */
  readonly historyInBackground?: boolean;
}

/** The resources of a fleet that switched on no optional one. */
const DEFAULT_RESOURCES = toActivityScope([]).resources;

type Collector = (context: CollectorContext, resource: ScrapeResource) => Promise<CollectorResult>;

/**
 * Each collector a resource of `SCRAPE_CATALOG` may name: the compiler refuses a collector
 * without an implementation; a new resource read like an existing one needs no code here.
 */
const COLLECTORS: { readonly [C in ScrapeCollector]: Collector } = {
  commits: collectCommits,
  pulls: collectPulls,
  comments: collectComments,
  loc: collectLoc,
};

/** Resources whose read is skipped while not due (they measure, they do not count events). */
const IS_DUE: { readonly [R in ScrapeResource]?: (context: CollectorContext) => boolean } = {
  loc: isLocRefreshDue,
};

/**
 * The one use case both workers run: reads a repo's activity from GitHub into the ledger,
 * incrementally (or a backfill window exactly), and recomputes its series. What it could
 * not read it returns per resource with the range to re-read, so the caller can enqueue
 * exactly the missing windows; what it did read is kept. Redis failures and shutdown
 * reject: they are not GitHub's missing data, and the job is retried as a whole.
 */
export async function scrapeRepo(
  deps: ScrapeRepoDeps,
  request: ScrapeRepoRequest,
): Promise<RepoScrapeOutcome> {
  const ref = { org: request.org, repo: request.repo };
  // Durations only: the worker's clock is good enough for the time it takes itself.
  const now = deps.now ?? Date.now;
  const nowMs = deps.now ? deps.now() : await deps.store.readClockMs();
  const startedAtLocalMs = now();
  const stored = await deps.checkpoints.read(ref);
  const retention = { nowMs, retentionMs: deps.options.retentionMs };
  const historyReadFromMs = request.window
    ? undefined
    : toHistoryReadFromMs(stored, {
        ...retention,
        historyInBackground:
          request.historyInBackground ?? deps.options.historyInBackground ?? false,
      });
  const context: CollectorContext = {
    ref,
    client:
      request.repoId === undefined
        ? deps.client
        : deps.client.forRepo({ owner: ref.org, repo: ref.repo, repoId: request.repoId }),
    store: deps.store,
    locBudget: deps.locBudget,
    options: deps.options,
    sleep: deps.sleep ?? abortableSleep,
    signal: deps.signal,
    nowMs,
    readClockMs: () => nowMs + (now() - startedAtLocalMs),
    readNoreplyEmail: createNoreplyEmailReader(deps.options.noreplyDomain),
    window: request.window,
    checkpoints: stored,
    historyReadFromMs,
  };
  const asked = request.resources ?? deps.options.resources ?? DEFAULT_RESOURCES;
  // A first read leaves every event resource's history before it to the backfill worker.
  const isFirstRead = historyReadFromMs !== undefined && stored.historyReadFromMs === undefined;
  const historyPending = isFirstRead
    ? asked.filter(hasEvents)
    : (stored.historyPendingResources ?? []);

  let added = 0;
  let duplicates = 0;
  let removed = 0;
  let reconcileRequests = 0;
  const reconciledToRetention: ScrapeResource[] = [];
  let checkpoints: RepoCheckpoints = {};
  const missing: MissingResource[] = [];
  const collectors: CollectorRun[] = [];
  const wasRefused = new Set(context.checkpoints.refusedResources ?? []);
  let locTruncation: LocTruncation | undefined;
  for (const resource of SCRAPE_RESOURCES.filter((candidate) => asked.includes(candidate))) {
    // A collector sees what the earlier ones of this scrape found (LOC is due again after a
    // force-push the commits collector noticed).
    const current = { ...context, checkpoints: { ...context.checkpoints, ...checkpoints } };
    if (!(IS_DUE[resource]?.(current) ?? true)) continue;
    const startedAtMs = now();
    try {
      const result = await COLLECTORS[SCRAPE_CATALOG[resource].collector](current, resource);
      added += result.added;
      duplicates += result.duplicates;
      removed += result.removed ?? 0;
      reconcileRequests += result.reconcileRequests ?? 0;
      if (result.reconciledToRetention === true) reconciledToRetention.push(resource);
      checkpoints = { ...checkpoints, ...result.checkpoints };
      collectors.push({ resource, success: true, durationMs: now() - startedAtMs });
      if (result.locTruncation) {
        locTruncation = result.locTruncation;
        deps.logger.warn('repo LOC truncated by the fallback budget', {
          ...ref,
          ...result.locTruncation,
        });
      }
    } catch (error) {
      if (deps.signal.aborted) throw deps.signal.reason;
      const reason = toMissingReason(error);
      if (reason === undefined) throw error;
      const message = toErrorMessage(error);
      missing.push({ resource, reason, error: message, window: missingWindow(context, resource) });
      collectors.push({ resource, success: false, durationMs: now() - startedAtMs });
      const fields = { ...ref, resource, reason, error: message };
      if (isRefusal(reason) && wasRefused.has(resource)) {
        deps.logger.debug('repo resource still refused', fields);
      } else deps.logger.warn('repo resource missing', fields);
    }
  }
  const refusedNow = missing.flatMap((entry) => (isRefusal(entry.reason) ? [entry.resource] : []));
  const answered = collectors.flatMap((run) => (run.success ? [run.resource] : []));
  // A first read's pending history counts its repo pending by its id, in the same step.
  await deps.checkpoints.write(
    ref,
    {
      ...checkpoints,
      // Written once: later scrapes must not bring back what a backfill completed meanwhile.
      ...(isFirstRead ? { historyReadFromMs, historyPendingResources: historyPending } : {}),
      // A refused resource that was not tried this time (LOC not due) stays refused.
      refusedResources: SCRAPE_RESOURCES.filter(
        (resource) =>
          refusedNow.includes(resource) ||
          (wasRefused.has(resource) && !answered.includes(resource)),
      ),
    },
    request.repoId,
  );
  // A refusal does not freeze the repo's other families: GitHub will not answer it next
  // cycle either, so the series refresh from the ledger; the refused resource's family
  // counts the events read before it (packages/activity/README.md).
  const historyCompleted =
    request.window !== undefined &&
    (stored.historyReadFromMs ?? 0) > 0 &&
    (await deps.checkpoints.completeHistory(
      ref,
      toCompletedHistory(historyPending, { answered, refused: refusedNow }, request.window, {
        ...retention,
        historyReadFromMs: stored.historyReadFromMs ?? 0,
      }),
    ));
  const activityComplete = missing.every(
    (entry) => !hasEvents(entry.resource) || isRefusal(entry.reason),
  );
  const series = activityComplete
    ? await deps.store.refreshSeries(ref, request.window?.toMs ?? nowMs)
    : undefined;
  return {
    status: missing.length === 0 ? 'done' : 'partial',
    ref,
    added,
    duplicates,
    removed,
    reconcileRequests,
    reconciledToRetention,
    missing,
    collectors,
    newlyRefused: refusedNow.filter((resource) => !wasRefused.has(resource)),
    noLongerRefused: answered.filter((resource) => wasRefused.has(resource)),
    locTruncation,
    series,
    history:
      historyReadFromMs === undefined || historyPending.length === 0
        ? undefined
        : {
            window: toHistoryWindow(historyReadFromMs, deps.options.retentionMs),
            resources: historyPending,
          },
    historyCompleted,
    commitsHeadSha: checkpoints.commitsHeadSha ?? stored.commitsHeadSha,
  };
}

/** A permanent refusal: retrying, by the schedule or a backfill, gets the same answer. */
function isRefusal(reason: MissingReason): boolean {
  return reason === 'github_rejected';
}

/** Whether a resource yields events (its failure leaves the 24 h windows incomplete). */
function hasEvents(resource: ScrapeResource): boolean {
  return Object.keys(SCRAPE_CATALOG[resource].events).length > 0;
}

/** The range a backfill must re-read: the request's window, else since the resource's checkpoint. */
function missingWindow(context: CollectorContext, resource: ScrapeResource): ScrapeWindow {
  if (context.window) return context.window;
  const readBackTo = readBackToMs(context);
  const sinceMs = context.checkpoints[SCRAPE_CATALOG[resource].checkpoint];
  return { fromMs: Math.max(sinceMs ?? readBackTo, readBackTo), toMs: context.nowMs };
}
