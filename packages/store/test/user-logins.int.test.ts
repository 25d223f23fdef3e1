import { toEmptyUserActivity, type ActivityEvent, type LoginSighting } from '@gse/activity';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { createRetentionGc, type ActivityStore } from '../src/index.js';

import { createStoreFixture, type StoreFixture } from './store-fixture.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const RETENTION = 30 * DAY;
const scrapedAtMs = Date.parse('2026-11-28T13:00:00Z');
const ref = { org: 'acme', repo: 'api' };
const other = { org: 'acme', repo: 'web' };

const event = (kind: ActivityEvent['kind'], sourceId: string, user: string): ActivityEvent => ({
  kind,
  sourceId,
  user,
  occurredAtMs: scrapedAtMs - HOUR,
});
const seen = (userId: number, login: string, seenAtMs: number): LoginSighting => ({
  userId,
  login,
  seenAtMs,
});
const lastEventUnixtime = Math.floor((scrapedAtMs - HOUR) / 1000);

describe('user labels (users identified by id)', () => {
  let fixture: StoreFixture;
  let store: ActivityStore;

  beforeEach(async () => {
    fixture = await createStoreFixture({ retentionMs: RETENTION, excludeBots: true });
    store = fixture.store;
  });

  afterEach(() => fixture.cleanup());

  const labels = async (at = ref): Promise<string[]> => [...(await store.readSeries(at)).keys()];

  it('moves every series of a renamed user to the newest login at the next refresh, none left under the old one', async () => {
    await store.recordEvents(
      ref,
      [event('commit', 'c1', '#7'), event('pr_opened', '1', '#7')],
      [seen(7, 'ada', scrapedAtMs)],
    );
    await store.recordEvents(other, [event('issue_comment', '5', '#7')], []);
    await store.refreshSeries(ref, scrapedAtMs);
    await store.refreshSeries(other, scrapedAtMs);
    expect(await labels()).toEqual(['ada']);
    expect(await labels(other)).toEqual(['ada']);

    // Seen on a page of another repo: no new event, only the new login.
    await store.recordEvents(other, [], [seen(7, 'ada-lovelace', scrapedAtMs + 1000)]);
    // A worker that read a page before the rename and wrote it after changes nothing.
    await store.recordEvents(ref, [], [seen(7, 'ada', scrapedAtMs + 500)]);
    await store.refreshSeries(ref, scrapedAtMs);
    await store.refreshSeries(other, scrapedAtMs);
    expect(await store.readSeries(ref)).toEqual(
      new Map([
        [
          'ada-lovelace',
          { ...toEmptyUserActivity(), commits24h: 1, prsOpened24h: 1, lastEventUnixtime },
        ],
      ]),
    );
    expect(await labels(other)).toEqual(['ada-lovelace']);
    const { keys } = fixture;
    expect(await fixture.redis.hgetall(keys.loginHolders)).toEqual({ 'ada-lovelace': '7' });
  });

  it('keeps two users apart when a login freed by a rename is taken before the rename is seen', async () => {
    await store.recordEvents(ref, [event('commit', 'c1', '#7')], [seen(7, 'ada', scrapedAtMs)]);
    await store.recordEvents(
      ref,
      [event('commit', 'c2', '#9')],
      [seen(9, 'Ada', scrapedAtMs + 1000)],
    );
    await store.refreshSeries(ref, scrapedAtMs);
    expect((await labels()).sort()).toEqual(['Ada', 'ada#7']);

    await store.recordEvents(ref, [], [seen(7, 'ada-lovelace', scrapedAtMs + 2000)]);
    await store.refreshSeries(ref, scrapedAtMs);
    expect((await labels()).sort()).toEqual(['Ada', 'ada-lovelace']);
  });

  it('merges an id-less noreply login with the account that holds it, and dates a noreply login at its commit', async () => {
    // `<id>+ada@…` of an old commit names the id with the login it had then: any account
    // the API shows since wins, whatever order the pages are written in.
    await store.recordEvents(
      ref,
      [event('pr_opened', '1', '#7')],
      [seen(7, 'ada-lovelace', scrapedAtMs)],
    );
    await store.recordEvents(
      ref,
      [event('commit', 'c1', '#7'), event('commit', 'c2', 'ada-lovelace')],
      [seen(7, 'ada', scrapedAtMs - HOUR)],
    );
    await store.refreshSeries(ref, scrapedAtMs);
    expect(await store.readSeries(ref)).toEqual(
      new Map([
        [
          'ada-lovelace',
          { ...toEmptyUserActivity(), commits24h: 2, prsOpened24h: 1, lastEventUnixtime },
        ],
      ]),
    );
  });

  it('records the logins of a reconciled listing with its events', async () => {
    await store.reconcileEvents(
      ref,
      'issue_comment',
      { fromMs: scrapedAtMs - DAY, toMs: scrapedAtMs },
      [event('issue_comment', '5', '#7')],
      [seen(7, 'ada', scrapedAtMs)],
    );
    await store.refreshSeries(ref, scrapedAtMs);
    expect(await labels()).toEqual(['ada']);
  });

  it('applies exclude_bots to a bot whose label carries its id', async () => {
    await store.recordEvents(
      ref,
      [event('pr_opened', '1', '#5'), event('pr_opened', '2', '#6')],
      [seen(5, 'dependabot[bot]', scrapedAtMs), seen(6, 'dependabot[bot]', scrapedAtMs + 1)],
    );
    await store.refreshSeries(ref, scrapedAtMs);
    expect(await labels()).toEqual([]);
  });

  it('forgets the logins of ids nobody saw within retention, at retention GC', async () => {
    await store.recordEvents(ref, [], [seen(7, 'ada', scrapedAtMs - RETENTION - 1)]);
    await store.recordEvents(ref, [], [seen(9, 'bob', scrapedAtMs)]);
    const gc = createRetentionGc({
      redis: fixture.redis,
      keyPrefix: fixture.keyPrefix,
      retentionMs: RETENTION,
    });
    expect((await gc.collect(scrapedAtMs)).loginsForgotten).toBe(1);
    const { keys } = fixture;
    expect(await fixture.redis.hgetall(keys.userLogins)).toEqual({ '9': 'bob' });
    expect(await fixture.redis.hgetall(keys.loginHolders)).toEqual({ bob: '9' });
    expect(await fixture.redis.zrange(keys.userLoginSeenAt, 0, '-1')).toEqual(['9']);
  });
});
