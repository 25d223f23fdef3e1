import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import {
  createOrgRepoSync,
  createRepoCheckpointStore,
  type ActivityStore,
  type OrgRepoSync,
  type StoreKeys,
} from '../src/index.js';

import { commit, createStoreFixture, type StoreFixture } from './store-fixture.js';

const DAY = 86_400_000;
const RETENTION = 30 * DAY;
const nowMs = Date.parse('2026-11-28T13:00:00Z');

describe('OrgRepoSync: the store follows repos by GitHub id', () => {
  let fixture: StoreFixture;
  let store: ActivityStore;
  let sync: OrgRepoSync;
  let keys: StoreKeys;

  beforeEach(async () => {
    fixture = await createStoreFixture({ retentionMs: RETENTION });
    ({ store, keys } = fixture);
    sync = createOrgRepoSync(fixture);
  });

  afterEach(() => fixture.cleanup());

  /** A repo scraped at `nowMs` with one commit per user, and its commits checkpoint. */
  async function scraped(repo: string, users: string[], org = 'acme'): Promise<void> {
    const ref = { org, repo };
    await store.recordEvents(
      ref,
      users.map((user, index) => commit(`${repo}${index}`, user, nowMs - DAY / 2)),
    );
    await createRepoCheckpointStore(fixture).write(ref, { commitsSyncedAtMs: nowMs - 1000 });
    await store.refreshSeries(ref, nowMs);
  }

  /** Everything the store holds for one repo, as a test compares it across a move. */
  async function snapshot(repo: string, org = 'acme') {
    const ref = { org, repo };
    return {
      series: Object.fromEntries(await store.readSeries(ref)),
      checkpoints: await createRepoCheckpointStore(fixture).read(ref),
      events: await fixture.redis.zrange(keys.repoEvents(ref), '0', '-1', 'WITHSCORES'),
      indexScore: await fixture.redis.zscore(keys.repoIndex, `${org}/${repo}`),
    };
  }

  const seriesCount = async (): Promise<number> =>
    Number(await fixture.redis.get(keys.seriesCount));
  const existingKeys = async (repo: string): Promise<string[]> => {
    const found: string[] = [];
    for (const key of keys.repoKeys({ org: 'acme', repo })) {
      if ((await fixture.redis.exists(key)) === 1) found.push(key);
    }
    return found;
  };

  it('keeps everything as it is while names and ids stay, and lists what it holds', async () => {
    await scraped('web', ['ann', 'bob']);
    await scraped('api', ['cid']);
    const before = await snapshot('web');
    expect(
      await sync.sync('acme', [
        { id: 1, name: 'web' },
        { id: 2, name: 'api' },
        { id: 3, name: 'never-scraped' },
      ]),
    ).toEqual({ renamed: [], removed: [], seriesRemoved: 0, stored: ['api', 'web'] });
    expect(await snapshot('web')).toEqual(before);
    expect(await seriesCount()).toBe(3);
  });

  it('a rename moves ledger, checkpoints, series and index places to the new name in one step', async () => {
    await scraped('web', ['ann', 'bob']);
    await scraped('api', ['cid']);
    await sync.sync('acme', [
      { id: 1, name: 'web' },
      { id: 2, name: 'api' },
    ]);
    const before = await snapshot('web');
    expect(before.series).toHaveProperty('ann');

    expect(
      await sync.sync('acme', [
        { id: 1, name: 'web-app' },
        { id: 2, name: 'api' },
      ]),
    ).toEqual({
      renamed: [{ id: 1, from: 'web', to: 'web-app' }],
      removed: [],
      seriesRemoved: 0,
      stored: ['api', 'web-app'],
    });
    expect(await snapshot('web-app')).toEqual(before);
    expect(await existingKeys('web')).toEqual([]);
    expect(await fixture.redis.zscore(keys.repoIndex, 'acme/web')).toBeNull();
    expect(await fixture.redis.zscore(keys.repoLedgers, 'acme/web')).toBeNull();
    expect(await fixture.redis.hgetall(keys.orgRepoNames('acme'))).toEqual({
      '1': 'web-app',
      '2': 'api',
    });
    expect(await sync.readCurrentName('acme', 1)).toEqual({ orgSynced: true, name: 'web-app' });
    expect(await sync.readCurrentName('globex', 1)).toEqual({ orgSynced: false, name: undefined });
    expect(await seriesCount()).toBe(3);
  });

  it('moves each repo its own data when names are swapped or chained in one cycle', async () => {
    await scraped('a', ['ann']);
    await scraped('b', ['bob', 'bea']);
    await sync.sync('acme', [
      { id: 1, name: 'a' },
      { id: 2, name: 'b' },
    ]);
    const [a, b] = [await snapshot('a'), await snapshot('b')];
    await sync.sync('acme', [
      { id: 1, name: 'b' },
      { id: 2, name: 'c' },
    ]);
    expect(await snapshot('b')).toEqual(a);
    expect(await snapshot('c')).toEqual(b);
    expect(await existingKeys('a')).toEqual([]);
    expect(await seriesCount()).toBe(3);
    await sync.sync('acme', [
      { id: 1, name: 'c' },
      { id: 2, name: 'b' },
    ]);
    expect(await snapshot('c')).toEqual(a);
    expect(await snapshot('b')).toEqual(b);
  });

  it('a repo that leaves (deleted, transferred, not allowed) loses its data and its series count', async () => {
    await scraped('web', ['ann', 'bob']);
    await scraped('api', ['cid']);
    await scraped('other-org-web', ['dan'], 'globex');
    await sync.sync('acme', [
      { id: 1, name: 'web' },
      { id: 2, name: 'api' },
    ]);
    expect(await sync.sync('acme', [{ id: 2, name: 'api' }])).toEqual({
      renamed: [],
      removed: ['web'],
      seriesRemoved: 2,
      stored: ['api'],
    });
    expect(await existingKeys('web')).toEqual([]);
    expect(await fixture.redis.zscore(keys.repoIndex, 'acme/web')).toBeNull();
    expect(await fixture.redis.zscore(keys.repoLedgers, 'acme/web')).toBeNull();
    expect(await fixture.redis.hgetall(keys.orgRepoNames('acme'))).toEqual({ '2': 'api' });
    expect(await sync.readCurrentName('acme', 1)).toEqual({ orgSynced: true, name: undefined });
    expect(await seriesCount()).toBe(2);
    // Another org's repos are not this org's business.
    expect(Object.keys((await snapshot('other-org-web', 'globex')).series)).toEqual(['dan']);
  });

  it('removes data written under an old name after the move (a job that ran late), and data from before the first sync', async () => {
    await scraped('web', ['ann']);
    await scraped('gone-before-upgrade', ['old']);
    await sync.sync('acme', [{ id: 1, name: 'web' }]);
    expect(await existingKeys('gone-before-upgrade')).toEqual([]);
    await sync.sync('acme', [{ id: 1, name: 'web-app' }]);
    // A scrape of the old name that was already running writes after the move.
    await scraped('web', ['ann']);
    expect(await sync.sync('acme', [{ id: 1, name: 'web-app' }])).toEqual({
      renamed: [],
      removed: ['web'],
      seriesRemoved: 1,
      stored: ['web-app'],
    });
    expect(Object.keys((await snapshot('web-app')).series)).toEqual(['ann']);
    expect(await seriesCount()).toBe(1);
  });

  it('a sync that stopped after moving the keys but before recording the name loses nothing when run again', async () => {
    await scraped('web', ['ann']);
    await sync.sync('acme', [{ id: 1, name: 'web' }]);
    const before = await snapshot('web');
    await sync.sync('acme', [{ id: 1, name: 'web-app' }]);
    // As if the names hash had not been written.
    await fixture.redis.hset(keys.orgRepoNames('acme'), '1', 'web');
    expect((await sync.sync('acme', [{ id: 1, name: 'web-app' }])).renamed).toEqual([
      { id: 1, from: 'web', to: 'web-app' },
    ]);
    expect(await snapshot('web-app')).toEqual(before);
    expect(await seriesCount()).toBe(1);
  });
});
