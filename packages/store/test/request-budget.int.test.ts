import { setMaxListeners } from 'node:events';

import { createRedisFixture, waitFor, type RedisFixture } from '@gse/testing';
import type { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import {
  createRedisRequestBudget,
  createStoreKeys,
  type RedisRequestBudgetOptions,
  type RequestBudgetGrant,
} from '../src/index.js';

// Shorter than GitHub's minute so the tests see windows pass; the scripts take it as given.
const WINDOW_MS = 1500;
const INSTALLATION = 1001;

describe('Redis request budget', () => {
  let fixture: RedisFixture;
  let otherProcess: Redis;
  // Never aborts; shared by many waiters, as a service's shutdown signal is.
  const never = new AbortController().signal;
  setMaxListeners(0, never);

  const budgetOn = (redis: Redis, options: Partial<RedisRequestBudgetOptions> = {}) =>
    createRedisRequestBudget({
      redis,
      keyPrefix: fixture.keyPrefix,
      pointsPerWindow: { rest: 20, graphql: 40 },
      scheduledReserve: 0.25,
      windowMs: WINDOW_MS,
      jitterMs: 10,
      ...options,
    });
  const keys = () => createStoreKeys(fixture.keyPrefix);
  const loggedPoints = async (): Promise<number> =>
    Number(await fixture.redis.hget(keys().installationBudgetTotal(INSTALLATION, 'rest'), 'used'));
  const keysUnderPrefix = () => fixture.redis.keys(`${fixture.keyPrefix}*`);
  const rest = (priority: 'scheduled' | 'background', points = 1) =>
    ({ resource: 'rest', priority, points }) as const;

  beforeEach(async () => {
    fixture = await createRedisFixture();
    otherProcess = fixture.redis.duplicate();
  });
  afterEach(async () => {
    await otherProcess.quit();
    await fixture.cleanup();
  });

  it('grants two processes drawing at once exactly the window’s points, the rest as it frees', async () => {
    const budgets = [budgetOn(fixture.redis), budgetOn(otherProcess)];
    const grants: RequestBudgetGrant[] = [];
    const drawn = new AbortController();
    let peakPoints = 0;
    // A third connection watches the window the whole time: it never holds more than 20.
    const watching = (async () => {
      const watcher = budgetOn(fixture.redis);
      while (!drawn.signal.aborted) {
        peakPoints = Math.max(
          peakPoints,
          (await watcher.readUsage(INSTALLATION, 'rest')).usedPoints,
        );
      }
    })();
    const all = Promise.all(
      Array.from({ length: 30 }, async (_, index) => {
        const budget = budgets[index % 2];
        if (!budget) throw new Error('two budgets');
        grants.push(await budget.take(INSTALLATION, rest('scheduled'), never));
      }),
    );
    await waitFor(() => grants.length === 20, { timeoutMs: 5000, description: '20 grants' });
    // The window holds its 20 points; the other 10 draws sleep until the first ones leave.
    expect(await loggedPoints()).toBe(20);
    expect(grants.length).toBe(20);
    expect(grants.filter((grant) => grant.denials === 0).length).toBe(20);
    await all;
    drawn.abort();
    await watching;
    expect(grants.slice(20).every((grant) => grant.denials >= 1)).toBe(true);
    expect(peakPoints).toBe(20);
  });

  it('keeps the reserve for scheduled draws: background waits while scheduled keeps taking', async () => {
    const scheduler = budgetOn(fixture.redis);
    const backfill = budgetOn(otherProcess);
    // 25 % of 20 is reserved: background draws stop at 15 points.
    for (let taken = 0; taken < 15; taken++) {
      expect(await backfill.take(INSTALLATION, rest('background'), never)).toEqual({
        denials: 0,
        primary: undefined,
      });
    }
    let background: 'waiting' | 'granted' = 'waiting';
    const waiting = backfill.take(INSTALLATION, rest('background'), never).then((grant) => {
      background = 'granted';
      return grant;
    });
    // The schedule still has the reserve, at once.
    for (let taken = 0; taken < 5; taken++) {
      expect((await scheduler.take(INSTALLATION, rest('scheduled'), never)).denials).toBe(0);
    }
    expect(background).toBe('waiting');
    expect(await loggedPoints()).toBe(20);
    expect((await waiting).denials).toBe(1);
  });

  it('wakes a waiting draw once the window frees, after one sleep (no polling)', async () => {
    const budget = budgetOn(fixture.redis);
    const startedMs = Date.now();
    await budget.take(INSTALLATION, rest('scheduled', 20), never);
    const grant = await budget.take(INSTALLATION, rest('scheduled', 5), never);
    const waitedMs = Date.now() - startedMs;
    expect(grant.denials).toBe(1);
    expect(waitedMs).toBeGreaterThanOrEqual(WINDOW_MS);
    expect(waitedMs).toBeLessThan(WINDOW_MS + 500);
    expect(await loggedPoints()).toBe(5);
  });

  it('counts points, not draws: a 5-point draw waits for 5 points to leave', async () => {
    const budget = budgetOn(fixture.redis);
    await budget.take(INSTALLATION, rest('scheduled', 17), never);
    expect((await budget.take(INSTALLATION, rest('scheduled', 3), never)).denials).toBe(0);
    const usage = await budget.readUsage(INSTALLATION, 'rest');
    expect(usage).toEqual({ usedPoints: 20, pointsPerWindow: 20, primary: undefined });
    // GraphQL has a budget of its own.
    expect(
      (
        await budget.take(
          INSTALLATION,
          { resource: 'graphql', priority: 'scheduled', points: 5 },
          never,
        )
      ).denials,
    ).toBe(0);
    expect(await budget.readUsage(INSTALLATION, 'graphql')).toMatchObject({
      usedPoints: 5,
      pointsPerWindow: 40,
    });
  });

  it('shares the newest primary view: a later reset replaces it, a lower remaining in the same window wins', async () => {
    const budget = budgetOn(fixture.redis);
    const resetAtMs = Date.now() + 60_000;
    await budgetOn(otherProcess).observePrimary(INSTALLATION, 'rest', {
      limit: 5000,
      remaining: 300,
      resetAtMs,
    });
    await budget.observePrimary(INSTALLATION, 'rest', { limit: 5000, remaining: 450, resetAtMs });
    await budget.observePrimary(INSTALLATION, 'rest', {
      limit: 5000,
      remaining: 4900,
      resetAtMs: resetAtMs - 3_600_000,
    });
    expect(await budget.take(INSTALLATION, rest('scheduled'), never)).toEqual({
      denials: 0,
      primary: { limit: 5000, remaining: 300, resetAtMs },
    });
    await budget.observePrimary(INSTALLATION, 'rest', {
      limit: 5000,
      remaining: 4999,
      resetAtMs: resetAtMs + 3_600_000,
    });
    expect((await budget.readUsage(INSTALLATION, 'rest')).primary).toEqual({
      limit: 5000,
      remaining: 4999,
      resetAtMs: resetAtMs + 3_600_000,
    });
    // GraphQL's primary window is its own.
    expect((await budget.readUsage(INSTALLATION, 'graphql')).primary).toBeUndefined();
  });

  it('leaves no key behind once the window and the primary view have passed', async () => {
    const budget = budgetOn(fixture.redis);
    await budget.take(INSTALLATION, rest('scheduled', 3), never);
    await budget.observePrimary(INSTALLATION, 'rest', {
      limit: 5000,
      remaining: 10,
      resetAtMs: Date.now() + 200,
    });
    expect((await keysUnderPrefix()).sort()).toEqual(
      [
        keys().installationBudgetLog(INSTALLATION, 'rest'),
        keys().installationBudgetTotal(INSTALLATION, 'rest'),
        keys().installationPrimaryView(INSTALLATION, 'rest'),
      ].sort(),
    );
    await waitFor(async () => (await keysUnderPrefix()).length === 0, {
      timeoutMs: WINDOW_MS * 4,
      description: 'every budget key to expire',
    });
  });

  it('stops waiting when the signal aborts, taking nothing', async () => {
    const budget = budgetOn(fixture.redis);
    await budget.take(INSTALLATION, rest('scheduled', 20), never);
    const shutdown = new AbortController();
    const waiting = budget.take(INSTALLATION, rest('scheduled'), shutdown.signal);
    const reason = new Error('SIGTERM');
    shutdown.abort(reason);
    await expect(waiting).rejects.toBe(reason);
    expect(await loggedPoints()).toBe(20);
  });

  it('refuses a draw that could never fit its priority’s share', async () => {
    const budget = budgetOn(fixture.redis);
    await expect(budget.take(INSTALLATION, rest('background', 16), never)).rejects.toThrow(
      'a background rest draw may take 1 to 15 points, got 16',
    );
    expect(() => budgetOn(fixture.redis, { scheduledReserve: 1 })).toThrow(
      'scheduledReserve must be in [0, 1), got 1',
    );
  });
});
