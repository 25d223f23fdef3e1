import { waitFor } from '@gse/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import {
  BACKFILL_MESSAGE_TYPE,
  decodeBackfillMessage,
  HISTORY_BACKFILL_REASON,
  type BackfillMessage,
  type BackfillRequest,
} from '../src/index.js';
import { createBackfillHarness, TEST_BACKFILL, type BackfillHarness } from './backfill-harness.js';

const MIN = 60_000;
// A fixed minute, so a test decides when the per-org cap's minute turns.
const T0 = 1_700_000_040_000 - (1_700_000_040_000 % MIN);

let harness: BackfillHarness;
beforeEach(async () => {
  harness = await createBackfillHarness();
});
afterEach(async () => {
  await harness.cleanup();
});

const window = (repo: string, fromMin: number, toMin: number): BackfillRequest => ({
  org: 'acme',
  repo,
  resource: 'commits',
  fromMs: T0 + fromMin * MIN,
  toMs: T0 + toMin * MIN,
  reason: 'github_unavailable',
  lastError: 'HTTP 503',
});

async function drainMain(): Promise<BackfillMessage[]> {
  const raw = await harness.amqp.drain(harness.amqp.topology.mainQueue);
  return raw.map((message) => {
    const decoded = decodeBackfillMessage(message.content);
    if (!decoded.ok) throw new Error(decoded.error);
    return decoded.message;
  });
}

