import { Writable } from 'node:stream';

import { createLogger, type Logger } from '@gse/logging';
import { createRedisBackfillState, type RedisBackfillState } from '@gse/store';
import { createRedisFixture, waitFor, type RedisFixture } from '@gse/testing';

import {
  createBackfillConsumer,
  createBackfillOutbox,
  createBackfillPublisher,
  type BackfillConsumer,
  type BackfillConsumerOptions,
  type BackfillHandler,
  type BackfillOutbox,
  type BackfillOutboxOptions,
  type BackfillPublisher,
  type BackfillPublisherOptions,
} from '../src/index.js';
import { createAmqpFixture, type AmqpFixture } from '../src/amqp/testing/index.js';

/** Short ladder delays: a test walks the whole ladder in well under a second. */
export const TEST_DELAYS_MS = [200, 400];

export const TEST_BACKFILL = {
  enabled: true,
  requeueDelaysMs: TEST_DELAYS_MS,
  maxMessageAgeMs: 60_000,
  consumerCount: 2,
  handlerTimeoutMs: 60_000,
  coalesceWindowMs: 60_000,
  dedupTtlMs: 60_000,
  maxEnqueuesPerOrgPerMinute: 100,
};

/** Counts every observer call by `kind org label`. */
export interface Counts {
  readonly get: (key: string) => number;
  readonly add: (key: string, by?: number) => void;
}

export function createCounts(): Counts {
  const counts = new Map<string, number>();
  return {
    get: (key) => counts.get(key) ?? 0,
    add: (key, by = 1) => {
      counts.set(key, (counts.get(key) ?? 0) + by);
    },
  };
}

export interface BackfillHarness {
  readonly redis: RedisFixture;
  readonly amqp: AmqpFixture;
  readonly state: RedisBackfillState;
  readonly logger: Logger;
  readonly counts: Counts;
  /** An outbox on the fixture's Redis prefix, as the scraper worker and the scheduler have. */
  outbox(overrides?: Partial<BackfillOutboxOptions>): BackfillOutbox;
  /** A started publisher on the fixture's names and Redis prefix, closed by `cleanup`. */
  publisher(overrides?: Partial<BackfillPublisherOptions>): Promise<BackfillPublisher>;
  /** A started consumer (waits until it consumes), closed by `cleanup`. */
  consumer(
    handler: BackfillHandler,
    overrides?: Partial<BackfillConsumerOptions>,
  ): Promise<BackfillConsumer>;
  cleanup(): Promise<void>;
}

export const quietLogger = createLogger({
  service: 'queues-test',
  version: '0',
  level: 'error',
  stream: new Writable({
    write: (_chunk, _encoding, done) => {
      done();
    },
  }),
});

/** `amqpUrl`: a RabbitMQ node of the test's own (one it blocks); default the machine's shared one. */
export async function createBackfillHarness(
  options: { readonly amqpUrl?: string } = {},
): Promise<BackfillHarness> {
  const redis = await createRedisFixture();
  const amqp = await createAmqpFixture({
    requeueDelaysMs: TEST_DELAYS_MS,
    ...(options.amqpUrl === undefined ? {} : { url: options.amqpUrl }),
  });
  const state = createRedisBackfillState({ redis: redis.redis, keyPrefix: redis.keyPrefix });
  const counts = createCounts();
  const closers: (() => Promise<void>)[] = [];
  const amqpOptions = { ...amqp.names, url: amqp.url };

  return {
    redis,
    amqp,
    state,
    logger: quietLogger,
    counts,
    outbox: (overrides = {}) =>
      createBackfillOutbox({
        backfill: TEST_BACKFILL,
        state,
        logger: quietLogger,
        observer: {
          deduped: (org, reason, count) => {
            counts.add(`deduped ${org} ${reason}`, count);
          },
          capped: (org, reason, count) => {
            counts.add(`capped ${org} ${reason}`, count);
          },
        },
        ...overrides,
      }),
    publisher: async (overrides = {}) => {
      const publisher = createBackfillPublisher({
        amqp: amqpOptions,
        backfill: TEST_BACKFILL,
        state,
        logger: quietLogger,
        connectionName: 'queues-test-publisher',
        observer: {
          enqueued: (org, reason, count) => {
            counts.add(`enqueued ${org} ${reason}`, count);
          },
        },
        ...overrides,
      });
      closers.push(() => publisher.close());
      await publisher.start();
      if (!overrides.amqp) {
        await waitFor(() => publisher.connected, { timeoutMs: 5000, description: 'publisher up' });
        // A connection starts with a sweep of its own; settled here (a sweep joins the one in
        // flight), so a test's first sweep is never answered by that one's empty result.
        await publisher.sweep();
      }
      return publisher;
    },
    consumer: async (handler, overrides = {}) => {
      const consumer = createBackfillConsumer({
        amqp: amqpOptions,
        backfill: TEST_BACKFILL,
        state,
        handler,
        logger: quietLogger,
        connectionName: 'queues-test-consumer',
        republishBackoffMs: 50,
        observer: {
          processed: (org, result) => {
            counts.add(`processed ${org} ${result}`);
          },
          retried: (org, reason) => {
            counts.add(`retried ${org} ${reason}`);
          },
          deadLettered: (org, reason) => {
            counts.add(`dead_lettered ${org} ${reason}`);
          },
        },
        ...overrides,
      });
      closers.push(() => consumer.close());
      await consumer.start();
      await waitFor(() => consumer.connected, { timeoutMs: 5000, description: 'consumer up' });
      return consumer;
    },
    cleanup: async () => {
      for (const close of closers.reverse()) await close();
      await amqp.cleanup();
      await redis.cleanup();
    },
  };
}
