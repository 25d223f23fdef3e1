import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

import { type Logger, toErrorMessage } from '@gse/logging';
import { decodeTraceCarrier, markSpanFailed, SpanKind, type Span, withSpan } from '@gse/tracing';
import type { ConfirmChannel, ConsumeMessage } from 'amqplib';

import { decideBackfillFailure, type DeadLetterReason } from '../backfill-ladder.js';
import {
  BACKFILL_MESSAGE_TYPE,
  toTraceHeaders,
  decodeBackfillMessage,
  encodeBackfillMessage,
  isBackfillName,
  toBackfillDedupDigest,
  truncateError,
  type BackfillMessage,
} from '../backfill-message.js';
import type { BackfillStateStore, QueueMove } from '../backfill-state.js';
import type { BackfillTopology } from './backfill-topology.js';
import {
  firstPublishError,
  type ConfirmPublisher,
  type OutgoingMessage,
} from './confirm-publisher.js';
import { toDeadLetterHeaders } from './dead-letter-headers.js';

/** What the handler made of one message. */
export type BackfillOutcome =
  /** The window is in the ledger: ack. */
  | { readonly kind: 'done' }
  /** Replaced by these messages (an org-wide window split per repo): publish them, then ack. */
  | { readonly kind: 'fanned_out'; readonly messages: readonly BackfillMessage[] }
  /** Not filled: up the retry ladder, or to the DLQ if `permanent` or out of retries. */
  | {
      readonly kind: 'failed';
      /** A metric label (`github_unavailable`, `rate_limited`, `worker_error`, …). */
      readonly reason: string;
      readonly error: string;
      readonly permanent: boolean;
    };

export interface BackfillHandlerContext {
  /** RabbitMQ delivered it before (a worker died or lost its connection mid-way). */
  readonly redelivered: boolean;
  /**
   * Aborts when the worker stops or the delivery's channel closes (give up: the message is
   * handed back, or RabbitMQ redelivers it), and at `backfill.handler_timeout` (the attempt
   * fails as `handler_timeout` and goes up the retry ladder).
   */
  readonly signal: AbortSignal;
  /** Carries `messageId`, `org`, `repo`, `attempt`. */
  readonly logger: Logger;
}

/** Processes one valid message; throwing counts as a failure (`worker_error`). */
export type BackfillHandler = (
  message: BackfillMessage,
  context: BackfillHandlerContext,
) => Promise<BackfillOutcome>;

/** Counts for telemetry. Must not throw. */
export interface BackfillConsumerObserver {
  /** One per message consumed; `result`: `processed`, `retried`, `dead_lettered`. */
  readonly processed?: (org: string, result: 'processed' | 'retried' | 'dead_lettered') => void;
  /** Sent up the retry ladder, by the failure's reason. */
  readonly retried?: (org: string, reason: string) => void;
  readonly deadLettered?: (org: string, reason: DeadLetterReason) => void;
}

/** One message as RabbitMQ delivered it, and the channel it must be settled on. */
export interface Delivery {
  readonly channel: ConfirmChannel;
  readonly publisher: ConfirmPublisher;
  readonly raw: ConsumeMessage;
  /** The handler's signal: the consumer stopping, the channel closed, or the time limit. */
  readonly signal: AbortSignal;
  /** Acked or nacked: a second settle would close the channel (unknown delivery tag). */
  settled: boolean;
}

/** What applying the ladder to a delivery needs from the consumer. */
export interface DeliveryContext {
  readonly topology: BackfillTopology;
  readonly backfill: {
    readonly requeueDelaysMs: readonly number[];
    readonly maxMessageAgeMs: number;
    /** `backfill.dedup_ttl`: how long a split's per-repo window holds its dedup marker. */
    readonly dedupTtlMs: number;
  };
  readonly state: BackfillStateStore;
  readonly handler: BackfillHandler;
  readonly observer: BackfillConsumerObserver | undefined;
  readonly logger: Logger;
  /** The consumer or the service is stopping: cuts the back-off before a hand-back short. */
  readonly signal: AbortSignal;
  readonly now: () => number;
  readonly republishBackoffMs: number;
}