describe('backfill outbox and publisher', () => {
  it('publishes persistent, timestamped, schema-valid messages for coalesced windows', async () => {
    const outbox = harness.outbox({ now: () => T0 + 90_000 });
    const publisher = await harness.publisher({ now: () => T0 + 90_000 });
    const summary = await outbox.enqueue([window('web', 3, 10), window('web', 5, 30.5)]);
    expect(summary).toEqual({ stored: 1, deduped: 0, capped: 0 });
    expect(await publisher.sweep()).toEqual({ published: 1, stored: 0 });

    const [raw, ...rest] = await harness.amqp.drain(harness.amqp.topology.mainQueue);
    expect(rest).toEqual([]);
    expect(raw?.properties).toMatchObject({
      deliveryMode: 2,
      contentType: 'application/json',
      type: BACKFILL_MESSAGE_TYPE,
      timestamp: Math.floor((T0 + 90_000) / 1000),
    });
    const decoded = decodeBackfillMessage(raw?.content ?? '');
    expect(decoded).toEqual({
      ok: true,
      message: {
        version: 1,
        id: raw?.properties.messageId as string,
        org: 'acme',
        repo: 'web',
        resource: 'commits',
        window: { fromMs: T0 + 3 * MIN, toMs: T0 + 31 * MIN },
        reason: 'github_unavailable',
        attempt: 1,
        firstEnqueuedAtMs: T0 + 90_000,
        firstError: 'HTTP 503',
        lastError: 'HTTP 503',
      },
    });
    expect(harness.counts.get('enqueued acme github_unavailable')).toBe(1);
    expect(await harness.state.pendingCounts()).toEqual({ outbox: 0, overflow: 0 });
  });

  // Before: a new org's ~3 history windows per repo were admitted like any other, so an
  // outage's window asked for after them waited behind all of them (~5 h at 10,000 repos).
  it('publishes a window asked for after many history windows ahead of all but a few', async () => {
    const outbox = harness.outbox({ now: () => T0 });
    const publisher = await harness.publisher({ now: () => T0 });
    const history = Array.from({ length: 30 }, (_, index) => `h${index}`);
    expect(
      await outbox.enqueue(
        history.map((repo) => ({ ...window(repo, -60, -30), reason: HISTORY_BACKFILL_REASON })),
      ),
    ).toEqual({ stored: 30, deduped: 0, capped: 0 });
    // An empty main queue takes consumer_count (2) × 4 history windows, no more.
    expect(await publisher.sweep()).toEqual({ published: 8, stored: 0 });
    expect(await outbox.enqueue([window('web', 3, 10)])).toEqual({
      stored: 1,
      deduped: 0,
      capped: 0,
    });
    expect(await publisher.sweep()).toEqual({ published: 1, stored: 0 });

    const handled: string[] = [];
    await harness.consumer((incoming) => {
      handled.push(incoming.repo ?? '');
      return Promise.resolve({ kind: 'done' });
    });
    await waitFor(
      async () => {
        await publisher.sweep();
        return handled.length === 31;
      },
      { timeoutMs: 20_000, description: 'every window handled' },
    );
    expect(handled).toEqual([...history.slice(0, 8), 'web', ...history.slice(8)]);
    expect(await harness.state.pendingCounts()).toEqual({ outbox: 0, overflow: 0 });
  });

  // Before: the org-wide window of a skipped cycle and the per-repo windows of the same slot
  // were all queued, and each re-read its repo.
  it('collapses per-repo windows of a slot into the pending org-wide window of that slot', async () => {
    const outbox = harness.outbox({ now: () => T0 });
    const slot = { fromMs: T0, toMs: T0 + 10 * MIN, reason: 'github_unhealthy' };
    expect(await outbox.enqueue([{ org: 'acme', resource: 'all', ...slot }])).toEqual({
      stored: 1,
      deduped: 0,
      capped: 0,
    });
    expect(
      await outbox.enqueue([
        { org: 'acme', repo: 'web', resource: 'all', ...slot },
        { org: 'acme', repo: 'api', resource: 'commits', ...slot },
        // Another org, and another slot of acme: not contained.
        { org: 'globex', repo: 'web', resource: 'all', ...slot },
        { ...window('web', 20, 30), resource: 'all' },
      ]),
    ).toEqual({ stored: 2, deduped: 2, capped: 0 });
    expect(harness.counts.get('deduped acme github_unhealthy')).toBe(2);
  });

  it('dedups an identical window within backfill.dedup_ttl, across outboxes', async () => {
    const first = harness.outbox({ now: () => T0 });
    const second = harness.outbox({ now: () => T0 + 5 * MIN });
    const publisher = await harness.publisher({ now: () => T0 + 5 * MIN });
    expect(await first.enqueue([window('web', 0, 10)])).toEqual({
      stored: 1,
      deduped: 0,
      capped: 0,
    });
    expect(await publisher.sweep()).toEqual({ published: 1, stored: 0 });
    // Another cycle, five minutes on: still within the same 1-minute-grid window.
    expect(await second.enqueue([window('web', 0, 10), window('api', 0, 10)])).toEqual({
      stored: 1,
      deduped: 1,
      capped: 0,
    });
    expect(await publisher.sweep()).toEqual({ published: 1, stored: 0 });
    expect((await drainMain()).map((message) => message.repo)).toEqual(['web', 'api']);
    expect(harness.counts.get('deduped acme github_unavailable')).toBe(1);
  });

  it('keeps windows over the per-org cap in Redis and sweeps them out minute by minute', async () => {
    let nowMs = T0;
    const backfill = { ...TEST_BACKFILL, maxEnqueuesPerOrgPerMinute: 2 };
    let lastId = 0;
    // Windows admitted together are due together; ids in request order keep the claim order
    // (by id among equal due times) exact.
    const newId = (): string => `window-${String((lastId += 1)).padStart(2, '0')}`;
    const outbox = harness.outbox({ backfill, now: () => nowMs, newId });
    const publisher = await harness.publisher({ backfill, now: () => nowMs });
    const requests = ['a', 'b', 'c', 'd', 'e'].map((repo) => window(repo, 0, 10));
    expect(await outbox.enqueue([...requests, { ...window('web', 0, 10), org: 'globex' }])).toEqual(
      { stored: 3, deduped: 0, capped: 3 },
    );
    expect(await harness.state.pendingCounts()).toEqual({ outbox: 3, overflow: 3 });
    expect(await publisher.sweep()).toEqual({ published: 3, stored: 0 });
    // Capped windows are marked: asking again does not queue them twice.
    expect(await outbox.enqueue([window('c', 0, 10)])).toMatchObject({ deduped: 1 });
    expect(await publisher.sweep()).toEqual({ published: 0, stored: 0 });

    nowMs += MIN;
    // A new window of the org queues behind the overflow, never ahead of it.
    expect(await outbox.enqueue([window('f', 0, 10)])).toEqual({
      stored: 0,
      deduped: 0,
      capped: 1,
    });
    nowMs += MIN;
    expect(await publisher.sweep()).toEqual({ published: 2, stored: 0 });
    nowMs += MIN;
    expect(await publisher.sweep()).toEqual({ published: 2, stored: 0 });
    nowMs += MIN;
    expect(await publisher.sweep()).toEqual({ published: 0, stored: 0 });
    expect(await harness.state.pendingCounts()).toEqual({ outbox: 0, overflow: 0 });

    const published = await drainMain();
    expect(published.map((message) => `${message.org}/${message.repo}`)).toEqual([
      'acme/a',
      'acme/b',
      'globex/web',
      'acme/c',
      'acme/d',
      'acme/e',
      'acme/f',
    ]);
    expect(harness.counts.get('capped acme github_unavailable')).toBe(4);
    expect(harness.counts.get('enqueued acme github_unavailable')).toBe(6);
  });

  it('keeps windows in Redis while RabbitMQ is away; the publisher timer publishes them', async () => {
    const away = await harness.publisher({
      amqp: { ...harness.amqp.names, url: 'amqp://guest:guest@127.0.0.1:1' },
      now: () => T0,
    });
    expect(away.connected).toBe(false);
    expect(await harness.outbox().enqueue([window('web', 0, 10), window('api', 0, 10)])).toEqual({
      stored: 2,
      deduped: 0,
      capped: 0,
    });
    expect(await away.sweep()).toEqual({ published: 0, stored: 0 });
    expect(await harness.state.pendingCounts()).toEqual({ outbox: 2, overflow: 0 });

    // The backfill worker's publisher sweeps on a timer.
    await harness.publisher({ sweepIntervalMs: 50 });
    await waitFor(async () => (await harness.state.pendingCounts()).outbox === 0, {
      timeoutMs: 5000,
      description: 'the outbox to drain',
    });
    expect((await drainMain()).map((message) => message.repo).sort()).toEqual(['api', 'web']);
  });

  it('refuses a window that is not valid, storing nothing', async () => {
    const outbox = harness.outbox();
    await expect(outbox.enqueue([{ ...window('web', 0, 10), repo: 'a b' }])).rejects.toThrow(
      TypeError,
    );
    await expect(outbox.enqueue([window('web', 10, 0)])).rejects.toThrow(RangeError);
    await expect(
      outbox.enqueue([{ ...window('web', 0, 10), reason: 'Not A Label' }]),
    ).rejects.toThrow(TypeError);
    expect(await harness.state.pendingCounts()).toEqual({ outbox: 0, overflow: 0 });
  });

  it('declares the topology idempotently: retry queues send messages back after their delay', async () => {
    await harness.publisher();
    await harness.publisher();
    const [firstRetry] = harness.amqp.topology.retryQueues;
    await harness.amqp.publishRaw(firstRetry?.name ?? '', 'back after 200 ms');
    const startedMs = Date.now();
    await waitFor(async () => (await harness.amqp.depth(harness.amqp.topology.mainQueue)) === 1, {
      timeoutMs: 5000,
      description: 'the retry queue to dead-letter into the main queue',
    });
    expect(Date.now() - startedMs).toBeGreaterThanOrEqual(150);
    const [back] = await harness.amqp.drain(harness.amqp.topology.mainQueue);
    expect(back?.content.toString()).toBe('back after 200 ms');
  });
});
