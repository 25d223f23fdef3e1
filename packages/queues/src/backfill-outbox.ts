import { randomUUID } from 'node:crypto';

import type { Logger } from '@gse/logging';
import { toTraceCarrier, type TraceCarrier, withSpan } from '@gse/tracing';

import { coalesceBackfillRequests } from './backfill-coalesce.js';
import {
  BACKFILL_MESSAGE_VERSION,
  encodeBackfillMessage,
  isBackfillName,
  isBackfillReason,
  toBackfillCoveringDigests,
  toBackfillDedupDigest,
  truncateError,
  type BackfillMessage,
} from './backfill-message.js';
import type { BackfillProducer, BackfillRequest } from './backfill-request.js';
import type { BackfillLimits, BackfillPending, BackfillStateStore } from './backfill-state.js';

/** The `backfill.*` settings that decide what enters the outbox. */
export interface BackfillOutboxSettings {
  readonly enabled: boolean;
  readonly coalesceWindowMs: number;
  readonly dedupTtlMs: number;
  readonly maxEnqueuesPerOrgPerMinute: number;
}

/** Counts for telemetry (`gh_exporter_backfill_*`); each call carries a count. Must not throw. */
export interface BackfillOutboxObserver {
  /** Not stored: an identical window is pending or was enqueued within `backfill.dedup_ttl`. */
  readonly deduped?: (org: string, reason: string, count: number) => void;
  /** Over the org's cap: kept in the Redis overflow until the cap allows it. */
  readonly capped?: (org: string, reason: string, count: number) => void;
}

export interface BackfillOutboxOptions {
  readonly backfill: BackfillOutboxSettings;
  /** Redis state: `createRedisBackfillState` of `@gse/store`. */
  readonly state: BackfillStateStore;
  readonly logger: Logger;
  readonly observer?: BackfillOutboxObserver;
  readonly now?: () => number;
  readonly newId?: () => string;
}

/** What one `enqueue()` did with its windows (after coalescing). */
export interface BackfillOutboxSummary {
  /**
   * In Redis for the backfill worker to publish: admitted to the outbox, or (history
   * windows, `HISTORY_BACKFILL_REASON`) held in their org's history list.
   */
  readonly stored: number;
  readonly deduped: number;
  /** Over the org's cap, in the Redis overflow. */
  readonly capped: number;
}

/** The scraper worker's and the scheduler's side of backfill: {@link BackfillProducer} on Redis. */
export interface BackfillOutbox extends BackfillProducer {
  /**
   * `request()` with what became of the windows: coalesced, deduped and capped in one Redis
   * script, the admitted ones written to the outbox. Touches only Redis, so a RabbitMQ outage
   * or alarm cannot slow it. Rejects only when Redis does not answer (nothing is claimed to
   * be stored), or on a window that is not valid (a caller bug: a `TypeError`/`RangeError`).
   */
  enqueue(requests: readonly BackfillRequest[]): Promise<BackfillOutboxSummary>;
}

/**
 * The reason of the windows a first read leaves (retention → the read's start): many per
 * repo, so a new 10,000-repo org queues ~30,000 of them. They are held in Redis and
 * published only when no other window of their org waits and the main queue is nearly
 * empty (`createBackfillPublisher`), so an outage's windows never wait behind them.
 */
export const HISTORY_BACKFILL_REASON = 'history';

// Nobody publishes an admitted window but the backfill worker's sweep: it is due at once.
const DUE_AT_ONCE_MS = 0;

/**
 * Creates the outbox the scraper worker (partial or failed repo scrapes) and the scheduler
 * (windows skipped during a cooldown) hand missing windows to. Coalescing, dedup and the
 * per-org cap run here, at the source, so what waits in Redis is already what will be
 * published; the backfill worker's sweep (`createBackfillPublisher`) moves it to RabbitMQ.
 */
