import { ACTIVITY_METRICS, toEmptyUserActivity, type UserActivity } from '@gse/activity';
import { createRedisFixture, type RedisFixture } from '@gse/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { createStoreKeys, encodeUserActivity, readActivitySeries } from '../src/index.js';

const activity = (base: number): UserActivity => ({
  ...toEmptyUserActivity(),
  commits24h: base,
  prsOpened24h: base + 1,
  prsMerged24h: base + 2,
  reviewsSubmitted24h: base + 3,
  issueComments24h: base + 4,
  locAddedWeekly: base + 5,
  locRemovedWeekly: base + 6,
  lastEventUnixtime: 1_700_000_000 + base,
});

describe('readActivitySeries', () => {
  let fixture: RedisFixture;
  const keys = (): ReturnType<typeof createStoreKeys> => createStoreKeys(fixture.keyPrefix);

  async function writeRepo(
    org: string,
    repo: string,
    scrapedAtMs: number,
    series: Record<string, string>,
  ): Promise<void> {
    await fixture.redis
      .multi()
      .hset(keys().repoSeries({ org, repo }), series)
      .zadd(keys().repoIndex, scrapedAtMs, `${org}/${repo}`)
      .exec();
  }

  beforeEach(async () => {
    fixture = await createRedisFixture();
    await writeRepo('acme', 'web', 3000, {
      zed: encodeUserActivity(activity(20)),
      'we"ird\\us\ner': encodeUserActivity(activity(10)),
      Bob: encodeUserActivity(activity(0)),
    });
    await writeRepo('acme-labs', 'api', 2000, { ann: encodeUserActivity(activity(30)) });
    await writeRepo('acme', 'api', 1000, { ann: encodeUserActivity(activity(40)) });
    await fixture.redis.set(keys().seriesCount, 5);
  });

  afterEach(async () => {
    await fixture.cleanup();
  });

  it('reads every repo ordered by org then repo, users in code-unit order, values by metric', async () => {
    const snapshot = await readActivitySeries({
      redis: fixture.redis,
      keyPrefix: fixture.keyPrefix,
    });
    expect(
      snapshot.blocks.map(({ org, repo, scrapedAtMs, users }) => ({
        org,
        repo,
        scrapedAtMs,
        users,
      })),
    ).toEqual([
      { org: 'acme', repo: 'api', scrapedAtMs: 1000, users: ['ann'] },
      { org: 'acme', repo: 'web', scrapedAtMs: 3000, users: ['Bob', 'we"ird\\us\ner', 'zed'] },
      { org: 'acme-labs', repo: 'api', scrapedAtMs: 2000, users: ['ann'] },
    ]);
    const web = snapshot.blocks[1];
    const column = (metric: number): number[] => [
      ...(web?.values.subarray(metric * 3, metric * 3 + 3) ?? []),
    ];
    // Users in code-unit order: Bob, we"ird…, zed.
    expect(ACTIVITY_METRICS.map((_, metric) => column(metric))).toEqual(
      ACTIVITY_METRICS.map((metric) => [0, 10, 20].map((base) => activity(base)[metric.field])),
    );
    expect({
      seriesCount: snapshot.seriesCount,
      storedSeriesCount: snapshot.storedSeriesCount,
      corruptSeriesCount: snapshot.corruptSeriesCount,
    }).toEqual({ seriesCount: 5, storedSeriesCount: 5, corruptSeriesCount: 0 });
  });

  it('keeps whole values below 2^32 in 32 bits, any other value in 64', async () => {
    await fixture.redis.hset(keys().repoSeries({ org: 'acme', repo: 'api' }), {
      frac: '0.5,1,2,3,4,5,6,7',
      big: '4294967296,1,2,3,4,5,6,7',
    });
    const snapshot = await readActivitySeries({
      redis: fixture.redis,
      keyPrefix: fixture.keyPrefix,
    });
    const [api, web] = snapshot.blocks;
    expect(api?.values).toBeInstanceOf(Float64Array);
    expect(api?.users).toEqual(['ann', 'big', 'frac']);
    expect([...(api?.values.subarray(0, 3) ?? [])]).toEqual([40, 4_294_967_296, 0.5]);
    expect(web?.values).toBeInstanceOf(Uint32Array);
  });

  it('reads the same in batches of one repo with several calls in flight', async () => {
    const whole = await readActivitySeries({ redis: fixture.redis, keyPrefix: fixture.keyPrefix });
    const batched = await readActivitySeries({
      redis: fixture.redis,
      keyPrefix: fixture.keyPrefix,
      batchRepos: 1,
      concurrency: 3,
    });
    expect(batched).toEqual(whole);
  });

  it('leaves out and reports corrupt values, and repos whose hash is gone', async () => {
    await fixture.redis.hset(keys().repoSeries({ org: 'acme', repo: 'api' }), {
      short: '1,2,3',
      long: '1,2,3,4,5,6,7,8,9',
      word: '1,2,3,4,5,6,7,x',
      empty: '1,,3,4,5,6,7,8',
    });
    await fixture.redis.zadd(keys().repoIndex, 4000, 'gone/repo');
    const snapshot = await readActivitySeries({
      redis: fixture.redis,
      keyPrefix: fixture.keyPrefix,
    });
    expect(snapshot.blocks.map((block) => `${block.org}/${block.repo}`)).toEqual([
      'acme/api',
      'acme/web',
      'acme-labs/api',
    ]);
    expect(snapshot.blocks[0]?.users).toEqual(['ann']);
    expect(snapshot.corruptSeriesCount).toBe(4);
    expect(snapshot.corruptSeries.map((series) => [series.user, series.stored])).toEqual([
      ['empty', '1,,3,4,5,6,7,8'],
      ['long', '1,2,3,4,5,6,7,8,9'],
      ['short', '1,2,3'],
      ['word', '1,2,3,4,5,6,7,x'],
    ]);
  });

  it('reads an empty store as no series', async () => {
    const snapshot = await readActivitySeries({
      redis: fixture.redis,
      keyPrefix: `${fixture.keyPrefix}-empty`,
    });
    expect(snapshot).toEqual({
      blocks: [],
      seriesCount: 0,
      storedSeriesCount: 0,
      corruptSeries: [],
      corruptSeriesCount: 0,
    });
  });

  it('gives up with the signal’s reason once aborted', async () => {
    const reason = new Error('scrape deadline');
    await expect(
      readActivitySeries({
        redis: fixture.redis,
        keyPrefix: fixture.keyPrefix,
        signal: AbortSignal.abort(reason),
      }),
    ).rejects.toBe(reason);
  });
});
