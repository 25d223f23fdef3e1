import { randomUUID } from 'node:crypto';

import type { Logger } from '@gse/logging';

import {
  createAmqpConnection,
  reconnectOnChannelClose,
  type AmqpConnection,
} from './amqp/amqp-connection.js';
import { createConfirmPublisher, firstPublishError } from './amqp/confirm-publisher.js';
import {
  declareBackfillTopology,
  toBackfillTopology,
  type AmqpNames,
} from './amqp/backfill-topology.js';
import { coalesceBackfillRequests } from './backfill-coalesce.js';
import {
  BACKFILL_MESSAGE_TYPE,
  BACKFILL_MESSAGE_VERSION,
  decodeBackfillMessage,
  describeError,
  encodeBackfillMessage,
  isBackfillName,
  isBackfillReason,
  toBackfillDedupDigest,
  truncateError,
  type BackfillMessage,
} from './backfill-message.js';
import type { BackfillProducer, BackfillRequest } from './backfill-request.js';
import type { BackfillLimits, BackfillPending, BackfillStateStore } from './backfill-state.js';

/** The `backfill.*` settings the producer uses. */
export interface BackfillProducerSettings {
  readonly enabled: boolean;
  readonly requeueDelaysMs: readonly number[];
  readonly coalesceWindowMs: number;
  readonly dedupTtlMs: number;
  readonly maxEnqueuesPerOrgPerMinute: number;
}

/** Counts for telemetry (`gh_exporter_backfill_*`); each call carries a count. Must not throw. */
export interface BackfillProducerObserver {
  /** Confirmed by RabbitMQ into the main queue. */
  readonly enqueued?: (org: string, reason: string, count: number) => void;
  /** Not enqueued: an identical window is pending or was enqueued within `backfill.dedup_ttl`. */
  readonly deduped?: (org: string, reason: string, count: number) => void;
  /** Over the org's cap: kept in Redis for a later sweep. */
  readonly capped?: (org: string, reason: string, count: number) => void;
}

export interface BackfillProducerOptions {
  /** `amqp.*`; the URL is a secret and never logged. */
  readonly amqp: AmqpNames & { readonly url: string };
  readonly backfill: BackfillProducerSettings;
  /** Redis state: `createRedisBackfillState` of `@gse/store`. */
  readonly state: BackfillStateStore;
  readonly logger: Logger;
  /** Shown in RabbitMQ's connection list and as the messages' `app_id`, e.g. `scraper-worker`. */
  readonly connectionName: string;
  readonly observer?: BackfillProducerObserver;
  /** Reports RabbitMQ health (`gh_exporter_dependency_health{dependency="amqp"}`). */
  readonly onConnectionChange?: (connected: boolean) => void;
  /** Longest wait between reconnection attempts (5 s; they start at 100 ms and double). */
  readonly maxReconnectDelayMs?: number;
  /** Also sweep on a timer, this often. Default: only on each `request()` and reconnection. */
  readonly sweepIntervalMs?: number;
  /**
   * How long an outbox entry belongs to the process that stored it before any sweep may
   * publish it (30 s): long enough for a confirm, short enough to recover a crashed process.
   */
  readonly claimAfterMs?: number;
  readonly now?: () => number;
  readonly newId?: () => string;
}

/** What one `request()` did with its windows (after coalescing). */
export interface BackfillRequestSummary {
  /** Admitted and confirmed by RabbitMQ. */
  readonly published: number;
  /** Admitted but RabbitMQ did not confirm: in the Redis outbox, published by a later sweep. */
  readonly stored: number;
  readonly deduped: number;
  /** Over the org's cap, in the Redis overflow. */
  readonly capped: number;
}

/** What one sweep moved from Redis to RabbitMQ. */
export interface BackfillSweepSummary {
  readonly published: number;
  /** Still in Redis (RabbitMQ away). */
  readonly stored: number;
}

