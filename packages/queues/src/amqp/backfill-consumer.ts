import { setTimeout as sleep } from 'node:timers/promises';

import { type Logger, toErrorMessage } from '@gse/logging';
import type { ChannelModel, ConfirmChannel } from 'amqplib';

import type { BackfillStateStore } from '../backfill-state.js';
import {
  createAmqpConnection,
  reconnectOnChannelClose,
  type AmqpConnection,
} from './amqp-connection.js';
import {
  createDeliveryHandler,
  type BackfillConsumerObserver,
  type BackfillHandler,
  type Delivery,
} from './backfill-delivery.js';
import {
  declareBackfillTopology,
  toBackfillTopology,
  type AmqpNames,
  type BackfillTopology,
} from './backfill-topology.js';
import { createConfirmPublisher } from './confirm-publisher.js';
import { drainLegacyBackfillQueues } from './legacy-backfill-queues.js';

export interface BackfillConsumerOptions {
  /** `amqp.*`; the URL is a secret and never logged. */
  readonly amqp: AmqpNames & { readonly url: string };
  readonly backfill: {
    readonly requeueDelaysMs: readonly number[];
    readonly maxMessageAgeMs: number;
    /** `backfill.dedup_ttl`: the markers of the per-repo windows an org-wide one splits into. */
    readonly dedupTtlMs: number;
    /** `backfill.consumer_count`: messages handled at once (the channel's prefetch). */
    readonly consumerCount: number;
    /**
     * `backfill.handler_timeout`: a handler still running after this long is aborted and its
     * attempt fails as `handler_timeout`. Below RabbitMQ's `consumer_timeout` (30 min by
     * default), which would otherwise close the channel under every delivery on it.
     */
    readonly handlerTimeoutMs: number;
  };
  readonly state: BackfillStateStore;
  readonly handler: BackfillHandler;
  readonly logger: Logger;
  readonly connectionName: string;
  readonly observer?: BackfillConsumerObserver;
  readonly onConnectionChange?: (connected: boolean) => void;
  /**
   * The service's shutdown, if it begins before `close()`: handlers see it aborted, and a
   * handler that then fails hands its message back instead of spending a retry on it.
   */
  readonly signal?: AbortSignal;
  /** Longest wait between reconnection attempts (5 s; they start at 100 ms and double). */
  readonly maxReconnectDelayMs?: number;
  /** Wait before handing a message back after a publish to RabbitMQ failed (1 s). */
  readonly republishBackoffMs?: number;
  /**
   * How often the classic queues of topology version 1 are drained again while connected
   * (60 s; also on every connection): replicas of the previous version may fill them
   * during a rolling update.
   */
  readonly legacyDrainIntervalMs?: number;
  readonly now?: () => number;
}

export interface BackfillConsumer {
  readonly topology: BackfillTopology;
  /** The consumer's connection; `withChannel` on it serves queue stats. */
  readonly connection: AmqpConnection;
  readonly connected: boolean;
  /** Messages being handled now. */
  readonly inFlight: number;
  /** Connects and consumes (resolves at once; consumes from each (re)connection on). */
  start(): Promise<void>;
  /** Stops intake, hands in-flight messages back (their handlers are aborted), disconnects. */
  close(): Promise<void>;
}

const CANCEL_TIMEOUT_MS = 2000;

/**
 * Consumes the main backfill queue with manual acks and a prefetch of
 * `backfill.consumer_count`, on a connection that reconnects by itself; each delivery goes
 * through the retry ladder (`createDeliveryHandler`). Its publishes go out on the delivery's
 * own channel, so a publish and the ack that follows it live and die together.
 */
