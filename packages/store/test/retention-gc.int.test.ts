import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import {
  createActivityStore,
  createRepoCheckpointStore,
  createRetentionGc,
  type ActivityStore,
} from '../src/index.js';

import { commit, createStoreFixture, type StoreFixture } from './store-fixture.js';

const DAY = 86_400_000;
const RETENTION = 30 * DAY;
const nowMs = Date.parse('2026-11-28T13:00:00Z');

describe('retention GC', () => {
  let fixture: StoreFixture;
  let store: ActivityStore;

  beforeEach(async () => {
    fixture = await createStoreFixture({ retentionMs: RETENTION });
    store = fixture.store;
  });

  afterEach(() => fixture.cleanup());

  /** A repo last scraped completely at `scrapedAtMs`, with one series per user. */
  async function scraped(repo: string, scrapedAtMs: number, users: string[]): Promise<void> {
    const ref = { org: 'acme', repo };
    await store.recordEvents(
      ref,
      users.map((user, index) => commit(`${repo}${index}`, user, scrapedAtMs - DAY)),
    );
    await store.replaceWeeklyLoc(ref, scrapedAtMs - 7 * DAY, [
      { user: users[0] ?? 'x', weekStartMs: scrapedAtMs - 7 * DAY, additions: 1, deletions: 1 },
    ]);
    await createRepoCheckpointStore(fixture).write(ref, { commitsSyncedAtMs: scrapedAtMs });
    await store.refreshSeries(ref, scrapedAtMs);
  }

  it('removes repos whose last complete scrape is past retention, with their series counted down', async () => {
    const { keys } = fixture;
    await scraped('archived', nowMs - RETENTION - DAY, ['ann', 'bob']);
    await scraped('deleted', nowMs - RETENTION - 1, ['cid']);
    await scraped('active', nowMs - RETENTION + DAY, ['ann', 'dan']);
    expect(await fixture.redis.get(keys.seriesCount)).toBe('5');

    const gc = createRetentionGc({
      redis: fixture.redis,
      keyPrefix: fixture.keyPrefix,
      retentionMs: RETENTION,
      batchSize: 1,
    });
    expect(await gc.collect(nowMs)).toEqual({
      repos: ['acme/archived', 'acme/deleted'],
      seriesRemoved: 3,
      loginsForgotten: 0,
    });
    expect(await fixture.redis.get(keys.seriesCount)).toBe('2');
    expect(await fixture.redis.zrange(keys.repoIndex, 0, '-1')).toEqual(['acme/active']);
    const left = await fixture.redis.keys(`${fixture.keyPrefix}:repo:*`);
    expect(left.filter((key) => !key.startsWith(`${fixture.keyPrefix}:repo:acme/active:`))).toEqual(
      [],
    );
    expect([...(await store.readSeries({ org: 'acme', repo: 'active' })).keys()].sort()).toEqual([
      'ann',
      'dan',
    ]);
    // Idempotent: a second run (or a second leader) finds nothing.
    expect(await gc.collect(nowMs)).toEqual({ repos: [], seriesRemoved: 0, loginsForgotten: 0 });
  });

  // Before: only repos with series were indexed, so the ledger and state of a repo without
  // series (never scraped completely, quiet, or written by a backfill after GC) stayed for good.
  it('removes the ledger of a repo without series once its last write is past retention, also after it came back', async () => {
    const { keys } = fixture;
    let clockMs = nowMs - RETENTION - DAY;
    const dated = { ...fixture, retentionMs: RETENTION, maxSeriesBudget: 1000, now: () => clockMs };
    const writer = createActivityStore(dated);
    const checkpoints = createRepoCheckpointStore(dated);
    const partial = { org: 'acme', repo: 'partial' };
    // A scrape that read commits and never got a complete read: no refresh, no series.
    await writer.recordEvents(partial, [commit('p1', 'ann', clockMs - DAY)]);
    await checkpoints.write(partial, { commitsSyncedAtMs: clockMs });
    await scraped('active', nowMs - DAY, ['bob']);
    const gc = createRetentionGc({
      redis: fixture.redis,
      keyPrefix: fixture.keyPrefix,
      retentionMs: RETENTION,
    });
    const repoKeys = async (): Promise<string[]> =>
      (await fixture.redis.keys(`${fixture.keyPrefix}:repo:acme/partial:*`)).sort();

    expect(await gc.collect(nowMs)).toEqual({
      repos: ['acme/partial'],
      seriesRemoved: 0,
      loginsForgotten: 0,
    });
    expect(await repoKeys()).toEqual([]);
    expect(await fixture.redis.zrange(keys.repoLedgers, 0, '-1')).toEqual(['acme/active']);

    // A backfill writes the repo again after GC removed it.
    clockMs = nowMs;
    await writer.replaceWeeklyLoc(partial, nowMs - 7 * DAY, [
      { user: 'ann', weekStartMs: nowMs - 7 * DAY, additions: 2, deletions: 1 },
    ]);
    expect(await gc.collect(nowMs + DAY)).toEqual({
      repos: [],
      seriesRemoved: 0,
      loginsForgotten: 0,
    });
    expect(await repoKeys()).toEqual([keys.repoWeeklyLoc(partial)]);
    expect(await gc.collect(nowMs + RETENTION + 1)).toEqual({
      repos: ['acme/active', 'acme/partial'],
      seriesRemoved: 1,
      loginsForgotten: 0,
    });
    expect(await repoKeys()).toEqual([]);
    expect(await fixture.redis.exists(keys.repoLedgers, keys.repoIndex)).toBe(0);
    await writer.close();
  });
});
