import { waitFor } from '@gse/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import {
  BACKFILL_MESSAGE_VERSION,
  AmqpUnavailableError,
  createAmqpConnection,
  declareBackfillTopology,
  listDeadLetters,
  publishBackfillMessages,
  readBackfillQueueStats,
  requeueDeadLetters,
  type AmqpConnection,
  type BackfillMessage,
  type BackfillOperationsContext,
} from '../src/index.js';
import {
  createBackfillHarness,
  quietLogger,
  TEST_BACKFILL,
  type BackfillHarness,
} from './backfill-harness.js';

let harness: BackfillHarness;
let connection: AmqpConnection;
beforeEach(async () => {
  harness = await createBackfillHarness();
  connection = createAmqpConnection({
    url: harness.amqp.url,
    connectionName: 'queues-test-operator',
    logger: quietLogger,
    setup: async (model) => {
      const channel = await model.createChannel();
      await declareBackfillTopology(channel, harness.amqp.topology);
      await channel.close();
    },
  });
  await connection.start();
  await connection.waitForConnect(AbortSignal.timeout(5000));
});
afterEach(async () => {
  await connection.close();
  await harness.cleanup();
});

const context = (nowMs = Date.now()): BackfillOperationsContext => ({
  connection,
  topology: harness.amqp.topology,
  state: harness.state,
  appId: 'queues-test',
  nowMs,
});

const message = (id: string, repo: string): BackfillMessage => ({
  version: BACKFILL_MESSAGE_VERSION,
  id,
  org: 'acme',
  repo,
  resource: 'pulls',
  window: { fromMs: 1_000, toMs: 2_000 },
  reason: 'manual',
  attempt: 1,
  firstEnqueuedAtMs: Date.now(),
});

/** Fills the DLQ through the real ladder: a consumer that fails everything for good. */
async function deadLetter(...messages: BackfillMessage[]): Promise<void> {
  const consumer = await harness.consumer(() =>
    Promise.resolve({
      kind: 'failed',
      reason: 'github_rejected',
      error: 'HTTP 404',
      permanent: true,
    }),
  );
  await publishBackfillMessages(context(), messages);
  await waitFor(
    async () => (await harness.amqp.depth(harness.amqp.topology.dlq)) === messages.length,
    { timeoutMs: 5000, description: 'the DLQ filled' },
  );
  await consumer.close();
}

