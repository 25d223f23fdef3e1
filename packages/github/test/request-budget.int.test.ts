import type { GitHubSimulator } from '@gse/github-sim';
import { createRedisRequestBudget } from '@gse/store';
import { describe, expect, it } from 'vitest';

import type {
  BudgetWaitReport,
  GitHubClient,
  GitHubClientOptions,
  RequestBudget,
} from '../src/index.js';
import { createSharedClock, createSimClient } from './sim-client.js';
import { useTwoProcesses, type Redis } from './two-processes.js';

const REPO_ROUTE = 'GET /repos/{owner}/{repo}';
const WEB = { owner: 'acme', repo: 'web' };
/** The simulator's secondary limit: 60 REST points a minute per installation. */
const SIM_POINTS_PER_MINUTE = 60;
/**
 * The fleet's budget, below the limit as in production (800 of 900): the headroom absorbs
 * the time between a grant and the simulator counting the request, which the faster clock
 * below magnifies five times.
 */
const BUDGET_POINTS_PER_MINUTE = 50;
const REQUESTS = 80;
/**
 * The simulator's clock runs this much faster than the real one (which Redis's TIME, and so
 * the budget, follows): its 60 s secondary window passes in 12 s, and the budget's window is
 * 12 s to match.
 */
const SIM_SPEEDUP = 5;
const BUDGET_WINDOW_MS = 60_000 / SIM_SPEEDUP;

/**
 * Two clients on two Redis connections stand for two processes of the fleet, sending more
 * than a minute's worth of requests to a simulator that enforces GitHub's points per minute.
 */
describe('GitHub clients sharing the Redis request budget', () => {
  const world = useTwoProcesses();
  const { simulators } = world;

  const processOn = (
    simulator: GitHubSimulator,
    redis: Redis,
    overrides: Partial<GitHubClientOptions>,
  ) => {
    const { semaphore, tokenCache } = world.portsOn(redis, 10);
    return createSimClient(simulator, 'acme', { semaphore, tokenCache, ...overrides }).client;
  };
  const budgetOn = (redis: Redis): RequestBudget =>
    createRedisRequestBudget({
      redis,
      keyPrefix: world.fixture.keyPrefix,
      pointsPerWindow: { rest: BUDGET_POINTS_PER_MINUTE, graphql: 1800 },
      scheduledReserve: 0.25,
      windowMs: BUDGET_WINDOW_MS,
    });
  /** What acme's installation met (its counter includes the token mints). */
  const acmeRequests = (simulator: GitHubSimulator) => {
    const counter = Object.values(simulator.counters().installations).find(
      (installation) => installation.org === 'acme',
    );
    if (!counter) throw new Error('the simulator saw no request of acme');
    return { ...counter.byKind, repoReads: counter.endpoints[REPO_ROUTE]?.total };
  };
  const requestsOf = (clients: readonly [GitHubClient, GitHubClient]) =>
    Promise.allSettled(
      Array.from({ length: REQUESTS }, (_, index) =>
        clients[index % 2 === 0 ? 0 : 1].getJson(REPO_ROUTE, WEB),
      ),
    );

  it('without the budget, the same requests trip the simulator’s points-per-minute limit', async () => {
    const simulator = await simulators.start({
      limits: { restSecondaryPointsPerMinute: SIM_POINTS_PER_MINUTE },
    });
    // One attempt each, and a clock that only the clients' waits move: the first hit's hold
    // passes at once, so every request is sent exactly once inside the simulator's minute.
    const clock = createSharedClock();
    const once = {
      retry: { maxAttempts: 1, initialBackoffMs: 10, maxBackoffMs: 10, jitter: true },
      now: () => clock.nowMs,
      sleep: (ms: number) => {
        clock.nowMs += ms;
        return Promise.resolve();
      },
    };
    const outcomes = await requestsOf([
      processOn(simulator, world.fixture.redis, once),
      processOn(simulator, world.otherProcess, once),
    ]);
    expect(outcomes.filter((outcome) => outcome.status === 'rejected')).toHaveLength(
      REQUESTS - SIM_POINTS_PER_MINUTE,
    );
    expect(acmeRequests(simulator).secondaryHits).toEqual({
      concurrency: 0,
      points: REQUESTS - SIM_POINTS_PER_MINUTE,
      injected: 0,
    });
  });

  it('with it, two processes complete every request with zero secondary-limit hits', async () => {
    const startMs = Date.now();
    const simulator = await simulators.start({
      limits: { restSecondaryPointsPerMinute: SIM_POINTS_PER_MINUTE },
      now: () => startMs + (Date.now() - startMs) * SIM_SPEEDUP,
    });
    const waits: BudgetWaitReport[] = [];
    const paced = (redis: Redis) =>
      processOn(simulator, redis, {
        budget: { port: budgetOn(redis), priority: 'scheduled' },
        onBudgetWait: (report) => waits.push(report),
      });
    const outcomes = await requestsOf([paced(world.fixture.redis), paced(world.otherProcess)]);
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(REQUESTS);
    const byKind = acmeRequests(simulator);
    expect(byKind.secondaryHits).toEqual({ concurrency: 0, points: 0, injected: 0 });
    expect(byKind.repoReads).toBe(REQUESTS);
    // The first window's worth went at once; every other request waited for points to free.
    expect(waits).toHaveLength(REQUESTS - BUDGET_POINTS_PER_MINUTE);
    expect(Date.now() - startMs).toBeGreaterThanOrEqual(BUDGET_WINDOW_MS);
  });
});
