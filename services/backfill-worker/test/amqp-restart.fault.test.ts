import type { GroundTruthSeries } from '@gse/github-sim';
import { FLEET_METRICS } from '@gse/telemetry';
import { waitFor } from '@gse/testing';
import { useOwnRabbitMqNode } from '@gse/testing/vitest';
import { afterEach, describe, expect, it } from 'vitest';

import { createBackfillWorld, type BackfillWorld } from './backfill-world.js';

// Restarts a RabbitMQ node of the test's own (`rabbitmqctl stop_app` / `start_app`), never
// the shared one that other tests use.
const LEFT_FOR_REDELIVERY = 'backfill message left for redelivery: its channel is closed';
const ABORTED_WITH_CHANNEL =
  'backfill message handed back: the worker is stopping or its channel closed';
const DAY_MS = 86_400_000;

const rabbitmq = useOwnRabbitMqNode();

async function awaitRabbitMq(): Promise<void> {
  // `await_startup` can exit 69 right after a start (TOOLCHAIN.md): ask again until it answers.
  await waitFor(
    async () => {
      await rabbitmq.rabbitmqctl('await_startup');
      return true;
    },
    { timeoutMs: 60_000, intervalMs: 500, description: 'RabbitMQ back up' },
  );
}

let world: BackfillWorld | undefined;
afterEach(async () => {
  // Whatever happened, leave the node running for the rest of the file.
  await rabbitmq.rabbitmqctl('start_app').catch(() => undefined);
  await awaitRabbitMq();
  await world?.close();
  world = undefined;
});

const messagesOf = (w: BackfillWorld, message: string, connection?: string): number =>
  w.logs
    .lines()
    .filter(
      (line) =>
        line['message'] === message &&
        (connection === undefined || line['connection'] === connection),
    ).length;

describe('backfill worker across a RabbitMQ restart', () => {
  it('reconnects by itself and processes every in-flight window exactly once in effect', async () => {
    const w = (world = await createBackfillWorld({ consumerCount: 2, amqpUrl: rabbitmq.url }));
    // Slow GitHub down so windows are mid-scrape when RabbitMQ goes.
    w.simulator.injectLatency({ ms: 20 });
    await w.startWorker();
    await waitFor(() => messagesOf(w, 'amqp connected', 'backfill-worker') === 1, {
      timeoutMs: 10_000,
      description: 'the worker consuming',
    });
    // globex's repos: enough windows to have some in flight, few enough to stay quick.
    const repos = w.repos.filter((ref) => ref.org === 'globex');
    const windows = repos.map((ref) => ({
      ...ref,
      resource: 'all' as const,
      fromMs: w.nowMs - 30 * DAY_MS,
      toMs: w.nowMs,
      reason: 'github_unavailable',
    }));
    // The running worker publishes the outbox.
    expect(await w.outbox.enqueue(windows)).toEqual({
      stored: windows.length,
      deduped: 0,
      capped: 0,
    });
    await waitFor(() => messagesOf(w, 'backfill window filled') >= 1, {
      timeoutMs: 20_000,
      description: 'a first window filled',
    });
    expect(messagesOf(w, 'backfill window filled')).toBeLessThan(windows.length);

    // Hold GitHub's answers, so scrapes are in flight when RabbitMQ goes: their channel dies
    // under them, they are aborted (they could not be acked anyway) and RabbitMQ redelivers
    // their messages.
    w.simulator.injectLatency({ ms: 1000 });
    await rabbitmq.rabbitmqctl('stop_app');
    await waitFor(
      () => messagesOf(w, 'amqp connection lost; reconnecting', 'backfill-worker') >= 1,
      {
        timeoutMs: 10_000,
        description: 'the worker noticing',
      },
    );
    w.simulator.clearFaults();
    await waitFor(() => messagesOf(w, LEFT_FOR_REDELIVERY) >= 1, {
      timeoutMs: 10_000,
      description: 'a window in flight left for redelivery when RabbitMQ went',
    });
    await rabbitmq.rabbitmqctl('start_app');
    await awaitRabbitMq();

    await waitFor(() => messagesOf(w, 'amqp connected', 'backfill-worker') >= 2, {
      timeoutMs: 20_000,
      description: 'the worker reconnected',
    });
    const globexOnly = (rows: readonly GroundTruthSeries[]): string =>
      JSON.stringify(rows.filter((row) => row.org === 'globex'));
    const truth = globexOnly(w.groundTruth());
    expect(truth).not.toBe('[]');
    await waitFor(async () => globexOnly(await w.readAllSeries()) === truth, {
      timeoutMs: 30_000,
      intervalMs: 250,
      description: 'every series equal to the ground truth',
    });
    // Every delivery settled: each window once, plus again each window whose handler had
    // finished but whose ack died with the channel (the aborted ones filled nothing).
    const filledTwice = (): number =>
      messagesOf(w, LEFT_FOR_REDELIVERY) - messagesOf(w, ABORTED_WITH_CHANNEL);
    await waitFor(
      () => messagesOf(w, 'backfill window filled') === windows.length + filledTwice(),
      { timeoutMs: 20_000, description: 'the redelivered windows processed again' },
    );
    expect(messagesOf(w, ABORTED_WITH_CHANNEL)).toBeGreaterThanOrEqual(1);
    expect(await w.amqp.depth(w.amqp.topology.mainQueue)).toBe(0);
    for (const queue of [
      ...w.amqp.topology.retryQueues.map((retry) => retry.name),
      w.amqp.topology.dlq,
    ]) {
      expect(await w.amqp.depth(queue)).toBe(0);
    }
    // At least once each; a window whose ack died with the connection ran again, harmlessly.
    // The worker flushes its counters to Redis once a second, so wait for the last flush.
    await waitFor(
      async () =>
        (await w.metricValue(FLEET_METRICS.backfillProcessed, {
          org: 'globex',
          result: 'processed',
        })) ===
        windows.length + filledTwice(),
      { timeoutMs: 5000, description: 'every filled window counted as processed' },
    );
    await waitFor(
      async () =>
        (await w.metricValue(FLEET_METRICS.dependencyHealth, {
          dependency: 'amqp',
          service: 'backfill-worker',
        })) === 1,
      { timeoutMs: 5000, description: 'amqp healthy again' },
    );
  });
});