describe('backfill operator actions', () => {
  it('lists dead letters without removing them, in order, with their headers', async () => {
    await deadLetter(message('d-1', 'web'), message('d-2', 'api'));
    await harness.amqp.publishRaw(harness.amqp.topology.dlq, 'garbage');

    const first = await listDeadLetters(context(), 2);
    expect(first.total).toBe(3);
    expect(first.letters.map((letter) => letter.id)).toEqual(['d-1', 'd-2']);
    expect(first.letters[0]).toMatchObject({
      message: { repo: 'web', attempt: 1, lastError: 'HTTP 404' },
      invalid: undefined,
      info: { reason: 'github_rejected', attempts: 1, lastError: 'HTTP 404' },
    });
    const again = await listDeadLetters(context(), 10);
    expect(again.letters.map((letter) => letter.id)).toEqual(['d-1', 'd-2', '']);
    expect(again.letters[2]).toMatchObject({ body: 'garbage', info: undefined });
    expect(again.letters[2]?.invalid).toMatch(/^not JSON/);
    expect(await harness.amqp.depth(harness.amqp.topology.dlq)).toBe(3);
  });

  it('requeues chosen dead letters as fresh attempts and leaves the rest in place', async () => {
    // d-2 used three attempts before its permanent refusal: the replay starts it at 1.
    await deadLetter(
      message('d-1', 'web'),
      { ...message('d-2', 'api'), attempt: 3 },
      message('d-3', 'docs'),
    );
    const nowMs = Date.now();
    expect(await requeueDeadLetters(context(nowMs), { ids: ['d-2', 'unknown'] })).toEqual({
      requeued: ['d-2'],
      skipped: [],
    });
    expect((await listDeadLetters(context(), 10)).letters.map((letter) => letter.id)).toEqual([
      'd-1',
      'd-3',
    ]);
    const [back] = await harness.amqp.drain(harness.amqp.topology.mainQueue);
    expect(JSON.parse(back?.content.toString() ?? '')).toMatchObject({
      id: 'd-2',
      attempt: 1,
      firstEnqueuedAtMs: nowMs,
      lastError: 'HTTP 404',
    });

    await harness.amqp.publishRaw(harness.amqp.topology.dlq, 'garbage');
    const all = await requeueDeadLetters(context(), { all: true });
    expect(all).toEqual({ requeued: ['d-1', 'd-3'], skipped: [''] });
    expect(await harness.amqp.depth(harness.amqp.topology.dlq)).toBe(1);
    expect(await harness.amqp.depth(harness.amqp.topology.mainQueue)).toBe(2);
  });

  it('reports each queue’s depth and the age of its oldest message', async () => {
    const t0 = Date.now();
    await publishBackfillMessages(context(t0 - 30_000), [message('old', 'web')]);
    await publishBackfillMessages(context(t0 - 10_000), [message('new', 'api')]);
    const stats = await readBackfillQueueStats({
      connection,
      topology: harness.amqp.topology,
      state: harness.state,
      nowMs: t0,
    });
    const [retryShort, retryLong] = harness.amqp.topology.retryQueues;
    expect(stats).toEqual([
      { queue: harness.amqp.topology.mainQueue, messages: 2, oldestMessageAgeSeconds: 30 },
      { queue: retryShort?.name, messages: 0, oldestMessageAgeSeconds: 0 },
      { queue: retryLong?.name, messages: 0, oldestMessageAgeSeconds: 0 },
      { queue: harness.amqp.topology.dlq, messages: 0, oldestMessageAgeSeconds: 0 },
    ]);

    // A failing attempt moves the oldest message to the first retry queue for 200 ms.
    await harness.consumer(
      (incoming) =>
        Promise.resolve(
          incoming.id === 'old'
            ? { kind: 'failed', reason: 'github_unavailable', error: 'HTTP 502', permanent: false }
            : { kind: 'done' },
        ),
      {
        backfill: { ...TEST_BACKFILL, requeueDelaysMs: [60_000, 120_000], consumerCount: 1 },
      },
    );
    await waitFor(async () => (await harness.amqp.depth(harness.amqp.topology.mainQueue)) === 0, {
      timeoutMs: 5000,
    });
    const retryQueue = `${harness.amqp.topology.mainQueue}.retry.1m`;
    await waitFor(async () => (await harness.amqp.depth(retryQueue)) === 1, { timeoutMs: 5000 });
    const later = await readBackfillQueueStats({
      connection,
      topology: { ...harness.amqp.topology, retryQueues: [{ name: retryQueue, delayMs: 60_000 }] },
      state: harness.state,
      nowMs: Date.now() + 5_000,
    });
    expect(
      later.map((entry) => [entry.messages, Math.round(entry.oldestMessageAgeSeconds)]),
    ).toEqual([
      [0, 0],
      [1, 5],
      [0, 0],
    ]);
    await connection.withChannel(async (channel) => {
      await channel.deleteQueue(retryQueue);
      await channel.deleteQueue(`${harness.amqp.topology.mainQueue}.retry.2m`);
    });
  });

  // Before: the purged messages' entries stayed in the age index, and the main queue reported
  // their age (30 s) for as long as it held any message.
  it('reports the true age after a purge or a message taken by hand, and drops stale entries', async () => {
    const t0 = Date.now();
    const { topology } = harness.amqp;
    await publishBackfillMessages(context(t0 - 30_000), [message('purged-1', 'web')]);
    await publishBackfillMessages(context(t0 - 20_000), [message('purged-2', 'api')]);
    await connection.withChannel(async (channel) => {
      await channel.purgeQueue(topology.mainQueue);
    });
    await publishBackfillMessages(context(t0 - 10_000), [message('taken', 'web')]);
    await publishBackfillMessages(context(t0 - 5_000), [message('left', 'api')]);
    // As in the management UI's "Get messages" with "Ack mode: Ack": gone from the head.
    await connection.withChannel(async (channel) => {
      const head = await channel.get(topology.mainQueue, { noAck: true });
      expect(head && head.properties.messageId).toBe('taken');
    });
    const readMain = async (): Promise<unknown> =>
      (await readBackfillQueueStats({ connection, topology, state: harness.state, nowMs: t0 }))[0];

    expect(await readMain()).toEqual({
      queue: topology.mainQueue,
      messages: 1,
      oldestMessageAgeSeconds: 5,
    });
    const ageKey = `${harness.redis.keyPrefix}:backfill:queue-age:${topology.mainQueue}`;
    expect(await harness.redis.redis.zrange(ageKey, '0', '-1')).toEqual(['left']);
  });

  it('fails a channel operation in flight when its connection closes, instead of hanging', async () => {
    const outcome = connection
      .withChannel(() => new Promise<never>(() => undefined))
      .catch((error: unknown) => error);
    await connection.close();
    expect(await outcome).toBeInstanceOf(AmqpUnavailableError);
  });
});
