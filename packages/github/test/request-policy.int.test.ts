import type { SimDataset } from '@gse/github-sim';
import { waitFor } from '@gse/testing';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';

import { GitHubRequestError } from '../src/index.js';
import {
  createSharedClock,
  createSimClient,
  createSimulatorPool,
  simDataset,
} from './sim-client.js';

const REPO_ROUTE = 'GET /repos/{owner}/{repo}';
const REPO_ENDPOINT = 'GET /repos/{owner}/{repo}';
const WEB = { owner: 'acme', repo: 'web' };
const WINDOW_MS = 60_000;
const BUFFER_MS = 1000;

describe('request policy against the simulator', () => {
  let dataset: SimDataset;
  const simulators = createSimulatorPool(() => dataset);

  beforeAll(() => {
    dataset = simDataset();
  });
  afterEach(async () => {
    await simulators.stopAll();
  });

  const repoCounter = (simulator: Awaited<ReturnType<typeof simulators.start>>) =>
    simulator.counters().installations['1001']?.endpoints[REPO_ENDPOINT];

  it('retries a 5xx burst with jittered exponential backoff, then succeeds', async () => {
    const clock = createSharedClock();
    const simulator = await simulators.start({ now: () => clock.nowMs });
    simulator.injectErrors({ endpoint: REPO_ENDPOINT, status: 502, count: 3 });
    const { client } = createSimClient(simulator, 'acme', { clock, random: () => 0.5 });
    expect(await client.getJson(REPO_ROUTE, WEB)).toMatchObject({ status: 200 });
    expect(repoCounter(simulator)?.byStatus).toEqual({ '200': 1, '502': 3 });
    // initial 10 ms doubling, each at three quarters of its step with random() = 0.5
    expect(clock.slept).toEqual([8, 15, 30]);
  });

  it('gives up on a burst longer than retry.max_attempts with a retryable error', async () => {
    const simulator = await simulators.start();
    simulator.injectErrors({ endpoint: REPO_ENDPOINT, status: 503, count: 10 });
    const { client } = createSimClient(simulator, 'acme', { clock: createSharedClock() });
    const error: unknown = await client.getJson(REPO_ROUTE, WEB).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(GitHubRequestError);
    expect(error).toMatchObject({ status: 503, attempts: 4, retryable: true });
    expect(repoCounter(simulator)?.byStatus).toEqual({ '503': 4 });
  });

  it('waits out a secondary limit for its retry-after, then succeeds', async () => {
    const clock = createSharedClock();
    const simulator = await simulators.start({ now: () => clock.nowMs });
    simulator.injectSecondaryLimit({ endpoint: REPO_ENDPOINT, count: 1, retryAfterSeconds: 3 });
    const { client, logLines } = createSimClient(simulator, 'acme', { clock });
    expect(await client.getJson(REPO_ROUTE, WEB)).toMatchObject({ status: 200 });
    expect(clock.slept).toEqual([3000]);
    expect(repoCounter(simulator)?.byStatus).toEqual({ '200': 1, '403': 1 });
    expect(logLines.map((line) => [line.message, line.context?.['hold']])).toEqual([
      ['holding GitHub requests for the rate limit', 'secondary'],
    ]);
  });

  it('holds requests at primary exhaustion until the reset, then completes, without a 403', async () => {
    const clock = createSharedClock();
    const simulator = await simulators.start({
      now: () => clock.nowMs,
      limits: { restPrimaryPerHour: 3 },
      primaryWindowMs: WINDOW_MS,
    });
    const { client, reports } = createSimClient(simulator, 'acme', { clock });
    for (let request = 0; request < 3; request++) await client.getJson(REPO_ROUTE, WEB);
    expect(reports.at(-1)?.rateLimitRemaining).toBe(0);
    expect(await client.getJson(REPO_ROUTE, WEB)).toMatchObject({ status: 200 });
    // The window opened with the first request, and the clock has not moved since.
    expect(clock.slept).toEqual([WINDOW_MS + BUFFER_MS]);
    expect(repoCounter(simulator)?.byStatus).toEqual({ '200': 4 });
  });

  it('waits until the reset after a 403 for a budget another process drained, then completes', async () => {
    const clock = createSharedClock();
    const simulator = await simulators.start({
      now: () => clock.nowMs,
      primaryWindowMs: WINDOW_MS,
    });
    const { client, reports } = createSimClient(simulator, 'acme', { clock });
    await client.getJson(REPO_ROUTE, WEB);
    const state = simulator.setRateLimitRemaining(1001, 0);
    clock.nowMs += 5000;
    const sentAtMs = clock.nowMs;
    expect(await client.getJson(REPO_ROUTE, WEB)).toMatchObject({ status: 200 });
    expect(repoCounter(simulator)?.byStatus).toEqual({ '200': 2, '403': 1 });
    expect(reports.filter((report) => report.status === 403)).toMatchObject([
      { rateLimitRemaining: 0, rateLimitResetUnixSeconds: state.resetUnixSeconds },
    ]);
    expect(clock.slept).toEqual([state.resetUnixSeconds * 1000 + BUFFER_MS - sentAtMs]);
  });

  it('stops a rate-limit wait at shutdown and rejects with the shutdown reason', async () => {
    const simulator = await simulators.start();
    simulator.injectSecondaryLimit({ endpoint: REPO_ENDPOINT, count: 1, retryAfterSeconds: 60 });
    const shutdown = new AbortController();
    const { client, logLines } = createSimClient(simulator, 'acme', { signal: shutdown.signal });
    const startedMs = Date.now();
    const pending = client.getJson(REPO_ROUTE, WEB).catch((caught: unknown) => caught);
    await waitFor(() => logLines.some((line) => line.context?.['waitMs'] !== undefined), {
      timeoutMs: 5000,
      description: 'the client to start waiting out the secondary limit',
    });
    const reason = new Error('SIGTERM');
    shutdown.abort(reason);
    expect(await pending).toBe(reason);
    expect(Date.now() - startedMs).toBeLessThan(5000);
    expect(repoCounter(simulator)?.byStatus).toEqual({ '403': 1 });
  });
});
