import { createRedisFixture, type RedisFixture } from '@gse/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { createRedisBackfillState, type RedisBackfillState } from '../src/index.js';

const LIMITS = { dedupTtlMs: 60_000, maxEnqueuesPerOrgPerMinute: 2, claimAfterMs: 30_000 };
const T0 = 1_700_000_040_000 - (1_700_000_040_000 % 60_000);

let fixture: RedisFixture;
let state: RedisBackfillState;
beforeEach(async () => {
  fixture = await createRedisFixture();
  state = createRedisBackfillState({ redis: fixture.redis, keyPrefix: fixture.keyPrefix });
});
afterEach(async () => {
  await fixture.cleanup();
});

const entry = (id: string, org = 'acme') => ({
  id,
  org,
  payload: `{"id":"${id}"}`,
  dedupDigest: id.padEnd(32, '0').replace(/[^0-9a-f]/g, 'f'),
});

describe('backfill state in Redis', () => {
  it('admits up to the cap, dedups, and queues the rest per org in order', async () => {
    expect(
      await state.admit(
        [entry('a1'), entry('a2'), entry('a3'), entry('a1'), entry('b1', 'globex')],
        LIMITS,
        T0,
      ),
    ).toEqual(['admitted', 'admitted', 'capped', 'deduped', 'admitted']);
    expect(await state.pendingCounts()).toEqual({ outbox: 3, overflow: 1 });

    // Next minute: the overflow goes first, and a new entry waits behind it.
    expect(
      await state.admit([entry('a4')], { ...LIMITS, maxEnqueuesPerOrgPerMinute: 0 }, T0 + 60_000),
    ).toEqual(['capped']);
    const released = await state.releaseOverflow(LIMITS, T0 + 60_000, 0);
    expect(released).toEqual([
      { id: 'a3', org: 'acme', payload: '{"id":"a3"}' },
      { id: 'a4', org: 'acme', payload: '{"id":"a4"}' },
    ]);
    expect(await state.pendingCounts()).toEqual({ outbox: 5, overflow: 0 });
  });

  it('holds history windows until the org has no overflow, never ahead of the others', async () => {
    const history = (id: string) => ({ ...entry(id), history: true });
    expect(
      await state.admit([history('h1'), history('h2'), history('h3'), entry('a1')], LIMITS, T0),
    ).toEqual(['held', 'held', 'held', 'admitted']);
    // Held history makes nobody wait: a1 went to the outbox, and so does a2 (the cap is 2).
    expect(await state.admit([entry('a2'), entry('a3')], LIMITS, T0)).toEqual([
      'admitted',
      'capped',
    ]);
    expect(await state.pendingCounts()).toEqual({ outbox: 2, overflow: 4 });
    // The next minute: the overflow first, then history up to the cap and the room given.
    const ids = async (nowMs: number, historyRoom: number): Promise<string[]> =>
      (await state.releaseOverflow(LIMITS, nowMs, historyRoom)).map((pending) => pending.id);
    expect(await ids(T0 + 60_000, 5)).toEqual(['a3', 'h1']);
    expect(await ids(T0 + 120_000, 1)).toEqual(['h2']);
    expect(await ids(T0 + 120_000, 5)).toEqual(['h3']);
    expect(await ids(T0 + 180_000, 5)).toEqual([]);
    expect(await state.pendingCounts()).toEqual({ outbox: 6, overflow: 0 });
  });

  it('lets one sweep claim an unconfirmed entry at a time, after claimAfterMs', async () => {
    await state.admit([entry('a1'), entry('a2')], LIMITS, T0);
    expect(await state.claimOutbox(LIMITS, T0 + 1_000, 10)).toEqual([]);
    const claimed = await state.claimOutbox(LIMITS, T0 + 30_000, 10);
    expect(claimed.map((pending) => pending.id)).toEqual(['a1', 'a2']);
    expect(await state.claimOutbox(LIMITS, T0 + 30_000, 10)).toEqual([]);

    await state.completeOutbox(['a1']);
    await state.releaseOutbox(['a2'], T0 + 31_000);
    expect((await state.claimOutbox(LIMITS, T0 + 31_000, 10)).map((pending) => pending.id)).toEqual(
      ['a2'],
    );
    expect(await state.pendingCounts()).toEqual({ outbox: 1, overflow: 0 });
  });

  it('forgets dedup markers so a window may be enqueued again', async () => {
    await state.admit([entry('a1')], LIMITS, T0);
    await state.forgetDedup([entry('a1').dedupDigest]);
    expect(await state.admit([entry('a1')], LIMITS, T0)).toEqual(['admitted']);
  });

  it('indexes queue ages: moves, due dates and entries that left by TTL', async () => {
    await state.recordQueueMoves([
      { id: 'm1', enter: [{ queue: 'jobs', atMs: 1_000 }] },
      { id: 'm2', enter: [{ queue: 'jobs', atMs: 2_000 }] },
    ]);
    await state.recordQueueMoves([
      {
        id: 'm1',
        leave: 'jobs',
        enter: [
          { queue: 'jobs.retry.1m', atMs: 3_000 },
          { queue: 'jobs', atMs: 63_000 },
        ],
      },
    ]);
    expect(await state.oldestInQueue('jobs', { notAfterMs: 10_000, messages: 1 })).toBe(2_000);
    expect(await state.oldestInQueue('jobs', { notAfterMs: 70_000, messages: 2 })).toBe(2_000);
    expect(
      await state.oldestInQueue('jobs.retry.1m', {
        notBeforeMs: 0,
        notAfterMs: 10_000,
        messages: 1,
      }),
    ).toBe(3_000);
    expect(
      await state.oldestInQueue('jobs.retry.1m', {
        notBeforeMs: 10_000,
        notAfterMs: 70_000,
        messages: 1,
      }),
    ).toBeUndefined();
    expect(await state.oldestInQueue('dlq', { notAfterMs: 70_000, messages: 0 })).toBeUndefined();
  });

  // Before: a purged queue kept its entries, and the next message reported the purged
  // ones' age for as long as the queue was not empty.
  it('reconciles the age index with the queue depth: purged and hand-moved entries go', async () => {
    await state.recordQueueMoves(
      [1_000, 2_000, 3_000, 4_000].map((atMs, index) => ({
        id: `m${index + 1}`,
        enter: [{ queue: 'jobs', atMs }],
      })),
    );
    // A retry dated when its delay ends: not due yet, so not reconciled away.
    await state.recordQueueMoves([{ id: 'r1', enter: [{ queue: 'jobs', atMs: 90_000 }] }]);
    const ageKey = `${fixture.keyPrefix}:backfill:queue-age:jobs`;

    // Two messages taken from the head by hand: the two oldest entries are stale.
    expect(await state.oldestInQueue('jobs', { notAfterMs: 10_000, messages: 2 })).toBe(3_000);
    expect(await fixture.redis.zrange(ageKey, '0', '-1')).toEqual(['m3', 'm4', 'r1']);

    // Purged.
    expect(await state.oldestInQueue('jobs', { notAfterMs: 10_000, messages: 0 })).toBeUndefined();
    expect(await fixture.redis.zrange(ageKey, '0', '-1')).toEqual(['r1']);

    await state.recordQueueMoves([{ id: 'm5', enter: [{ queue: 'jobs', atMs: 9_000 }] }]);
    expect(await state.oldestInQueue('jobs', { notAfterMs: 10_000, messages: 1 })).toBe(9_000);

    await state.forgetQueueAges('jobs');
    expect(await fixture.redis.exists(ageKey)).toBe(0);
  });
});