/** Settles deliveries: runs the handler and applies its outcome (ack, retry queue, DLQ). */
export interface DeliveryHandler {
  handle(delivery: Delivery): Promise<void>;
  /** After an unexpected error: waits a little, then puts the message back in its queue. */
  handBack(delivery: Delivery, error: unknown): Promise<void>;
}

/**
 * The retry ladder applied to deliveries (`decideBackfillFailure`): a failed message is
 * republished to its retry queue (or the DLQ) with confirms before the original is acked,
 * so a crash in between duplicates it rather than losing it (the ledger is idempotent). A
 * message that cannot be read goes to the DLQ as `invalid_message`.
 */
export function createDeliveryHandler(context: DeliveryContext): DeliveryHandler {
  const { topology, state, backfill, now, logger, observer } = context;
  const stopSignal = context.signal;

  async function handleDelivery(delivery: Delivery): Promise<void> {
    const decoded = decodeBackfillMessage(delivery.raw.content);
    if (!decoded.ok) {
      await deadLetterInvalid(delivery, decoded.error);
      return;
    }
    const { message } = decoded;
    // The publisher's context comes in the W3C headers; the span is the window's processing.
    await withSpan(
      'backfill message',
      {
        kind: SpanKind.CONSUMER,
        parent: decodeTraceCarrier(delivery.raw.properties.headers),
        attributes: {
          'messaging.system': 'rabbitmq',
          'messaging.destination.name': topology.mainQueue,
          'messaging.message.id': message.id,
          'gse.org': message.org,
          ...(message.repo === undefined ? {} : { 'gse.repo': message.repo }),
          'gse.backfill.resource': message.resource,
          'gse.backfill.reason': message.reason,
          'gse.backfill.attempt': message.attempt,
        },
      },
      (span) => processMessage(delivery, message, span),
    );
  }

  async function processMessage(
    delivery: Delivery,
    message: BackfillMessage,
    span: Span,
  ): Promise<void> {
    const log = logger.child({
      messageId: message.id,
      org: message.org,
      ...(message.repo === undefined ? {} : { repo: message.repo }),
      attempt: message.attempt,
    });
    let outcome: BackfillOutcome;
    try {
      outcome = await context.handler(message, {
        redelivered: delivery.raw.fields.redelivered,
        signal: delivery.signal,
        logger: log,
      });
    } catch (error) {
      if (delivery.signal.aborted && !isTimeLimit(delivery.signal.reason)) {
        // Stopping, or the channel died (then the requeue cannot reach RabbitMQ, which
        // redelivers the message anyway).
        log.info('backfill message handed back: the worker is stopping or its channel closed');
        settle(delivery, 'requeue', log);
        return;
      }
      outcome = delivery.signal.aborted
        ? {
            kind: 'failed',
            reason: 'handler_timeout',
            error: 'the backfill handler ran past backfill.handler_timeout',
            permanent: false,
          }
        : {
            kind: 'failed',
            reason: 'worker_error',
            error: toErrorMessage(error),
            permanent: false,
          };
    }
    switch (outcome.kind) {
      case 'done':
        await finish(delivery, message, [{ id: message.id, leave: topology.mainQueue }], log);
        observer?.processed?.(message.org, 'processed');
        log.info('backfill window filled');
        return;
      case 'fanned_out':
        await fanOut(delivery, message, outcome.messages, log);
        return;
      case 'failed':
        markSpanFailed(span, outcome.error);
        span.setAttribute('gse.backfill.failure_reason', outcome.reason);
        await fail(delivery, message, outcome, log);
        return;
    }
  }

  async function fanOut(
    delivery: Delivery,
    message: BackfillMessage,
    split: readonly BackfillMessage[],
    log: Logger,
  ): Promise<void> {
    const atMs = now();
    // A repo whose window of the same slot is already pending (its own cooldown window, or
    // a failed job's) keeps that one: the org-wide window's share of it is dropped. The
    // markers set here make later per-repo windows of the slot collapse into these. A
    // redelivered parent finds its own children's markers (`ours`) and publishes them again.
    const claims = await state.claimDedup(
      split.map((child) => ({ digest: toBackfillDedupDigest(child), id: child.id })),
      backfill.dedupTtlMs,
    );
    const children = split.filter((_child, index) => claims[index] !== 'taken');
    const published = await publishOrHandBack(
      delivery,
      children.map((child) => toOutgoing(topology.mainQueue, child, atMs)),
      log,
    );
    if (!published) {
      await state
        .forgetDedup(
          split
            .filter((_child, index) => claims[index] === 'claimed')
            .map((child) => toBackfillDedupDigest(child)),
        )
        .catch((error: unknown) => {
          log.warn('backfill dedup markers of a split not removed; they expire by themselves', {
            error: toErrorMessage(error),
          });
        });
      return;
    }
    await finish(
      delivery,
      message,
      [
        { id: message.id, leave: topology.mainQueue },
        ...children.map((child) => ({
          id: child.id,
          enter: [{ queue: topology.mainQueue, atMs }],
        })),
      ],
      log,
    );
    observer?.processed?.(message.org, 'processed');
    log.info('backfill window split per repo', {
      repos: children.length,
      collapsed: split.length - children.length,
    });
  }

  async function fail(
    delivery: Delivery,
    message: BackfillMessage,
    failure: Extract<BackfillOutcome, { kind: 'failed' }>,
    log: Logger,
  ): Promise<void> {
    const error = truncateError(failure.error);
    const atMs = now();
    const decision = decideBackfillFailure({
      message,
      requeueDelaysMs: backfill.requeueDelaysMs,
      maxMessageAgeMs: backfill.maxMessageAgeMs,
      nowMs: atMs,
      permanent: failure.permanent,
    });
    const failed: BackfillMessage = {
      ...message,
      firstError: message.firstError ?? error,
      lastError: error,
    };
    if (decision.kind === 'retry') {
      const retryQueue = topology.retryQueues[decision.delayIndex];
      if (!retryQueue) throw new Error(`no retry queue for delay ${decision.delayIndex}`);
      const next: BackfillMessage = { ...failed, attempt: message.attempt + 1 };
      const published = await publishOrHandBack(
        delivery,
        [toOutgoing(retryQueue.name, next, atMs)],
        log,
      );
      if (!published) return;
      await finish(
        delivery,
        message,
        [
          {
            id: message.id,
            leave: topology.mainQueue,
            enter: [
              { queue: retryQueue.name, atMs },
              { queue: topology.mainQueue, atMs: atMs + retryQueue.delayMs },
            ],
          },
        ],
        log,
        { keepDedup: true },
      );
      observer?.processed?.(message.org, 'retried');
      observer?.retried?.(message.org, failure.reason);
      log.warn('backfill window failed; retrying after a delay', {
        reason: failure.reason,
        error,
        delayMs: retryQueue.delayMs,
      });
      return;
    }
    const headers = toDeadLetterHeaders({
      reason: decision.reason,
      attempts: message.attempt,
      firstError: failed.firstError,
      lastError: error,
      sourceQueue: topology.mainQueue,
      atMs,
    });
    const published = await publishOrHandBack(
      delivery,
      [toOutgoing(topology.dlq, failed, atMs, headers)],
      log,
    );
    if (!published) return;
    await finish(
      delivery,
      message,
      [{ id: message.id, leave: topology.mainQueue, enter: [{ queue: topology.dlq, atMs }] }],
      log,
    );
    observer?.processed?.(message.org, 'dead_lettered');
    observer?.deadLettered?.(message.org, decision.reason);
    log.error('backfill window dead-lettered', {
      reason: decision.reason,
      failureReason: failure.reason,
      attempts: message.attempt,
      error,
    });
  }

  async function deadLetterInvalid(delivery: Delivery, error: string): Promise<void> {
    const { raw } = delivery;
    const messageId: unknown = raw.properties.messageId;
    const id = typeof messageId === 'string' && messageId.length > 0 ? messageId : randomUUID();
    const atMs = now();
    const log = logger.child({ messageId: id });
    const published = await publishOrHandBack(
      delivery,
      [
        {
          queue: topology.dlq,
          content: raw.content,
          messageId: id,
          timestampMs: atMs,
          type: typeof raw.properties.type === 'string' ? raw.properties.type : 'unknown',
          headers: toDeadLetterHeaders({
            reason: 'invalid_message',
            attempts: 0,
            firstError: error,
            lastError: error,
            sourceQueue: topology.mainQueue,
            atMs,
          }),
        },
      ],
      log,
    );
    if (!published) return;
    await recordMoves(
      [{ id, leave: topology.mainQueue, enter: [{ queue: topology.dlq, atMs }] }],
      log,
    );
    settle(delivery, 'ack', log);
    const org = orgOf(raw.content);
    observer?.processed?.(org, 'dead_lettered');
    observer?.deadLettered?.(org, 'invalid_message');
    log.error('invalid backfill message dead-lettered', { error });
  }

  /** Publishes with confirms; on failure waits a little and hands the message back. */
  async function publishOrHandBack(
    delivery: Delivery,
    messages: readonly OutgoingMessage[],
    log: Logger,
  ): Promise<boolean> {
    const failure = firstPublishError(await delivery.publisher.publish(messages));
    if (!failure) return true;
    log.warn('backfill message handed back: RabbitMQ did not confirm a publish', {
      error: failure.message,
    });
    await backOff();
    settle(delivery, 'requeue', log);
    return false;
  }

  // Without a pause, a broker that keeps refusing (a deleted queue) would spin the message.
  async function backOff(): Promise<void> {
    await sleep(context.republishBackoffMs, undefined, { signal: stopSignal }).catch(
      () => undefined,
    );
  }

  async function finish(
    delivery: Delivery,
    message: BackfillMessage,
    moves: readonly QueueMove[],
    log: Logger,
    finishOptions: { readonly keepDedup?: boolean } = {},
  ): Promise<void> {
    await recordMoves(moves, log);
    if (!finishOptions.keepDedup) {
      // The window is settled (filled or dead-lettered): a new miss of it may enqueue again.
      await state.forgetDedup([toBackfillDedupDigest(message)]).catch((error: unknown) => {
        log.warn('backfill dedup marker not removed; it expires by itself', {
          error: toErrorMessage(error),
        });
      });
    }
    settle(delivery, 'ack', log);
  }

  // The age index is telemetry: a Redis hiccup must not hold the message back.
  async function recordMoves(moves: readonly QueueMove[], log: Logger): Promise<void> {
    await state.recordQueueMoves(moves).catch((error: unknown) => {
      log.warn('backfill queue age index not updated', { error: toErrorMessage(error) });
    });
  }

  function settle(delivery: Delivery, how: 'ack' | 'requeue', log: Logger): void {
    if (delivery.settled) return;
    delivery.settled = true;
    try {
      if (how === 'ack') delivery.channel.ack(delivery.raw);
      else delivery.channel.nack(delivery.raw, false, true);
    } catch (error) {
      // The channel died with its connection: RabbitMQ redelivers the message to a consumer.
      log.warn('backfill message left for redelivery: its channel is closed', {
        error: toErrorMessage(error),
      });
    }
  }

  return {
    handle: handleDelivery,
    handBack: async (delivery, error) => {
      logger.error('backfill message handling failed unexpectedly; handing it back', {
        error: toErrorMessage(error),
      });
      await backOff();
      settle(delivery, 'requeue', logger);
    },
  };
}

function toOutgoing(
  queue: string,
  message: BackfillMessage,
  atMs: number,
  extraHeaders: Readonly<Record<string, string | number>> = {},
): OutgoingMessage {
  return {
    queue,
    content: encodeBackfillMessage(message),
    messageId: message.id,
    timestampMs: atMs,
    type: BACKFILL_MESSAGE_TYPE,
    headers: { ...toTraceHeaders(message), ...extraHeaders },
  };
}

/** The org of a message that failed validation, when it names one; for the metric label. */
function orgOf(content: Buffer): string {
  try {
    const parsed: unknown = JSON.parse(content.toString('utf8'));
    if (typeof parsed === 'object' && parsed !== null && 'org' in parsed) {
      const { org } = parsed;
      if (typeof org === 'string' && isBackfillName(org)) return org;
    }
  } catch {
    // Not JSON: no org to name.
  }
  return 'unknown';
}

/** Whether an abort came from the per-delivery time limit (`AbortSignal.timeout`). */
function isTimeLimit(reason: unknown): boolean {
  return reason instanceof DOMException && reason.name === 'TimeoutError';
}
