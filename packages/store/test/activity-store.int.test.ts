import { toEmptyUserActivity, type ActivityEvent } from '@gse/activity';
import { createRedisFixture, type RedisFixture } from '@gse/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { createActivityStore, type ActivityStore } from '../src/index.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const scrapedAtMs = Date.parse('2026-11-28T13:00:00Z'); // a Saturday
const lastWeekStartMs = Date.parse('2026-11-15T00:00:00Z');
const ref = { org: 'acme', repo: 'api' };

const commit = (sha: string, user: string, ageMs: number): ActivityEvent => ({
  kind: 'commit',
  sourceId: sha,
  user,
  occurredAtMs: scrapedAtMs - ageMs,
});

describe('activity store', () => {
  let fixture: RedisFixture;
  let store: ActivityStore;
  const open = (maxSeriesBudget = 1000): ActivityStore =>
    createActivityStore({
      redis: fixture.redis,
      keyPrefix: fixture.keyPrefix,
      retentionMs: 30 * DAY,
      maxSeriesBudget,
    });

  beforeEach(async () => {
    fixture = await createRedisFixture();
    store = open();
  });

  afterEach(async () => {
    await store.close();
    await fixture.cleanup();
  });

  it('counts an event written twice, or by overlapping batches, once', async () => {
    expect(
      await store.recordEvents(ref, [commit('a1', 'ada', HOUR), commit('a2', 'ada', 2 * HOUR)]),
    ).toEqual({
      added: 2,
      duplicates: 0,
    });
    expect(
      await store.recordEvents(ref, [commit('a2', 'ada', 2 * HOUR), commit('a3', 'ada', 3 * HOUR)]),
    ).toEqual({
      added: 1,
      duplicates: 1,
    });
    await store.refreshSeries(ref, scrapedAtMs);
    await store.refreshSeries(ref, scrapedAtMs);
    expect((await store.readSeries(ref)).get('ada')?.commits24h).toBe(3);
  });

  it('reconciles one kind in a range to exactly what GitHub listed, atomically', async () => {
    const comment = (id: string, user: string, ageMs: number): ActivityEvent => ({
      ...commit(id, user, ageMs),
      kind: 'issue_comment',
    });
    await store.recordEvents(ref, [
      comment('1', 'ada', HOUR),
      comment('2', 'bob', 2 * HOUR),
      comment('3', 'bob', 3 * DAY),
      commit('c1', 'bob', 2 * HOUR),
    ]);
    const range = { fromMs: scrapedAtMs - DAY, toMs: scrapedAtMs };
    // Comment 2 was deleted, comment 4 appeared (an issue transferred in); comment 3 lies
    // outside the range and the commit is of another kind: both stay.
    expect(
      await store.reconcileEvents(ref, 'issue_comment', range, [
        comment('1', 'ada', HOUR),
        comment('4', 'cy', 4 * HOUR),
      ]),
    ).toEqual({ added: 1, removed: 1 });
    await store.refreshSeries(ref, scrapedAtMs);
    const series = await store.readSeries(ref);
    expect(series.get('ada')?.issueComments24h).toBe(1);
    expect(series.get('cy')?.issueComments24h).toBe(1);
    expect(series.get('bob')).toMatchObject({ issueComments24h: 0, commits24h: 1 });
    expect(series.get('bob')?.lastEventUnixtime).toBe((scrapedAtMs - 2 * HOUR) / 1000);
    await expect(
      store.reconcileEvents(ref, 'issue_comment', range, [commit('c2', 'ada', HOUR)]),
    ).rejects.toThrow('reconcileEvents of issue_comment got a commit event');
  });

  it('computes every value, reads 0 for a quiet window and drops series past retention', async () => {
    await store.recordEvents(ref, [
      commit('new', 'ada', HOUR),
      commit('old', 'bob', 10 * DAY),
      commit('ancient', 'cy', 31 * DAY),
      {
        kind: 'review_submitted',
        sourceId: '77',
        user: 'bob',
        occurredAtMs: scrapedAtMs - 2 * HOUR,
      },
    ]);
    await store.replaceWeeklyLoc(ref, lastWeekStartMs, [
      { user: 'ada', weekStartMs: lastWeekStartMs, additions: 12, deletions: 3 },
    ]);
    const result = await store.refreshSeries(ref, scrapedAtMs);
    expect(result).toEqual({ scrapedAtMs, series: 2, added: 2, removed: 0, refusedByBudget: [] });
    const series = await store.readSeries(ref);
    expect(Object.fromEntries(series)).toEqual({
      ada: {
        ...toEmptyUserActivity(),
        commits24h: 1,
        prsOpened24h: 0,
        prsMerged24h: 0,
        reviewsSubmitted24h: 0,
        issueComments24h: 0,
        locAddedWeekly: 12,
        locRemovedWeekly: 3,
        lastEventUnixtime: (scrapedAtMs - HOUR) / 1000,
      },
      bob: {
        ...toEmptyUserActivity(),
        commits24h: 0,
        prsOpened24h: 0,
        prsMerged24h: 0,
        reviewsSubmitted24h: 1,
        issueComments24h: 0,
        locAddedWeekly: 0,
        locRemovedWeekly: 0,
        lastEventUnixtime: (scrapedAtMs - 2 * HOUR) / 1000,
      },
    });
    // Just under 30 days later nobody is in the window and bob's last event (2 h older than
    // ada's) has left retention.
    const later = await store.refreshSeries(ref, scrapedAtMs + 30 * DAY - 1.5 * HOUR);
    expect(later).toMatchObject({ series: 1, removed: 1 });
    expect([...(await store.readSeries(ref)).keys()]).toEqual(['ada']);
    expect((await store.readSeries(ref)).get('ada')?.commits24h).toBe(0);
    expect(
      await fixture.redis.zrange(`${fixture.keyPrefix}:repo:acme/api:events`, '0', '-1'),
    ).toEqual(['commit:new']);
  });

  it('never moves the window back when an older window is refreshed later (backfill)', async () => {
    await store.recordEvents(ref, [
      commit('fresh', 'ada', HOUR),
      commit('backfilled', 'ada', 30 * HOUR),
    ]);
    await store.refreshSeries(ref, scrapedAtMs);
    const result = await store.refreshSeries(ref, scrapedAtMs - DAY);
    expect(result.scrapedAtMs).toBe(scrapedAtMs);
    expect((await store.readSeries(ref)).get('ada')?.commits24h).toBe(1);
  });

  it('refuses new series beyond the budget, keeps updating existing ones, and counts fleet-wide', async () => {
    store = open(2);
    const other = { org: 'acme', repo: 'web' };
    await store.recordEvents(ref, [commit('1', 'ada', HOUR)]);
    await store.recordEvents(other, [commit('2', 'bob', HOUR), commit('3', 'cy', HOUR)]);
    expect((await store.refreshSeries(ref, scrapedAtMs)).refusedByBudget).toEqual([]);
    const refused = await store.refreshSeries(other, scrapedAtMs);
    expect(refused).toMatchObject({ series: 1, added: 1, refusedByBudget: ['cy'] });
    await store.recordEvents(ref, [commit('4', 'ada', 2 * HOUR)]);
    expect((await store.refreshSeries(ref, scrapedAtMs)).refusedByBudget).toEqual([]);
    expect((await store.readSeries(ref)).get('ada')?.commits24h).toBe(2);
    expect(await fixture.redis.get(`${fixture.keyPrefix}:series-count`)).toBe('2');
  });

  it('gives the same numbers when two stores refresh the same repo concurrently', async () => {
    const second = open();
    const events = Array.from({ length: 200 }, (_, index) =>
      commit(`sha${index}`, `user${index % 7}`, (index % 48) * HOUR + 1),
    );
    await Promise.all([
      (async () => {
        for (let index = 0; index < 200; index += 20) {
          await store.recordEvents(ref, events.slice(index, index + 20));
          await store.refreshSeries(ref, scrapedAtMs);
        }
      })(),
      (async () => {
        for (let index = 180; index >= 0; index -= 20) {
          await second.recordEvents(ref, events.slice(index, index + 20));
          await second.refreshSeries(ref, scrapedAtMs);
        }
      })(),
    ]);
    await second.close();
    const series = await store.readSeries(ref);
    const expected = new Map<string, number>();
    for (const event of events) {
      if (event.occurredAtMs > scrapedAtMs - DAY)
        expected.set(event.user, (expected.get(event.user) ?? 0) + 1);
    }
    expect(new Map([...series].map(([user, activity]) => [user, activity.commits24h]))).toEqual(
      new Map([...expected].sort()),
    );
    expect(await fixture.redis.get(`${fixture.keyPrefix}:series-count`)).toBe('7');
  });

  it('refreshes many repos in batches to the same series as one by one, in the order given', async () => {
    const repos = ['a', 'b', 'c', 'd', 'e'];
    const batched = createActivityStore({
      redis: fixture.redis,
      keyPrefix: fixture.keyPrefix,
      retentionMs: 30 * DAY,
      maxSeriesBudget: 1000,
      refreshBatchSize: 2,
    });
    for (const [index, repo] of repos.entries()) {
      await store.recordEvents({ org: 'acme', repo }, [
        commit(`${repo}1`, 'ada', HOUR),
        commit(`${repo}2`, `user${index}`, 2 * HOUR),
        commit(`${repo}3`, 'ada', 2 * DAY),
      ]);
    }
    await store.replaceWeeklyLoc({ org: 'acme', repo: 'c' }, lastWeekStartMs, [
      { user: 'ada', weekStartMs: lastWeekStartMs, additions: 5, deletions: 1 },
    ]);
    const results = await batched.refreshSeriesOfRepos('acme', repos, scrapedAtMs);
    expect(results).toEqual(
      repos.map(() => ({ scrapedAtMs, series: 2, added: 2, removed: 0, refusedByBudget: [] })),
    );
    const seriesOf = async (): Promise<unknown[]> =>
      Promise.all(repos.map(async (repo) => [...(await store.readSeries({ org: 'acme', repo }))]));
    const fromBatches = await seriesOf();
    for (const repo of repos) await store.refreshSeries({ org: 'acme', repo }, scrapedAtMs);
    expect(await seriesOf()).toEqual(fromBatches);
    expect((await store.readSeries({ org: 'acme', repo: 'c' })).get('ada')).toMatchObject({
      commits24h: 1,
      locAddedWeekly: 5,
      lastEventUnixtime: (scrapedAtMs - HOUR) / 1000,
    });
    expect(await fixture.redis.get(`${fixture.keyPrefix}:series-count`)).toBe('10');
    await batched.close();
  });

  it('commits the rest of a batch while another process keeps writing one of its repos', async () => {
    const second = open();
    const repos = ['a', 'busy', 'c', 'd'];
    for (const repo of repos) {
      await store.recordEvents({ org: 'acme', repo }, [commit(`${repo}0`, 'ada', HOUR)]);
    }
    const busy = { org: 'acme', repo: 'busy' };
    await Promise.all([
      (async () => {
        for (let round = 0; round < 10; round++) {
          await store.refreshSeriesOfRepos('acme', repos, scrapedAtMs);
        }
      })(),
      (async () => {
        for (let index = 1; index <= 40; index++) {
          await second.recordEvents(busy, [commit(`busy${index}`, `user${index % 3}`, HOUR)]);
        }
      })(),
    ]);
    await second.close();
    await store.refreshSeriesOfRepos('acme', repos, scrapedAtMs);
    const commitsOf = async (repo: string): Promise<Map<string, number>> =>
      new Map(
        [...(await store.readSeries({ org: 'acme', repo }))].map(([user, activity]) => [
          user,
          activity.commits24h,
        ]),
      );
    expect(await commitsOf('busy')).toEqual(
      new Map([
        ['ada', 1],
        ['user0', 13],
        ['user1', 14],
        ['user2', 13],
      ]),
    );
    for (const repo of ['a', 'c', 'd'])
      expect(await commitsOf(repo)).toEqual(new Map([['ada', 1]]));
    expect(await fixture.redis.get(`${fixture.keyPrefix}:series-count`)).toBe('7');
  });

  it('adds per-commit LOC to weekly snapshots once per commit and drops weeks that ended', async () => {
    await store.recordEvents(ref, [commit('c1', 'ada', HOUR), commit('c2', 'bob', HOUR)]);
    await store.replaceWeeklyLoc(ref, lastWeekStartMs - 7 * DAY, [
      { user: 'ada', weekStartMs: lastWeekStartMs, additions: 10, deletions: 1 },
      { user: 'ada', weekStartMs: lastWeekStartMs - 7 * DAY, additions: 99, deletions: 99 },
    ]);
    const bobCommit = {
      sha: 'c2',
      user: 'bob',
      weekStartMs: lastWeekStartMs,
      additions: 5,
      deletions: 2,
    };
    await store.recordCommitLoc(ref, [bobCommit, { ...bobCommit, sha: 'c3', additions: 1 }]);
    await store.recordCommitLoc(ref, [bobCommit]);
    expect(await store.hasCommitLoc(ref, ['c2', 'c9'])).toEqual([true, false]);
    await store.refreshSeries(ref, scrapedAtMs);
    const series = await store.readSeries(ref);
    expect(series.get('ada')).toMatchObject({ locAddedWeekly: 10, locRemovedWeekly: 1 });
    expect(series.get('bob')).toMatchObject({ locAddedWeekly: 6, locRemovedWeekly: 4 });
    expect(await fixture.redis.hkeys(`${fixture.keyPrefix}:repo:acme/api:weekly-loc`)).toEqual([
      `${lastWeekStartMs}|ada`,
    ]);
  });

  it('prunes the per-commit lines of commits a force-push dropped, from the listed weeks on', async () => {
    await store.recordEvents(ref, [commit('c1', 'ada', 2 * DAY)]);
    const olderWeekStartMs = lastWeekStartMs - 7 * DAY;
    await store.recordCommitLoc(ref, [
      { sha: 'kept', user: 'ada', weekStartMs: lastWeekStartMs, additions: 1, deletions: 0 },
      { sha: 'dropped', user: 'ada', weekStartMs: lastWeekStartMs, additions: 9, deletions: 9 },
      { sha: 'older', user: 'bob', weekStartMs: olderWeekStartMs, additions: 4, deletions: 4 },
    ]);
    // The listing covers the last complete week only: the older week's sha is not judged.
    expect(await store.pruneCommitLoc(ref, lastWeekStartMs, new Set(['kept', 'c1']))).toBe(1);
    expect(await store.hasCommitLoc(ref, ['kept', 'dropped', 'older'])).toEqual([
      true,
      false,
      true,
    ]);
    expect(await store.pruneCommitLoc(ref, lastWeekStartMs, new Set(['kept']))).toBe(0);
    await store.refreshSeries(ref, scrapedAtMs);
    expect((await store.readSeries(ref)).get('ada')).toMatchObject({
      locAddedWeekly: 1,
      locRemovedWeekly: 0,
    });
  });

  it('replaces every user of the weeks a stats answer covers, and never adds fallback lines to stats lines', async () => {
    await store.recordEvents(ref, [
      commit('c1', 'ada', HOUR),
      commit('c2', 'bob', HOUR),
      commit('c3', 'cy', HOUR),
    ]);
    await store.replaceWeeklyLoc(ref, lastWeekStartMs, [
      { user: 'ada', weekStartMs: lastWeekStartMs, additions: 10, deletions: 1 },
      { user: 'bob', weekStartMs: lastWeekStartMs, additions: 20, deletions: 2 },
    ]);
    // The fallback read cy (beyond the top 100) and ada's commit (before she entered it).
    await store.recordCommitLoc(ref, [
      { sha: 'c1', user: 'ada', weekStartMs: lastWeekStartMs, additions: 7, deletions: 7 },
      { sha: 'c3', user: 'cy', weekStartMs: lastWeekStartMs, additions: 3, deletions: 1 },
    ]);
    // The next answer no longer lists bob for that week (GitHub recomputed it).
    await store.replaceWeeklyLoc(ref, lastWeekStartMs, [
      { user: 'ada', weekStartMs: lastWeekStartMs, additions: 11, deletions: 1 },
    ]);
    await store.refreshSeries(ref, scrapedAtMs);
    const lines = [...(await store.readSeries(ref))].map(([user, activity]) => [
      user,
      activity.locAddedWeekly,
      activity.locRemovedWeekly,
    ]);
    expect(lines.sort()).toEqual([
      ['ada', 11, 1],
      ['bob', 0, 0],
      ['cy', 3, 1],
    ]);
  });

  it('rejects names that could not come from GitHub', async () => {
    await expect(
      store.recordEvents({ org: 'acme', repo: 'a:b' }, [commit('1', 'ada', 1)]),
    ).rejects.toThrow('invalid repo name for a store key: "a:b"');
  });
});
