import { describe, expect, it } from 'vitest';

import type { MetricsSnapshot } from './metrics-snapshot.js';
import {
  createSnapshotCache,
  SnapshotUnavailableError,
  type ReadPassOutcome,
  type SnapshotCacheOptions,
} from './snapshot-cache.js';

const snapshotAt = (readAtMs: number): MetricsSnapshot => ({
  readAtMs,
  activity: {
    blocks: [],
    seriesCount: 0,
    storedSeriesCount: 0,
    corruptSeries: [],
    corruptSeriesCount: 0,
  },
  fleet: [],
  malformedFleetSamples: 0,
});

/** A cache on a fake clock whose read passes the test answers one by one. */
function setUp(options: Partial<SnapshotCacheOptions> = {}) {
  const clock = { nowMs: 1_000 };
  const pending: {
    resolve: (snapshot: MetricsSnapshot) => void;
    reject: (error: Error) => void;
    signal: AbortSignal;
  }[] = [];
  const outcomes: ReadPassOutcome['result'][] = [];
  const cache = createSnapshotCache({
    read: (signal) =>
      new Promise((resolve, reject) => {
        pending.push({ resolve, reject, signal });
      }),
    maxAgeMs: 30_000,
    retryAfterFailureMs: 5_000,
    readTimeoutMs: 60_000,
    now: () => clock.nowMs,
    onReadPass: (outcome) => outcomes.push(outcome.result),
    ...options,
  });
  return { cache, clock, pending, outcomes };
}

describe('createSnapshotCache', () => {
  it('shares one read pass between concurrent scrapes and reuses it within maxAgeMs', async () => {
    const { cache, clock, pending, outcomes } = setUp();
    const scrapes = Array.from({ length: 20 }, () => cache.acquire());
    expect(pending).toHaveLength(1);
    const first = snapshotAt(1_000);
    pending[0]?.resolve(first);
    const served = await Promise.all(scrapes);
    expect(
      served.every((entry) => entry.snapshot === first && entry.staleReason === undefined),
    ).toBe(true);

    clock.nowMs = 30_999;
    expect((await cache.acquire()).snapshot).toBe(first);
    clock.nowMs = 31_000;
    const next = cache.acquire();
    expect(pending).toHaveLength(2);
    pending[1]?.resolve(snapshotAt(31_000));
    expect((await next).snapshot.readAtMs).toBe(31_000);
    expect(outcomes).toEqual(['success', 'success']);
  });

  it('serves the last good snapshot with the reason while reads fail, then recovers', async () => {
    const { cache, clock, pending, outcomes } = setUp();
    const good = cache.acquire();
    pending[0]?.resolve(snapshotAt(1_000));
    await good;

    clock.nowMs = 40_000;
    const failing = cache.acquire();
    pending[1]?.reject(new Error('redis connection is reconnecting'));
    expect(await failing).toEqual({
      snapshot: snapshotAt(1_000),
      staleReason: 'redis connection is reconnecting',
    });
    expect(cache.state().failure).toEqual({
      atMs: 40_000,
      reason: 'redis connection is reconnecting',
    });

    // Within retryAfterFailureMs: no new pass, still the last good one.
    clock.nowMs = 44_999;
    expect((await cache.acquire()).staleReason).toBe('redis connection is reconnecting');
    expect(pending).toHaveLength(2);

    clock.nowMs = 45_000;
    const recovered = cache.acquire();
    pending[2]?.resolve(snapshotAt(45_000));
    expect(await recovered).toEqual({ snapshot: snapshotAt(45_000) });
    expect(cache.state().failure).toBeUndefined();
    expect(outcomes).toEqual(['success', 'failure', 'success']);
  });

  it('has nothing to serve when no pass ever succeeded', async () => {
    const { cache, pending } = setUp();
    const first = cache.acquire();
    pending[0]?.reject(new Error('connect ECONNREFUSED'));
    await expect(first).rejects.toEqual(new SnapshotUnavailableError('connect ECONNREFUSED'));
    await expect(cache.acquire()).rejects.toBeInstanceOf(SnapshotUnavailableError);
  });

  it('abandons a pass that outlives readTimeoutMs', async () => {
    const { cache, pending } = setUp({ readTimeoutMs: 10 });
    const scrape = cache.acquire();
    const pass = pending[0];
    await new Promise<void>((resolve) => {
      pass?.signal.addEventListener('abort', () => {
        resolve();
      });
    });
    pass?.reject(pass.signal.reason as Error);
    await expect(scrape).rejects.toThrow('read pass took longer than 10ms');
  });

  it('refuses scrapes once closed and aborts the pass in flight', async () => {
    const { cache, pending } = setUp();
    const scrape = cache.acquire();
    cache.close();
    expect(pending[0]?.signal.aborted).toBe(true);
    pending[0]?.reject(new Error('aborted'));
    await expect(scrape).rejects.toBeInstanceOf(SnapshotUnavailableError);
    await expect(cache.acquire()).rejects.toThrow('the gateway is stopping');
  });
});
