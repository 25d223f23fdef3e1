import { waitFor } from '@gse/testing';
import { describe, expect, it } from 'vitest';

import { createMemorySemaphore, createRecordingBudget } from '../test/client-fakes.js';
import {
  FAKE_RESET_UNIX_SECONDS,
  json,
  REPO_PARAMS,
  REPO_ROUTE,
  restLimits,
  setupFakeClient as setup,
} from '../test/fake-github.js';
import { abortableSleep } from './abortable-sleep.js';
import type { BudgetWaitReport } from './github-request-report.js';
import { GitHubRequestError } from './github-errors.js';

const fleetView = (remaining: number) => ({
  limit: 5000,
  remaining,
  resetAtMs: FAKE_RESET_UNIX_SECONDS * 1000,
});
const refused = (retryInMs: number) => ({ granted: false, retryInMs, primary: undefined }) as const;

describe('request executor with the fleet budget', () => {
  it('draws each attempt’s points at its priority, sleeps as long as told, and reports the wait', async () => {
    const waits: BudgetWaitReport[] = [];
    const budget = createRecordingBudget([refused(1500), refused(700)]);
    let served = 0;
    const { client, slept } = setup(
      () => {
        served += 1;
        return served === 1
          ? json({ message: 'Server Error' }, 502, restLimits(4001))
          : json({ name: 'web' }, 200, restLimits(4000));
      },
      {
        budget: { port: budget, priority: 'background' },
        onBudgetWait: (report) => waits.push(report),
        random: () => 0.5,
      },
    );
    expect(await client.getJson(REPO_ROUTE, REPO_PARAMS)).toMatchObject({ status: 200 });
    // Two refusals (each sleep jittered by up to 100 ms), then a grant; the retry draws
    // again after its backoff: every request GitHub sees costs its points.
    expect(slept).toEqual([1550, 750, 100]);
    expect(budget.draws).toEqual(
      Array(4).fill({ resource: 'rest', priority: 'background', points: 1 }),
    );
    expect(waits).toEqual([
      {
        org: 'acme',
        installationId: 1001,
        resource: 'rest',
        priority: 'background',
        denials: 2,
        waitedMs: 2300,
      },
    ]);
    expect(budget.observed).toEqual([
      { resource: 'rest', view: fleetView(4001) },
      { resource: 'rest', view: fleetView(4000) },
    ]);
  });

  it('holds at the gate when the fleet’s view is under the floor, though this client saw plenty', async () => {
    const budget = createRecordingBudget([
      { granted: true, primary: undefined },
      { granted: true, primary: fleetView(150) },
    ]);
    const { client, slept, github } = setup(() => json({ name: 'web' }, 200, restLimits(4000)), {
      rateLimit: { minRemaining: 200, minResetBufferMs: 1000, secondaryLimitBackoffMs: 60_000 },
      budget: { port: budget, priority: 'scheduled' },
    });
    await client.getJson(REPO_ROUTE, REPO_PARAMS);
    expect(slept).toEqual([]);
    await client.getJson(REPO_ROUTE, REPO_PARAMS);
    // Another process saw 150 left: wait for the reset (+ buffer), then draw again and send.
    expect(slept).toEqual([601_000]);
    expect(budget.draws).toHaveLength(3);
    expect(github.apiRoutes()).toHaveLength(2);
  });

  it('fails at once, sending nothing, when a backfill client meets the fleet’s view under its reserve', async () => {
    const budget = createRecordingBudget([
      { granted: false, retryInMs: 10, primary: fleetView(1249) },
    ]);
    const { client, slept, github } = setup(() => json({ name: 'web' }, 200, restLimits(4000)), {
      rateLimit: {
        minRemaining: 0,
        minResetBufferMs: 1000,
        secondaryLimitBackoffMs: 60_000,
        reservedShare: 0.25,
        onPrimaryHold: 'fail',
      },
      budget: { port: budget, priority: 'background' },
      random: () => 0,
    });
    const error = await client.getJson(REPO_ROUTE, REPO_PARAMS).then(
      () => undefined,
      (failure: unknown) => failure,
    );
    expect(error).toBeInstanceOf(GitHubRequestError);
    expect(error).toMatchObject({
      retryable: true,
      attempts: 0,
      decision: { kind: 'wait-primary', resetAtMs: FAKE_RESET_UNIX_SECONDS * 1000 + 1000 },
    });
    expect(slept).toEqual([10]);
    expect(github.apiRoutes()).toEqual([]);
  });

  it('gives its slot back when the budget cannot be drawn, and sends when the primary view cannot be shared', async () => {
    const semaphore = createMemorySemaphore(1);
    const redisDown = new Error('Connection is closed.');
    let drawFails = true;
    const budget = createRecordingBudget();
    const { client, github, logger } = setup(() => json({ name: 'web' }, 200, restLimits(4000)), {
      semaphore,
      budget: {
        port: {
          tryTake: (installationId, draw) =>
            drawFails ? Promise.reject(redisDown) : budget.tryTake(installationId, draw),
          observePrimary: () => Promise.reject(redisDown),
        },
        priority: 'scheduled',
      },
    });
    await expect(client.getJson(REPO_ROUTE, REPO_PARAMS)).rejects.toBe(redisDown);
    expect(semaphore.held()).toBe(0);
    expect(github.apiRoutes()).toEqual([]);

    drawFails = false;
    expect(await client.getJson(REPO_ROUTE, REPO_PARAMS)).toMatchObject({ status: 200 });
    expect(semaphore.held()).toBe(0);
    expect(logger.lines.filter((line) => line.level === 'warn')).toEqual([
      {
        level: 'warn',
        message: "could not share GitHub's rate-limit headers with the fleet",
        context: {
          org: 'acme',
          installationId: 1001,
          resource: 'rest',
          error: 'Connection is closed.',
        },
      },
    ]);
  });

  it('stops waiting for the budget at shutdown and rejects with the shutdown reason', async () => {
    const shutdown = new AbortController();
    const budget = createRecordingBudget([refused(60_000)]);
    const { client, github } = setup(() => json({ name: 'web' }, 200, restLimits(4000)), {
      budget: { port: budget, priority: 'scheduled' },
      signal: shutdown.signal,
      sleep: abortableSleep,
    });
    const pending = client.getJson(REPO_ROUTE, REPO_PARAMS).then(
      () => undefined,
      (failure: unknown) => failure,
    );
    await waitFor(() => budget.draws.length === 1, { timeoutMs: 5000, description: 'a draw' });
    const reason = new Error('SIGTERM');
    shutdown.abort(reason);
    expect(await pending).toBe(reason);
    expect(github.apiRoutes()).toEqual([]);
  });
});