export function createBackfillConsumer(options: BackfillConsumerOptions): BackfillConsumer {
  const { logger, state, backfill } = options;
  const now = options.now ?? Date.now;
  const topology = toBackfillTopology(options.amqp, backfill.requeueDelaysMs);
  const stopping = new AbortController();
  const handlerSignal = options.signal
    ? AbortSignal.any([stopping.signal, options.signal])
    : stopping.signal;
  const inFlight = new Set<Promise<void>>();
  const deliveries = createDeliveryHandler({
    topology,
    backfill,
    state,
    handler: options.handler,
    observer: options.observer,
    logger,
    signal: handlerSignal,
    now,
    republishBackoffMs: options.republishBackoffMs ?? 1000,
  });
  let current: { channel: ConfirmChannel; consumerTag: string } | undefined;
  let currentModel: ChannelModel | undefined;

  // A failed drain is retried at the next interval or connection; consuming goes on.
  async function drainLegacy(model: ChannelModel): Promise<void> {
    try {
      const { moved, deleted } = await drainLegacyBackfillQueues(model, topology, state, {
        appId: options.connectionName,
        now,
      });
      for (const [queue, count] of Object.entries(moved)) {
        logger.info('backfill messages moved out of a classic queue of topology version 1', {
          queue,
          count,
        });
      }
      for (const queue of deleted) {
        logger.info('classic backfill queue of topology version 1 deleted', { queue });
      }
    } catch (error) {
      logger.warn('draining the classic backfill queues failed; trying again later', {
        error: toErrorMessage(error),
      });
    }
  }
  let legacyDrainTimer: NodeJS.Timeout | undefined;

  const connection: AmqpConnection = createAmqpConnection({
    url: options.amqp.url,
    connectionName: options.connectionName,
    logger,
    setup: (model) => consumeOn(model),
    ...(options.maxReconnectDelayMs === undefined
      ? {}
      : { maxReconnectDelayMs: options.maxReconnectDelayMs }),
    ...(options.onConnectionChange ? { onStateChange: options.onConnectionChange } : {}),
  });

  async function consumeOn(model: ChannelModel): Promise<void> {
    // The previous channel's handlers were aborted with it; with this channel's prefetch on
    // top they would run more than backfill.consumer_count handlers at once.
    await Promise.allSettled([...inFlight]);
    const channel = await model.createConfirmChannel();
    // Handlers of a channel that closed cannot settle their messages (RabbitMQ redelivers
    // them): they stop at once instead of running on for nothing.
    const channelOpen = new AbortController();
    channel.on('close', () => {
      channelOpen.abort(new Error('the amqp channel closed'));
    });
    channel.on('error', (error: Error) => {
      logger.warn('amqp consumer channel error', { error: error.message });
    });
    reconnectOnChannelClose(model, channel);
    await declareBackfillTopology(channel, topology);
    currentModel = model;
    await drainLegacy(model);
    if (stopping.signal.aborted) return;
    await channel.prefetch(backfill.consumerCount);
    const publisher = createConfirmPublisher({
      exchange: topology.exchange,
      appId: options.connectionName,
    });
    publisher.attach(channel);
    const { consumerTag } = await channel.consume(
      topology.mainQueue,
      (raw) => {
        if (raw === null) {
          // The broker cancelled us (the queue was deleted): reconnect, which re-declares it.
          logger.error('backfill consumer cancelled by RabbitMQ; reconnecting', {
            queue: topology.mainQueue,
          });
          void model.close().catch(() => undefined);
          return;
        }
        const delivery: Delivery = {
          channel,
          publisher,
          raw,
          settled: false,
          signal: AbortSignal.any([
            handlerSignal,
            channelOpen.signal,
            AbortSignal.timeout(backfill.handlerTimeoutMs),
          ]),
        };
        const handled = deliveries
          .handle(delivery)
          .catch((error: unknown) => deliveries.handBack(delivery, error));
        inFlight.add(handled);
        void handled.finally(() => inFlight.delete(handled));
      },
      { noAck: false },
    );
    current = { channel, consumerTag };
  }

  return {
    topology,
    connection,
    get connected() {
      return connection.connected;
    },
    get inFlight() {
      return inFlight.size;
    },
    start: async () => {
      legacyDrainTimer ??= setInterval(() => {
        if (currentModel && connection.connected) void drainLegacy(currentModel);
      }, options.legacyDrainIntervalMs ?? 60_000).unref();
      await connection.start();
    },
    close: async () => {
      clearInterval(legacyDrainTimer);
      if (!stopping.signal.aborted) {
        const consuming = current;
        current = undefined;
        if (consuming && connection.connected) {
          // Bounded: a channel closing under us may never answer; closing the connection
          // below stops the deliveries anyway.
          await Promise.race([
            consuming.channel.cancel(consuming.consumerTag),
            sleep(CANCEL_TIMEOUT_MS, undefined, { ref: false }).then(() => {
              throw new Error(`no answer within ${CANCEL_TIMEOUT_MS} ms`);
            }),
          ]).catch((error: unknown) => {
            logger.warn('backfill consumer cancel failed', { error: toErrorMessage(error) });
          });
        }
        stopping.abort(new Error('backfill consumer stopping'));
      }
      await Promise.allSettled([...inFlight]);
      await connection.close();
    },
  };
}