/** The producer of `@gse/queues`: {@link BackfillProducer} plus its lifecycle. */
export interface BackfillQueueProducer extends BackfillProducer {
  /**
   * `request()` with what became of the windows. Coalesces, dedups and caps them, stores the
   * admitted ones in Redis and publishes them with confirms. Resolves once every window is
   * safely in Redis or RabbitMQ; rejects only when Redis does not answer (then nothing is
   * claimed to be stored), or on a window that is not valid (a caller bug: a
   * `TypeError`/`RangeError`).
   */
  enqueue(requests: readonly BackfillRequest[]): Promise<BackfillRequestSummary>;
  /** Publishes overflow the cap now allows and outbox entries nobody confirmed. Single-flight. */
  sweep(): Promise<BackfillSweepSummary>;
  readonly connected: boolean;
  /** Starts connecting to RabbitMQ (resolves at once; `request()` works while it is away). */
  start(): Promise<void>;
  /** Stops the timer and closes the connection. Idempotent. */
  close(): Promise<void>;
}

const CLAIM_BATCH = 500;

/**
 * Creates the producer the scraper worker (partial or failed repo scrapes) and the
 * scheduler (windows skipped during a cooldown) hand missing windows to, and the backfill
 * worker sweeps with. Every admitted window is written to Redis before it is published and
 * removed only once RabbitMQ confirms it, so neither a RabbitMQ outage nor a crash loses one.
 */
