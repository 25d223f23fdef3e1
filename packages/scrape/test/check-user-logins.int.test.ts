import { createStoreKeys, createUserLoginChecks } from '@gse/store';
import { describe, expect, it } from 'vitest';

import { checkUserLogins } from '../src/check-user-logins.js';
import { createScrapeFixture } from './scrape-fixture.js';

const HOUR = 3_600_000;
const USER_ENDPOINT = 'GET /user/{account_id}';

describe('checkUserLogins: a rename no read shows', () => {
  it('looks each unconfirmed id up once an interval, records the new login without moving its sighting, and spreads the checks', async () => {
    const world = await createScrapeFixture();
    try {
      await world.scrapeAll();
      const { redis, keyPrefix } = world.redis;
      const keys = createStoreKeys(keyPrefix);
      const seen = new Map<number, number>();
      const seenAt = await redis.zrange(keys.userLoginSeenAt, '0', '-1', 'WITHSCORES');
      for (let index = 0; index < seenAt.length; index += 2) {
        seen.set(Number(seenAt[index]), Number(seenAt[index + 1]));
      }
      const carol = world.dataset.users.find((user) => user.login === 'carol');
      if (!carol) throw new Error('the standard dataset has carol');
      expect(await redis.hget(keys.userLogins, String(carol.id))).toBe('carol');
      world.simulator.renameUser('carol', 'carol-renamed');
      // Ids of logins the dataset does not list (stand-ins) are unknown to GitHub: 404.
      const known = new Set(world.dataset.users.map((user) => user.id));
      const gone = [...seen.keys()].filter((id) => !known.has(id)).length;

      const checks = createUserLoginChecks({ redis, keyPrefix });
      const signal = new AbortController().signal;
      const check = (nowMs: number, cycleIntervalMs: number) =>
        checkUserLogins({
          client: world.client('acme'),
          checks,
          nowMs,
          intervalMs: HOUR,
          cycleIntervalMs,
          signal,
        });
      world.simulator.resetCounters();
      // Half an hour on: only the ids last seen more than an hour before (a noreply commit
      // email's login is dated at its commit) are due.
      const halfHour = world.nowMs + HOUR / 2;
      const early = [...seen.values()].filter((atMs) => atMs <= halfHour - HOUR).length;
      const first = await check(halfHour, HOUR);
      expect(first.checked).toBe(early);
      // An hour later, at a 5-minute cycle: ceil(2 × ids / 12) this cycle.
      const second = await check(world.nowMs + HOUR + 1, HOUR / 12);
      expect(second.checked).toBe(Math.ceil((2 * seen.size) / 12));
      // The rest in one cycle as long as the interval (cap: twice them all).
      const third = await check(world.nowMs + HOUR + 2, HOUR);
      const runs = [first, second, third];
      const sum = (field: 'checked' | 'renamed' | 'gone'): number =>
        runs.reduce((total, run) => total + run[field], 0);
      expect(sum('checked')).toBe(seen.size);
      expect(sum('renamed')).toBe(1);
      expect(sum('gone')).toBe(gone);
      expect(world.simulator.counters().endpoints[USER_ENDPOINT]?.counted).toBe(seen.size);

      expect(await redis.hget(keys.userLogins, String(carol.id))).toBe('carol-renamed');
      // The sighting keeps its time: retention GC forgets by it.
      expect(Number(await redis.zscore(keys.userLoginSeenAt, String(carol.id)))).toBe(
        seen.get(carol.id),
      );
      // Claimed ids wait a whole interval again.
      expect((await check(world.nowMs + HOUR + 3, HOUR)).checked).toBe(0);
      expect((await check(world.nowMs + 2 * HOUR + 3, HOUR)).checked).toBe(seen.size);
    } finally {
      await world.close();
    }
  });
});
