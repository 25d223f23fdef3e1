import { waitFor } from '@gse/testing';
import { useOwnRabbitMqNode } from '@gse/testing/vitest';
import { afterEach, describe, expect, it } from 'vitest';

import { decodeBackfillMessage, type BackfillRequest } from '../src/index.js';
import { createBackfillHarness, type BackfillHarness } from './backfill-harness.js';

// Raises a memory alarm on a RabbitMQ node of the test's own, never on the shared one.
const CONFIRM_TIMEOUT_MS = 1000;
const MIN = 60_000;
const T0 = 1_700_000_040_000 - (1_700_000_040_000 % MIN);

const rabbitmq = useOwnRabbitMqNode();

let harness: BackfillHarness | undefined;
afterEach(async () => {
  await rabbitmq.rabbitmqctl('set_vm_memory_high_watermark', '0.4');
  await harness?.cleanup();
  harness = undefined;
});

const window = (repo: string): BackfillRequest => ({
  org: 'acme',
  repo,
  resource: 'commits',
  fromMs: T0,
  toMs: T0 + 10 * MIN,
  reason: 'github_unavailable',
});

describe('backfill publisher under a RabbitMQ memory alarm', () => {
  it('ends a sweep at the confirm timeout, reports blocked, and publishes each window once after the alarm', async () => {
    const h = (harness = await createBackfillHarness({ amqpUrl: rabbitmq.url }));
    const blockedChanges: boolean[] = [];
    const publisher = await h.publisher({
      confirmTimeoutMs: CONFIRM_TIMEOUT_MS,
      onBlockedChange: (blocked) => {
        blockedChanges.push(blocked);
      },
    });
    const outbox = h.outbox();

    await rabbitmq.rabbitmqctl('set_vm_memory_high_watermark', 'absolute', '1');
    // The producers' side touches only Redis: the alarm cannot slow it down.
    expect(await outbox.enqueue([window('web'), window('api'), window('docs')])).toEqual({
      stored: 3,
      deduped: 0,
      capped: 0,
    });
    const startedMs = Date.now();
    // RabbitMQ blocks a connection when it publishes during an alarm, and confirms nothing.
    expect(await publisher.sweep()).toEqual({ published: 0, stored: 3 });
    expect(Date.now() - startedMs).toBeLessThan(CONFIRM_TIMEOUT_MS + 500);
    await waitFor(() => publisher.blocked, { timeoutMs: 10_000, description: 'blocked' });
    expect(blockedChanges).toEqual([true]);
    // Blocked: nothing is published again, and every window is still in the outbox.
    expect(await publisher.sweep()).toEqual({ published: 0, stored: 0 });
    expect(await h.state.pendingCounts()).toEqual({ outbox: 3, overflow: 0 });
    expect(await h.amqp.depth(h.amqp.topology.mainQueue)).toBe(0);

    await rabbitmq.rabbitmqctl('set_vm_memory_high_watermark', '0.4');
    await waitFor(async () => (await h.state.pendingCounts()).outbox === 0, {
      timeoutMs: 20_000,
      description: 'the late confirms to settle the outbox',
    });
    expect(blockedChanges).toEqual([true, false]);
    expect(await publisher.sweep()).toEqual({ published: 0, stored: 0 });
    const repos = (await h.amqp.drain(h.amqp.topology.mainQueue)).map((raw) => {
      const decoded = decodeBackfillMessage(raw.content);
      if (!decoded.ok) throw new Error(decoded.error);
      return decoded.message.repo;
    });
    expect(repos.sort()).toEqual(['api', 'docs', 'web']);
    expect(h.counts.get('enqueued acme github_unavailable')).toBe(3);
  }, 60_000);
});