export function createBackfillProducer(options: BackfillProducerOptions): BackfillQueueProducer {
  const { logger, state, backfill } = options;
  const now = options.now ?? Date.now;
  const newId = options.newId ?? randomUUID;
  const topology = toBackfillTopology(options.amqp, backfill.requeueDelaysMs);
  const limits: BackfillLimits = {
    dedupTtlMs: backfill.dedupTtlMs,
    maxEnqueuesPerOrgPerMinute: backfill.maxEnqueuesPerOrgPerMinute,
    claimAfterMs: options.claimAfterMs ?? 30_000,
  };
  const publisher = createConfirmPublisher({
    exchange: topology.exchange,
    appId: options.connectionName,
  });
  let sweeping: Promise<BackfillSweepSummary> | undefined;
  let timer: NodeJS.Timeout | undefined;

  const connection: AmqpConnection = createAmqpConnection({
    url: options.amqp.url,
    connectionName: options.connectionName,
    logger,
    ...(options.maxReconnectDelayMs === undefined
      ? {}
      : { maxReconnectDelayMs: options.maxReconnectDelayMs }),
    setup: async (model) => {
      const channel = await model.createConfirmChannel();
      channel.on('error', (error: Error) => {
        logger.warn('amqp publish channel error', { error: error.message });
      });
      reconnectOnChannelClose(model, channel);
      await declareBackfillTopology(channel, topology);
      publisher.attach(channel);
    },
    onStateChange: (connected) => {
      if (!connected) publisher.attach(undefined);
      options.onConnectionChange?.(connected);
      if (connected) runSweepInBackground('reconnected');
    },
  });

  function runSweepInBackground(trigger: string): void {
    sweep().catch((error: unknown) => {
      logger.warn('backfill sweep failed; the next one retries', {
        trigger,
        error: describeError(error),
      });
    });
  }

  async function publishPending(
    pending: readonly BackfillPending[],
  ): Promise<BackfillSweepSummary> {
    if (pending.length === 0) return { published: 0, stored: 0 };
    const publishedAtMs = now();
    const results = await publisher.publish(
      pending.map((entry) => ({
        queue: topology.mainQueue,
        content: Buffer.from(entry.payload),
        messageId: entry.id,
        timestampMs: publishedAtMs,
        type: BACKFILL_MESSAGE_TYPE,
      })),
    );
    const confirmed = pending.filter((_, index) => results[index]?.ok === true);
    const failed = pending.filter((_, index) => results[index]?.ok !== true);
    if (confirmed.length > 0) {
      await state.recordQueueMoves(
        confirmed.map((entry) => ({
          id: entry.id,
          enter: [{ queue: topology.mainQueue, atMs: publishedAtMs }],
        })),
      );
      await state.completeOutbox(confirmed.map((entry) => entry.id));
      for (const [key, count] of countByOrgAndReason(confirmed)) {
        const [org = '', reason = ''] = key.split('\n');
        options.observer?.enqueued?.(org, reason, count);
      }
    }
    if (failed.length > 0) {
      await state.releaseOutbox(
        failed.map((entry) => entry.id),
        now(),
      );
      logger.warn('backfill messages kept in Redis until RabbitMQ takes them', {
        count: failed.length,
        error: firstPublishError(results)?.message,
      });
    }
    return { published: confirmed.length, stored: failed.length };
  }

  async function sweepOnce(): Promise<BackfillSweepSummary> {
    const released = await state.releaseOverflow(limits, now());
    const claimed = await state.claimOutbox(limits, now(), CLAIM_BATCH);
    return publishPending([...released, ...claimed]);
  }

  function sweep(): Promise<BackfillSweepSummary> {
    sweeping ??= sweepOnce().finally(() => {
      sweeping = undefined;
    });
    return sweeping;
  }

  async function enqueue(requests: readonly BackfillRequest[]): Promise<BackfillRequestSummary> {
    const empty = { published: 0, stored: 0, deduped: 0, capped: 0 };
    if (requests.length === 0) return empty;
    if (!backfill.enabled) {
      logger.info('backfill disabled; missing windows not enqueued', { count: requests.length });
      return empty;
    }
    for (const request of requests) checkRequest(request);
    // Overflow first: windows already waiting go out before new ones take the org's budget.
    const swept = await sweep();
    const enqueuedAtMs = now();
    const entries = coalesceBackfillRequests(requests, backfill.coalesceWindowMs).map((request) => {
      const message = toMessage(request, newId(), enqueuedAtMs);
      return {
        message,
        pending: {
          id: message.id,
          org: message.org,
          payload: encodeBackfillMessage(message).toString('utf8'),
        },
      };
    });
    const decisions = await state.admit(
      entries.map(({ message, pending }) => ({
        ...pending,
        dedupDigest: toBackfillDedupDigest(message),
      })),
      limits,
      enqueuedAtMs,
    );
    const admitted: BackfillPending[] = [];
    let deduped = 0;
    let capped = 0;
    entries.forEach(({ message, pending }, index) => {
      switch (decisions[index]) {
        case 'admitted':
          admitted.push(pending);
          break;
        case 'deduped':
          deduped += 1;
          options.observer?.deduped?.(message.org, message.reason, 1);
          break;
        case 'capped':
        case undefined:
          capped += 1;
          options.observer?.capped?.(message.org, message.reason, 1);
          break;
      }
    });
    if (capped > 0) {
      logger.warn('backfill windows over the per-org cap kept in Redis for a later sweep', {
        count: capped,
      });
    }
    const published = await publishPending(admitted);
    return {
      published: published.published,
      stored: published.stored + swept.stored,
      deduped,
      capped,
    };
  }

  return {
    enqueue,
    request: async (requests) => {
      await enqueue(requests);
    },
    sweep,
    get connected() {
      return connection.connected;
    },
    start: async () => {
      await connection.start();
      if (options.sweepIntervalMs !== undefined && !timer) {
        timer = setInterval(() => {
          runSweepInBackground('timer');
        }, options.sweepIntervalMs);
        timer.unref();
      }
    },
    close: async () => {
      clearInterval(timer);
      timer = undefined;
      await sweeping?.catch(() => undefined);
      await connection.close();
    },
  };
}

/** The first message of a window: attempt 1, its error as first and last error. */
function toMessage(request: BackfillRequest, id: string, enqueuedAtMs: number): BackfillMessage {
  const error = request.lastError === undefined ? undefined : truncateError(request.lastError);
  return {
    version: BACKFILL_MESSAGE_VERSION,
    id,
    org: request.org,
    ...(request.repo === undefined ? {} : { repo: request.repo }),
    resource: request.resource,
    window: { fromMs: request.fromMs, toMs: request.toMs },
    reason: request.reason,
    attempt: 1,
    firstEnqueuedAtMs: enqueuedAtMs,
    ...(error === undefined ? {} : { firstError: error, lastError: error }),
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

function countByOrgAndReason(pending: readonly BackfillPending[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const entry of pending) {
    const decoded = decodeBackfillMessage(entry.payload);
    const reason = decoded.ok ? decoded.message.reason : 'unknown';
    const key = `${entry.org}\n${reason}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}
