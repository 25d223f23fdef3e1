import { type Logger, toErrorMessage } from '@gse/logging';
import { SpanKind, type TraceCarrier, withSpan } from '@gse/tracing';

import {
  createAmqpConnection,
  reconnectOnChannelClose,
  type AmqpConnection,
} from './amqp/amqp-connection.js';
import {
  createConfirmPublisher,
  firstPublishError,
  type PublishResult,
} from './amqp/confirm-publisher.js';
import {
  declareBackfillTopology,
  toBackfillTopology,
  type AmqpNames,
} from './amqp/backfill-topology.js';
import {
  BACKFILL_MESSAGE_TYPE,
  decodeBackfillMessage,
  toTraceHeaders,
} from './backfill-message.js';
import type { BackfillLimits, BackfillPending, BackfillStateStore } from './backfill-state.js';

/** The `backfill.*` settings the publisher uses. */
export interface BackfillPublisherSettings {
  /**
   * Held history windows are published only while the main queue has fewer ready messages
   * than this × `HISTORY_READY_PER_CONSUMER`.
   */
  readonly consumerCount: number;
  readonly requeueDelaysMs: readonly number[];
  readonly dedupTtlMs: number;
  readonly maxEnqueuesPerOrgPerMinute: number;
}

/** Counts for telemetry (`gh_exporter_backfill_jobs_enqueued_total`). Must not throw. */
export interface BackfillPublisherObserver {
  /** Confirmed by RabbitMQ into the main queue. */
  readonly enqueued?: (org: string, reason: string, count: number) => void;
}

export interface BackfillPublisherOptions {
  /** `amqp.*`; the URL is a secret and never logged. */
  readonly amqp: AmqpNames & { readonly url: string };
  readonly backfill: BackfillPublisherSettings;
  /** Redis state: `createRedisBackfillState` of `@gse/store`. */
  readonly state: BackfillStateStore;
  readonly logger: Logger;
  /** Shown in RabbitMQ's connection list and as the messages' `app_id`. */
  readonly connectionName: string;
  readonly observer?: BackfillPublisherObserver;
  /** Reports RabbitMQ health (`gh_exporter_dependency_health{dependency="amqp"}`). */
  readonly onConnectionChange?: (connected: boolean) => void;
  /** Reports RabbitMQ blocking the connection (`gh_exporter_amqp_blocked`). */
  readonly onBlockedChange?: (blocked: boolean) => void;
  /** Longest wait between reconnection attempts (5 s; they start at 100 ms and double). */
  readonly maxReconnectDelayMs?: number;
  /** Also sweep on a timer, this often. Default: only on `sweep()` and each reconnection. */
  readonly sweepIntervalMs?: number;
  /**
   * How long RabbitMQ has to confirm a sweep's messages (10 s). Under a memory or disk alarm
   * it stops reading publishes and no confirm comes: the sweep ends and the windows stay in
   * the outbox, settled when the confirms come after all (or retried if the channel dies).
   */
  readonly confirmTimeoutMs?: number;
  /**
   * How long a claimed outbox entry belongs to this sweeper before another may publish it
   * (30 s): longer than `confirmTimeoutMs`, short enough to recover a crashed worker's claims.
   */
  readonly claimAfterMs?: number;
  readonly now?: () => number;
}

/** What one sweep moved from Redis to RabbitMQ. */
export interface BackfillSweepSummary {
  /** Confirmed by RabbitMQ. */
  readonly published: number;
  /** Still in Redis: RabbitMQ refused them or did not confirm them within `confirmTimeoutMs`. */
  readonly stored: number;
}

/** The backfill worker's publisher of the Redis outbox (and overflow) into RabbitMQ. */
export interface BackfillPublisher {
  /**
   * Publishes overflow the cap now allows and outbox entries nobody else claimed, with
   * confirms. Single-flight; nothing while RabbitMQ is away or blocks this connection.
   * Rejects only when Redis does not answer.
   */
  sweep(): Promise<BackfillSweepSummary>;
  readonly connected: boolean;
  /** RabbitMQ blocks this connection's publishes (a resource alarm). */
  readonly blocked: boolean;
  /** Starts connecting to RabbitMQ and the sweep timer (resolves at once). */
  start(): Promise<void>;
  /** Stops the timer and closes the connection. Idempotent. */
  close(): Promise<void>;
}

const CLAIM_BATCH = 500;
/**
 * Ready messages per consumer below which a sweep publishes held history windows: enough
 * to keep the consumers busy between two sweeps (5 s), few enough that a window asked for
 * later (an outage's) waits behind that many history windows at most, not ~30,000.
 */
export const HISTORY_READY_PER_CONSUMER = 4;
const NOTHING_SWEPT: BackfillSweepSummary = { published: 0, stored: 0 };

/**
 * Creates the only publisher of new backfill windows (docs/decisions/0011, the backfill
 * worker runs it): it claims what `createBackfillOutbox` and the overflow hold in Redis
 * and removes each entry only once RabbitMQ confirms it, so neither a RabbitMQ outage, an
 * alarm nor a crash loses a window.
 */
