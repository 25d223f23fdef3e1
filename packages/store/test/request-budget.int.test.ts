import { setTimeout as sleep } from 'node:timers/promises';

import { createRedisFixture, waitFor, type RedisFixture } from '@gse/testing';
import type { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import {
  createRedisRequestBudget,
  createStoreKeys,
  type RedisRequestBudget,
  type RedisRequestBudgetOptions,
  type RequestBudgetDraw,
} from '../src/index.js';

// Shorter than GitHub's minute so the tests see windows pass; the scripts take it as given.
const WINDOW_MS = 1500;
const INSTALLATION = 1001;

describe('Redis request budget', () => {
  let fixture: RedisFixture;
  let otherProcess: Redis;

  const budgetOn = (redis: Redis, options: Partial<RedisRequestBudgetOptions> = {}) =>
    createRedisRequestBudget({
      redis,
      keyPrefix: fixture.keyPrefix,
      pointsPerWindow: { rest: 20, graphql: 40 },
      scheduledReserve: 0.25,
      windowMs: WINDOW_MS,
      ...options,
    });
  const keys = () => createStoreKeys(fixture.keyPrefix);
  const loggedPoints = async (): Promise<number> =>
    (await budgetOn(fixture.redis).readUsage(INSTALLATION, 'rest')).usedPoints;
  const keysUnderPrefix = () => fixture.redis.keys(`${fixture.keyPrefix}*`);
  const rest = (priority: 'scheduled' | 'background', points = 1) =>
    ({ resource: 'rest', priority, points }) as const;
  /** What a client does: draw, and while refused sleep as long as the budget says. */
  const takeWaiting = async (budget: RedisRequestBudget, draw: RequestBudgetDraw) => {
    for (let sleeps = 0; ; sleeps++) {
      const answer = await budget.tryTake(INSTALLATION, draw);
      if (answer.granted) return sleeps;
      await sleep(answer.retryInMs);
    }
  };

  beforeEach(async () => {
    fixture = await createRedisFixture();
    otherProcess = fixture.redis.duplicate();
  });
  afterEach(async () => {
    await otherProcess.quit();
    await fixture.cleanup();
  });

  it('grants two processes drawing at once exactly the window’s points, the rest as it frees', async () => {
    const processes = [budgetOn(fixture.redis), budgetOn(otherProcess)] as const;
    const budgetOf = (index: number) => processes[index % 2 === 0 ? 0 : 1];
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, index) =>
        budgetOf(index).tryTake(INSTALLATION, rest('scheduled')),
      ),
    );
    expect(answers.filter((answer) => answer.granted)).toHaveLength(20);
    const refused = answers.flatMap((answer) => (answer.granted ? [] : [answer.retryInMs]));
    expect(refused).toHaveLength(10);
    expect(refused.every((retryInMs) => retryInMs > 0 && retryInMs <= WINDOW_MS)).toBe(true);
    expect(await loggedPoints()).toBe(20);

    // Then 30 more draws, each waiting as told, while a third connection watches the window.
    const drawn = new AbortController();
    let peakPoints = 0;
    const watching = (async () => {
      const watcher = budgetOn(fixture.redis);
      while (!drawn.signal.aborted) {
        const { usedPoints } = await watcher.readUsage(INSTALLATION, 'rest');
        peakPoints = Math.max(peakPoints, usedPoints);
      }
    })();
    const sleeps = await Promise.all(
      Array.from({ length: 30 }, (_, index) => takeWaiting(budgetOf(index), rest('scheduled'))),
    );
    drawn.abort();
    await watching;
    expect(sleeps.every((count) => count >= 1)).toBe(true);
    expect(peakPoints).toBe(20);
  });

  it('keeps the reserve for scheduled draws: background is refused while scheduled keeps taking', async () => {
    const scheduler = budgetOn(fixture.redis);
    const backfill = budgetOn(otherProcess);
    // 25 % of 20 is reserved: background draws stop at 15 points.
    for (let taken = 0; taken < 15; taken++) {
      expect(await backfill.tryTake(INSTALLATION, rest('background'))).toEqual({
        granted: true,
        primary: undefined,
      });
    }
    expect(await backfill.tryTake(INSTALLATION, rest('background'))).toMatchObject({
      granted: false,
    });
    // The schedule still has the reserve.
    for (let taken = 0; taken < 5; taken++) {
      expect((await scheduler.tryTake(INSTALLATION, rest('scheduled'))).granted).toBe(true);
    }
    expect((await scheduler.tryTake(INSTALLATION, rest('scheduled'))).granted).toBe(false);
    expect(await loggedPoints()).toBe(20);
  });

  it('tells a refused draw when the window frees: one sleep of that long, then granted', async () => {
    const budget = budgetOn(fixture.redis);
    await budget.tryTake(INSTALLATION, rest('scheduled', 20));
    const refused = await budget.tryTake(INSTALLATION, rest('scheduled', 5));
    if (refused.granted) throw new Error('expected a refusal');
    expect(refused.retryInMs).toBeGreaterThan(WINDOW_MS - 200);
    expect(refused.retryInMs).toBeLessThanOrEqual(WINDOW_MS);
    await sleep(refused.retryInMs);
    expect((await budget.tryTake(INSTALLATION, rest('scheduled', 5))).granted).toBe(true);
    expect(await loggedPoints()).toBe(5);
  });

  it('counts points, not draws, and each resource apart', async () => {
    const budget = budgetOn(fixture.redis);
    await budget.tryTake(INSTALLATION, rest('scheduled', 17));
    expect((await budget.tryTake(INSTALLATION, rest('scheduled', 3))).granted).toBe(true);
    expect((await budget.tryTake(INSTALLATION, rest('scheduled', 1))).granted).toBe(false);
    expect(await budget.readUsage(INSTALLATION, 'rest')).toEqual({
      usedPoints: 20,
      pointsPerWindow: 20,
      primary: undefined,
    });
    const graphql = { resource: 'graphql', priority: 'scheduled', points: 5 } as const;
    expect((await budget.tryTake(INSTALLATION, graphql)).granted).toBe(true);
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
    expect(await budget.tryTake(INSTALLATION, rest('scheduled'))).toEqual({
      granted: true,
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
    await budget.tryTake(INSTALLATION, rest('scheduled', 3));
    await budget.observePrimary(INSTALLATION, 'rest', {
      limit: 5000,
      remaining: 10,
      resetAtMs: Date.now() + 200,
    });
    expect((await keysUnderPrefix()).sort()).toEqual(
      [
        keys().installationBudgetLog(INSTALLATION, 'rest'),
        keys().installationPrimaryView(INSTALLATION, 'rest'),
      ].sort(),
    );
    await waitFor(async () => (await keysUnderPrefix()).length === 0, {
      timeoutMs: WINDOW_MS * 4,
      description: 'every budget key to expire',
    });
  });

  it('counts what the log holds, whatever became of the other keys (evicted, expired)', async () => {
    const budget = budgetOn(fixture.redis);
    await budget.tryTake(INSTALLATION, rest('scheduled', 20));
    const log = keys().installationBudgetLog(INSTALLATION, 'rest');
    const others = (await keysUnderPrefix()).filter((key) => key !== log);
    if (others.length > 0) await fixture.redis.del(...others);
    expect(await budget.tryTake(INSTALLATION, rest('scheduled'))).toMatchObject({ granted: false });
    expect(await loggedPoints()).toBe(20);
    // And a log gone with its points (evicted) is a window with none: no refusal for ever.
    await fixture.redis.del(log);
    expect(await budget.tryTake(INSTALLATION, rest('scheduled', 20))).toMatchObject({
      granted: true,
    });
  });

  it('refuses a draw that could never fit its priority’s share', async () => {
    const budget = budgetOn(fixture.redis);
    await expect(budget.tryTake(INSTALLATION, rest('background', 16))).rejects.toThrow(
      'a background rest draw may take 1 to 15 points, got 16',
    );
    expect(() => budgetOn(fixture.redis, { scheduledReserve: 1 })).toThrow(
      'scheduledReserve must be in [0, 1), got 1',
    );
  });
});
