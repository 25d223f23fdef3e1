import { toEmptyUserActivity } from '@gse/activity';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { readActivitySeries, type ActivityStore } from '../src/index.js';

import { createStoreFixture, type StoreFixture } from './store-fixture.js';

const DAY = 86_400_000;
const scrapedAtMs = Date.parse('2026-11-28T13:00:00Z');
const ref = { org: 'acme', repo: 'api' };
const lastEventUnixtime = (scrapedAtMs - 3_600_000) / 1000;

describe('series written by the previous codec (version 1, positional)', () => {
  let fixture: StoreFixture;
  let store: ActivityStore;

  beforeEach(async () => {
    fixture = await createStoreFixture({ retentionMs: 30 * DAY });
    store = fixture.store;
    // What the previous release left in Redis: its ledger, and its series as eight values in
    // the order of the eight families then.
    await store.recordEvents(ref, [
      { kind: 'commit', sourceId: 'a1', user: 'ada', occurredAtMs: scrapedAtMs - 3_600_000 },
      { kind: 'pr_opened', sourceId: '7', user: 'ada', occurredAtMs: scrapedAtMs - 7_200_000 },
    ]);
    const { keys } = fixture;
    await fixture.redis
      .multi()
      .hset(keys.repoSeries(ref), 'ada', `1,1,0,0,0,12,3,${lastEventUnixtime}`)
      .zadd(keys.repoIndex, scrapedAtMs, 'acme/api')
      .set(keys.seriesCount, 1)
      .exec();
  });

  afterEach(() => fixture.cleanup());

  it('are read after the upgrade by the store and by the gateway’s reader', async () => {
    const expected = {
      ...toEmptyUserActivity(),
      commits24h: 1,
      prsOpened24h: 1,
      prsMerged24h: 0,
      reviewsSubmitted24h: 0,
      issueComments24h: 0,
      locAddedWeekly: 12,
      locRemovedWeekly: 3,
      lastEventUnixtime,
    };
    expect(Object.fromEntries(await store.readSeries(ref))).toEqual({ ada: expected });
    const snapshot = await readActivitySeries({
      redis: fixture.redis,
      keyPrefix: fixture.keyPrefix,
    });
    expect(snapshot.corruptSeriesCount).toBe(0);
    expect(snapshot.blocks.map(({ users, values }) => ({ users, values: [...values] }))).toEqual([
      { users: ['ada'], values: Object.values(expected) },
    ]);
  });

  it('are rewritten by name at the repo’s next refresh, as the same series', async () => {
    const refreshed = await store.refreshSeries(ref, scrapedAtMs);
    expect(refreshed).toEqual({
      scrapedAtMs,
      series: 1,
      added: 0,
      removed: 0,
      refusedByBudget: [],
    });
    const { keys } = fixture;
    expect(await fixture.redis.hget(keys.repoSeries(ref), 'ada')).toBe(
      `v2;commits24h=1,prsOpened24h=1,lastEventUnixtime=${lastEventUnixtime}`,
    );
    expect(await fixture.redis.get(keys.seriesCount)).toBe('1');
  });
});