export function createBackfillOutbox(options: BackfillOutboxOptions): BackfillOutbox {
  const { logger, state, backfill } = options;
  const now = options.now ?? Date.now;
  const newId = options.newId ?? randomUUID;
  const limits: BackfillLimits = {
    dedupTtlMs: backfill.dedupTtlMs,
    maxEnqueuesPerOrgPerMinute: backfill.maxEnqueuesPerOrgPerMinute,
    claimAfterMs: DUE_AT_ONCE_MS,
  };

  async function enqueue(requests: readonly BackfillRequest[]): Promise<BackfillOutboxSummary> {
    const summary = { stored: 0, deduped: 0, capped: 0 };
    if (requests.length === 0) return summary;
    if (!backfill.enabled) {
      logger.info('backfill disabled; missing windows not enqueued', { count: requests.length });
      return summary;
    }
    for (const request of requests) checkRequest(request);
    // The outbox record carries this span's context: the AMQP message continues from it.
    return withSpan(
      'backfill outbox write',
      { attributes: { 'gse.backfill.requests': requests.length } },
      async (span) => {
        const written = await admit(requests);
        span.setAttributes({
          'gse.backfill.stored': written.stored,
          'gse.backfill.deduped': written.deduped,
          'gse.backfill.capped': written.capped,
        });
        return written;
      },
    );
  }

  async function admit(requests: readonly BackfillRequest[]): Promise<BackfillOutboxSummary> {
    const summary = { stored: 0, deduped: 0, capped: 0 };
    const enqueuedAtMs = now();
    const trace = toTraceCarrier();
    const entries = coalesceBackfillRequests(requests, backfill.coalesceWindowMs).map((request) => {
      const message = toMessage(request, newId(), enqueuedAtMs, trace);
      const pending: BackfillPending = {
        id: message.id,
        org: message.org,
        payload: encodeBackfillMessage(message).toString('utf8'),
      };
      return { message, pending };
    });
    const decisions = await state.admit(
      entries.map(({ message, pending }) => ({
        ...pending,
        dedupDigest: toBackfillDedupDigest(message),
        coveringDigests: toBackfillCoveringDigests(message),
        history: message.reason === HISTORY_BACKFILL_REASON,
      })),
      limits,
      enqueuedAtMs,
    );
    entries.forEach(({ message }, index) => {
      switch (decisions[index]) {
        case 'admitted':
        case 'held':
          summary.stored += 1;
          break;
        case 'deduped':
          summary.deduped += 1;
          options.observer?.deduped?.(message.org, message.reason, 1);
          break;
        case 'capped':
        case undefined:
          summary.capped += 1;
          options.observer?.capped?.(message.org, message.reason, 1);
          break;
      }
    });
    if (summary.capped > 0) {
      logger.warn('backfill windows over the per-org cap kept in Redis for a later sweep', {
        count: summary.capped,
      });
    }
    return summary;
  }

  return {
    enqueue,
    request: async (requests) => {
      await enqueue(requests);
    },
  };
}

/**
 * The first message of a window: attempt 1, its error as first and last error, and the
 * context of the span that asked for it.
 */
function toMessage(
  request: BackfillRequest,
  id: string,
  enqueuedAtMs: number,
  trace: TraceCarrier | undefined,
): BackfillMessage {
  const error = request.lastError === undefined ? undefined : truncateError(request.lastError);
  return {
    version: BACKFILL_MESSAGE_VERSION,
    id,
    org: request.org,
    ...(request.repo === undefined ? {} : { repo: request.repo }),
    ...(request.repoId === undefined ? {} : { repoId: request.repoId }),
    resource: request.resource,
    window: { fromMs: request.fromMs, toMs: request.toMs },
    reason: request.reason,
    attempt: 1,
    firstEnqueuedAtMs: enqueuedAtMs,
    ...(error === undefined ? {} : { firstError: error, lastError: error }),
    ...(trace === undefined ? {} : { trace }),
  };
}

function checkRequest(request: BackfillRequest): void {
  const where = `${request.org}/${request.repo ?? '*'}`;
  if (
    !isBackfillName(request.org) ||
    (request.repo !== undefined && !isBackfillName(request.repo))
  ) {
    throw new TypeError(`invalid org or repo name in a backfill request: ${JSON.stringify(where)}`);
  }
  if (
    request.repoId !== undefined &&
    (request.repo === undefined || !Number.isSafeInteger(request.repoId) || request.repoId < 1)
  ) {
    throw new TypeError(`invalid repo id in a backfill request for ${where}: ${request.repoId}`);
  }
  if (!isBackfillReason(request.reason)) {
    throw new TypeError(`invalid backfill reason for ${where}: ${JSON.stringify(request.reason)}`);
  }
  if (
    !Number.isSafeInteger(request.fromMs) ||
    !Number.isSafeInteger(request.toMs) ||
    request.fromMs < 0 ||
    request.fromMs > request.toMs
  ) {
    throw new RangeError(
      `invalid backfill window for ${where}: [${request.fromMs}, ${request.toMs}]`,
    );
  }
}
