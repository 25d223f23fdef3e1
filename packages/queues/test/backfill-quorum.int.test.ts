import { waitFor } from '@gse/testing';
import { connect, type ChannelModel } from 'amqplib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import {
  BACKFILL_MESSAGE_VERSION,
  createAmqpConnection,
  DEAD_LETTER_HEADERS,
  declareBackfillTopology,
  decodeBackfillMessage,
  encodeBackfillMessage,
  listDeadLetters,
  toBackfillTopology,
  type AmqpConnection,
  type BackfillMessage,
  type BackfillTopology,
} from '../src/index.js';
import { createBackfillHarness, quietLogger, type BackfillHarness } from './backfill-harness.js';

let harness: BackfillHarness;
let model: ChannelModel;
beforeEach(async () => {
  harness = await createBackfillHarness();
  model = await connect(harness.amqp.url);
});
afterEach(async () => {
  const channel = await model.createChannel();
  const { legacy } = harness.amqp.topology;
  for (const queue of [legacy.mainQueue, ...legacy.retryQueues.map((q) => q.name), legacy.dlq]) {
    await channel.deleteQueue(queue);
  }
  await model.close();
  await harness.cleanup();
});

const message = (id: string, attempt = 1): BackfillMessage => ({
  version: BACKFILL_MESSAGE_VERSION,
  id,
  org: 'acme',
  repo: 'web',
  resource: 'pulls',
  window: { fromMs: 1_000, toMs: 2_000 },
  reason: 'github_unavailable',
  attempt,
  firstEnqueuedAtMs: Date.now(),
});

/** `quorum`, `classic`, or `absent`; a scratch channel takes the channel errors. */
async function queueType(queue: string): Promise<string> {
  const scratch = await model.createChannel();
  scratch.on('error', () => undefined);
  try {
    await scratch.checkQueue(queue);
  } catch {
    return 'absent';
  } finally {
    await scratch.close().catch(() => undefined);
  }
  // A passive declare returns no arguments; an active one with another type fails with
  // PRECONDITION_FAILED naming the current type.
  const probe = await model.createChannel();
  probe.on('error', () => undefined);
  try {
    await probe.assertQueue(queue, { durable: true, arguments: { 'x-queue-type': 'classic' } });
    return 'classic';
  } catch (error) {
    return /current is '(\w+)'/.exec(String(error))?.[1] ?? String(error);
  } finally {
    await probe.close().catch(() => undefined);
  }
}

async function operatorConnection(topology: BackfillTopology): Promise<AmqpConnection> {
  const connection = createAmqpConnection({
    url: harness.amqp.url,
    connectionName: 'queues-test-operator',
    logger: quietLogger,
    setup: async (opened) => {
      const channel = await opened.createChannel();
      await declareBackfillTopology(channel, topology);
      await channel.close();
    },
  });
  await connection.start();
  await connection.waitForConnect(AbortSignal.timeout(5000));
  return connection;
}

const legacyName = (topology: BackfillTopology): string => topology.legacy.mainQueue;

