import { createRedisBackfillState } from '@gse/store';
import { FLEET_METRICS } from '@gse/telemetry';
import { waitFor } from '@gse/testing';
import { useOwnRabbitMqNode } from '@gse/testing/vitest';
import { afterEach, describe, expect, it } from 'vitest';

import { createBackfillWorld, type BackfillWorld } from './backfill-world.js';

// Raises a memory alarm on a RabbitMQ node of the test's own (`set_vm_memory_high_watermark
// absolute 1`), never on the shared one that other tests use.
const CONFIRM_TIMEOUT_MS = 1000;
const NOT_CONFIRMED = 'RabbitMQ did not confirm backfill messages in time; they stay in the outbox';
const DAY_MS = 86_400_000;

const rabbitmq = useOwnRabbitMqNode();

let world: BackfillWorld | undefined;
afterEach(async () => {
  // Whatever happened, the alarm ends before the worker closes its connections.
  await rabbitmq.rabbitmqctl('set_vm_memory_high_watermark', '0.4');
  await world?.close();
  world = undefined;
});

const linesOf = (w: BackfillWorld, message: string): number =>
  w.logs.lines().filter((line) => line['message'] === message).length;

async function readyzStatus(w: BackfillWorld): Promise<number> {
  const listening = w.logs
    .lines()
    .find((line) => line['message'] === 'http server listening' && line['server'] === 'probe');
  const response = await fetch(`http://127.0.0.1:${String(listening?.['port'])}/readyz`);
  return response.status;
}

describe('backfill under a RabbitMQ memory alarm', () => {
  it('keeps the producers prompt, reports blocked, and queues every window once after the alarm', async () => {
    const w = (world = await createBackfillWorld({
      amqpUrl: rabbitmq.url,
      tuning: { confirmTimeoutMs: CONFIRM_TIMEOUT_MS },
    }));
    await w.startWorker();
    const blocked = (): Promise<number> =>
      w.metricValue(FLEET_METRICS.amqpBlocked, { service: 'backfill-worker' });
    await waitFor(
      async () =>
        (await w.metricValue(FLEET_METRICS.dependencyHealth, {
          dependency: 'amqp',
          service: 'backfill-worker',
        })) === 1,
      { timeoutMs: 10_000, description: 'the worker connected' },
    );
    expect(await blocked()).toBe(0);

    await rabbitmq.rabbitmqctl('set_vm_memory_high_watermark', 'absolute', '1');
    const globex = w.repos.filter((ref) => ref.org === 'globex');
    const asWindows = (refs: typeof globex, days: number) =>
      refs.map((ref) => ({
        ...ref,
        resource: 'all' as const,
        fromMs: w.nowMs - days * DAY_MS,
        toMs: w.nowMs,
        reason: 'github_unavailable',
      }));
    // The scraper worker's and the scheduler's side: Redis only, however long the alarm lasts.
    const first = asWindows(globex.slice(0, 2), 30);
    let startedMs = Date.now();
    expect(await w.outbox.enqueue(first)).toEqual({ stored: 2, deduped: 0, capped: 0 });
    expect(Date.now() - startedMs).toBeLessThan(CONFIRM_TIMEOUT_MS);

    // The worker's sweep publishes, RabbitMQ blocks its connection and confirms nothing: the
    // sweep ends at the confirm timeout and the windows stay in the outbox.
    await waitFor(async () => (await blocked()) === 1, {
      timeoutMs: 10_000,
      description: 'gh_exporter_amqp_blocked = 1',
    });
    await waitFor(() => linesOf(w, NOT_CONFIRMED) === 1, {
      timeoutMs: 10_000,
      description: 'the sweep ending at the confirm timeout',
    });
    // Blocked is no reason to leave service: the worker still consumes and acks.
    expect(await readyzStatus(w)).toBe(200);

    const second = asWindows(globex.slice(2), 29);
    startedMs = Date.now();
    expect(await w.outbox.enqueue(second)).toEqual({
      stored: second.length,
      deduped: 0,
      capped: 0,
    });
    expect(Date.now() - startedMs).toBeLessThan(CONFIRM_TIMEOUT_MS);
    const windows = first.length + second.length;
    expect(await w.outbox.enqueue(second)).toEqual({
      stored: 0,
      deduped: second.length,
      capped: 0,
    });
    const state = createRedisBackfillState({ redis: w.redis.redis, keyPrefix: w.redis.keyPrefix });
    expect(await state.pendingCounts()).toEqual({ outbox: windows, overflow: 0 });
    expect(
      await w.metricValue(FLEET_METRICS.backfillEnqueued, {
        org: 'globex',
        reason: 'github_unavailable',
      }),
    ).toBe(0);
    expect(linesOf(w, 'backfill window filled')).toBe(0);

    await rabbitmq.rabbitmqctl('set_vm_memory_high_watermark', '0.4');
    await waitFor(async () => (await blocked()) === 0, {
      timeoutMs: 10_000,
      description: 'gh_exporter_amqp_blocked = 0',
    });
    await waitFor(() => linesOf(w, 'backfill window filled') === windows, {
      timeoutMs: 30_000,
      description: 'every window filled',
    });
    expect(await state.pendingCounts()).toEqual({ outbox: 0, overflow: 0 });
    // Exactly once: each window confirmed into the queue once, consumed once, nothing left.
    expect(
      await w.metricValue(FLEET_METRICS.backfillEnqueued, {
        org: 'globex',
        reason: 'github_unavailable',
      }),
    ).toBe(windows);
    await waitFor(
      async () =>
        (await w.metricValue(FLEET_METRICS.backfillProcessed, {
          org: 'globex',
          result: 'processed',
        })) === windows,
      { timeoutMs: 5000, description: 'every window counted as processed' },
    );
    expect(linesOf(w, NOT_CONFIRMED)).toBe(1);
    expect(await w.amqp.depth(w.amqp.topology.mainQueue)).toBe(0);
    expect(await w.amqp.depth(w.amqp.topology.dlq)).toBe(0);
  }, 90_000);
});