export function createBackfillPublisher(options: BackfillPublisherOptions): BackfillPublisher {
  const { logger, state, backfill } = options;
  const now = options.now ?? Date.now;
  const confirmTimeoutMs = options.confirmTimeoutMs ?? 10_000;
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
  const historyReadyLimit = backfill.consumerCount * HISTORY_READY_PER_CONSUMER;
  /** Ids published without a confirm yet: a late confirm settles them, never a second publish. */
  const unconfirmed = new Set<string>();
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
    onBlockedChange: (blocked) => {
      options.onBlockedChange?.(blocked);
      if (!blocked) runSweepInBackground('unblocked');
    },
  });

  function runSweepInBackground(trigger: string): void {
    sweep().catch((error: unknown) => {
      logger.warn('backfill sweep failed; the next one retries', {
        trigger,
        error: toErrorMessage(error),
      });
    });
  }

  /** Takes confirmed entries off the outbox and hands refused ones back to the next sweep. */
  async function settle(
    pending: readonly BackfillPending[],
    results: readonly PublishResult[],
    publishedAtMs: number,
  ): Promise<BackfillSweepSummary> {
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

  async function publishPending(
    pending: readonly BackfillPending[],
  ): Promise<BackfillSweepSummary> {
    if (pending.length === 0) return NOTHING_SWEPT;
    const traces = pending.map(traceOf);
    const links = traces.filter((trace): trace is TraceCarrier => trace !== undefined);
    // One publish carries windows of many traces: linked to each, the child of none. A sweep
    // that carries no traced window opens no span (it would be a trace of its own per sweep).
    if (links.length === 0) return publishTraced(pending, traces);
    return withSpan(
      'backfill outbox publish',
      {
        kind: SpanKind.PRODUCER,
        links,
        attributes: {
          'messaging.system': 'rabbitmq',
          'messaging.destination.name': topology.mainQueue,
          'messaging.batch.message_count': pending.length,
        },
      },
      () => publishTraced(pending, traces),
    );
  }

  async function publishTraced(
    pending: readonly BackfillPending[],
    traces: readonly (TraceCarrier | undefined)[],
  ): Promise<BackfillSweepSummary> {
    const publishedAtMs = now();
    for (const entry of pending) unconfirmed.add(entry.id);
    const settled = publisher
      .publish(
        pending.map((entry, index) => ({
          queue: topology.mainQueue,
          content: Buffer.from(entry.payload),
          messageId: entry.id,
          timestampMs: publishedAtMs,
          type: BACKFILL_MESSAGE_TYPE,
          headers: toTraceHeaders({ trace: traces[index] }),
        })),
      )
      .then((results) => settle(pending, results, publishedAtMs))
      .finally(() => {
        for (const entry of pending) unconfirmed.delete(entry.id);
      });
    let timeout: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([
      settled,
      new Promise<'timed out'>((resolve) => {
        timeout = setTimeout(() => {
          resolve('timed out');
        }, confirmTimeoutMs);
      }),
    ]).finally(() => {
      clearTimeout(timeout);
    });
    if (outcome !== 'timed out') return outcome;
    // RabbitMQ may still take these (an alarm only pauses its reading): publishing them again
    // would queue them twice, so the late confirm, or the channel's death, settles them.
    settled.catch((error: unknown) => {
      logger.warn('settling late backfill confirms failed; the outbox keeps the windows', {
        error: toErrorMessage(error),
      });
    });
    logger.warn('RabbitMQ did not confirm backfill messages in time; they stay in the outbox', {
      count: pending.length,
      confirmTimeoutMs,
    });
    return { published: 0, stored: pending.length };
  }

  async function sweepOnce(): Promise<BackfillSweepSummary> {
    // While blocked, RabbitMQ would not read a publish: leave everything in Redis.
    if (!connection.connected || connection.blocked) return NOTHING_SWEPT;
    const released = await state.releaseOverflow(limits, now(), await historyRoom());
    const claimed = await state.claimOutbox(limits, now(), CLAIM_BATCH);
    return publishPending([...released, ...claimed].filter((entry) => !unconfirmed.has(entry.id)));
  }

  /**
   * How many held history windows this sweep may publish: the main queue's ready messages
   * up to `historyReadyLimit`. None when the queue cannot be counted: history can wait, and
   * the other windows must not.
   */
  async function historyRoom(): Promise<number> {
    try {
      const { messageCount } = await connection.withChannel((channel) =>
        channel.checkQueue(topology.mainQueue),
      );
      return Math.max(0, historyReadyLimit - messageCount);
    } catch (error) {
      logger.warn('backfill main queue not counted; held history waits for the next sweep', {
        error: toErrorMessage(error),
      });
      return 0;
    }
  }

  function sweep(): Promise<BackfillSweepSummary> {
    sweeping ??= sweepOnce().finally(() => {
      sweeping = undefined;
    });
    return sweeping;
  }

  return {
    sweep,
    get connected() {
      return connection.connected;
    },
    get blocked() {
      return connection.blocked;
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

/** The context of the span that asked for an outbox entry's window, when it has one. */
function traceOf(entry: BackfillPending): TraceCarrier | undefined {
  const decoded = decodeBackfillMessage(entry.payload);
  return decoded.ok ? decoded.message.trace : undefined;
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