describe('quorum backfill queues', () => {
  it('declares every queue as a quorum queue under the version-2 names', async () => {
    const { topology, names } = harness.amqp;
    expect([topology.mainQueue, ...topology.retryQueues.map((q) => q.name), topology.dlq]).toEqual([
      `${names.queue}.v2`,
      `${names.queue}.v2.retry.200ms`,
      `${names.queue}.v2.retry.400ms`,
      `${names.dlq}.v2`,
    ]);
    const connection = await operatorConnection(topology);
    await connection.close();
    // The DLQ has no other argument RabbitMQ would compare first; the main queue's delivery
    // limit (below) and the retry ladder (backfill-consumer.int.test.ts) exist only on
    // quorum queues for the others.
    expect(await queueType(topology.dlq)).toBe('quorum');
    expect(await queueType(legacyName(topology))).toBe('absent');
  });

  // Before: a classic main queue without a delivery limit redelivered it forever.
  it('dead-letters a message that every worker dies on after the delivery limit, with the reason', async () => {
    const topology = toBackfillTopology(harness.amqp.names, [200, 400], { deliveryLimit: 2 });
    const connection = await operatorConnection(topology);
    await harness.amqp.publishRaw(topology.mainQueue, encodeBackfillMessage(message('poison')), {
      messageId: 'poison',
    });

    // A worker killed mid-message: its channel closes without an ack.
    let deliveries = 0;
    for (;;) {
      const channel = await model.createChannel();
      const taken = await channel.get(topology.mainQueue, { noAck: false });
      await channel.close();
      if (taken === false) break;
      deliveries += 1;
    }
    expect(deliveries).toBe(3);
    await waitFor(async () => (await harness.amqp.depth(topology.dlq)) === 1, {
      timeoutMs: 5000,
      description: 'RabbitMQ dead-lettered the poison message',
    });

    const { total, letters } = await listDeadLetters(
      { connection, topology, state: harness.state, appId: 'queues-test', nowMs: Date.now() },
      10,
    );
    expect(total).toBe(1);
    expect(letters[0]).toMatchObject({
      id: 'poison',
      message: { id: 'poison', attempt: 1 },
      info: {
        reason: 'delivery_limit',
        attempts: 0,
        sourceQueue: topology.mainQueue,
        firstError: undefined,
      },
    });
    await connection.close();
  });

  // Before: there were no version-2 queues, and nothing moved the classic ones.
  it('drains the classic queues of version 1 into the quorum ones once, then deletes them', async () => {
    const { topology } = harness.amqp;
    const { legacy } = topology;
    const channel = await model.createConfirmChannel();
    await channel.assertExchange(topology.exchange, 'direct', { durable: true });
    await channel.assertQueue(legacy.mainQueue, { durable: true });
    await channel.bindQueue(legacy.mainQueue, topology.exchange, legacy.mainQueue);
    const [legacyRetry] = legacy.retryQueues;
    if (!legacyRetry) throw new Error('no legacy retry queue');
    // A delay the test outlives: the message must be moved, not expire into the main queue.
    await channel.assertQueue(legacyRetry.name, { durable: true });
    await channel.assertQueue(legacy.dlq, { durable: true });
    const put = (queue: string, body: BackfillMessage, headers = {}): void => {
      channel.sendToQueue(queue, encodeBackfillMessage(body), {
        persistent: true,
        messageId: body.id,
        headers,
      });
    };
    put(legacy.mainQueue, message('waiting'));
    put(legacyRetry.name, message('retrying', 2));
    put(legacy.dlq, message('dead', 5), {
      [DEAD_LETTER_HEADERS.reason]: 'retries_exhausted',
      [DEAD_LETTER_HEADERS.attempts]: 5,
    });
    await channel.waitForConfirms();
    await channel.close();
    const atMs = Date.now() - 60_000;
    await harness.state.recordQueueMoves([
      { id: 'waiting', enter: [{ queue: legacy.mainQueue, atMs }] },
      {
        id: 'retrying',
        enter: [
          { queue: legacyRetry.name, atMs },
          { queue: legacy.mainQueue, atMs: atMs + 1_000_000 },
        ],
      },
    ]);

    const handled: string[] = [];
    await harness.consumer((incoming) => {
      handled.push(`${incoming.id}:${incoming.attempt}`);
      return Promise.resolve({ kind: 'done' });
    });
    await waitFor(() => handled.length === 2, {
      timeoutMs: 5000,
      description: 'the waiting and the retrying message handled from the quorum queues',
    });
    expect(handled.sort()).toEqual(['retrying:2', 'waiting:1']);

    for (const queue of [legacy.mainQueue, legacyRetry.name, legacy.dlq]) {
      expect(await queueType(queue)).toBe('absent');
    }
    const [dead] = await harness.amqp.drain(topology.dlq);
    const decoded = decodeBackfillMessage(dead?.content ?? '');
    expect(decoded.ok && decoded.message.id).toBe('dead');
    expect(dead?.properties.headers?.[DEAD_LETTER_HEADERS.reason]).toBe('retries_exhausted');
    const ageKeys = await harness.redis.redis.keys(
      `${harness.redis.keyPrefix}:backfill:queue-age:*`,
    );
    expect(ageKeys.filter((key) => key.endsWith(legacy.mainQueue))).toEqual([]);
  });
});
