import { setTimeout as sleep } from 'node:timers/promises';

import { waitFor } from '@gse/testing';
import { useOwnRabbitMqNode } from '@gse/testing/vitest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import {
  BACKFILL_MESSAGE_VERSION,
  encodeBackfillMessage,
  type BackfillHandlerContext,
  type BackfillMessage,
} from '../src/index.js';
import { createAmqpFixture, type AmqpFixture } from '../src/amqp/testing/index.js';
import {
  createBackfillHarness,
  TEST_BACKFILL,
  TEST_DELAYS_MS,
  type BackfillHarness,
} from './backfill-harness.js';

// A RabbitMQ node of this file's own: the tests close every connection on it.
const rabbitmq = useOwnRabbitMqNode();

let harness: BackfillHarness;
let broker: AmqpFixture;
beforeEach(async () => {
  harness = await createBackfillHarness();
  broker = await createAmqpFixture({ requeueDelaysMs: TEST_DELAYS_MS, url: rabbitmq.url });
});
afterEach(async () => {
  await harness.cleanup();
  await broker.cleanup();
});

const message = (id: string): BackfillMessage => ({
  version: BACKFILL_MESSAGE_VERSION,
  id,
  org: 'acme',
  repo: 'web',
  resource: 'all',
  window: { fromMs: 1_000, toMs: 2_000 },
  reason: 'github_unavailable',
  attempt: 1,
  firstEnqueuedAtMs: Date.now(),
});

async function publish(...ids: string[]): Promise<void> {
  for (const id of ids) {
    await broker.publishRaw(broker.topology.mainQueue, encodeBackfillMessage(message(id)));
  }
}

/** Resolves with the signal's reason once it aborts. */
function aborted(signal: AbortSignal): Promise<unknown> {
  return new Promise((resolve) => {
    signal.addEventListener('abort', () => {
      resolve(signal.reason);
    });
  });
}

describe('backfill consumer limits', () => {
  it('aborts a handler past backfill.handler_timeout and sends the message up the ladder as handler_timeout', async () => {
    await harness.consumer(
      async (incoming, { signal }: BackfillHandlerContext) => {
        if (incoming.attempt > 1) return { kind: 'done' };
        throw await aborted(signal);
      },
      {
        amqp: { ...broker.names, url: broker.url },
        backfill: { ...TEST_BACKFILL, handlerTimeoutMs: 300 },
      },
    );
    await publish('slow');
    await waitFor(() => harness.counts.get('processed acme processed') === 1, {
      timeoutMs: 10_000,
      description: 'the retried attempt done',
    });
    expect(harness.counts.get('retried acme handler_timeout')).toBe(1);
    expect(harness.counts.get('processed acme retried')).toBe(1);
  });

  it('aborts the handlers of a connection that closed, and after it reconnects runs no more than consumer_count at once', async () => {
    let running = 0;
    let mostAtOnce = 0;
    const abortedFirstDeliveries: string[] = [];
    await harness.consumer(
      async (incoming, { signal, redelivered }: BackfillHandlerContext) => {
        running += 1;
        mostAtOnce = Math.max(mostAtOnce, running);
        try {
          if (redelivered) return { kind: 'done' };
          const reason = await aborted(signal);
          abortedFirstDeliveries.push(incoming.id);
          // Winding down takes a moment (a handler finishing a write, say): RabbitMQ's
          // redeliveries must not start beside it.
          await sleep(300);
          throw reason;
        } finally {
          running -= 1;
        }
      },
      { amqp: { ...broker.names, url: broker.url } },
    );
    await publish('first', 'second');
    await waitFor(() => running === TEST_BACKFILL.consumerCount, {
      timeoutMs: 5000,
      description: 'both handlers running',
    });

    await rabbitmq.rabbitmqctl('close_all_connections', 'closed by the test');
    await waitFor(() => abortedFirstDeliveries.length === 2, {
      timeoutMs: 5000,
      description: 'both handlers aborted',
    });
    // RabbitMQ requeued both unacked messages; the reconnected consumer finishes them.
    await waitFor(() => harness.counts.get('processed acme processed') === 2, {
      timeoutMs: 20_000,
      description: 'both messages done after the reconnect',
    });
    expect(abortedFirstDeliveries.sort()).toEqual(['first', 'second']);
    expect(mostAtOnce).toBe(TEST_BACKFILL.consumerCount);
  });
});
