import { Octokit, type RequestError } from 'octokit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { GitHubSimulator, SimDataset } from '../src/index.js';
import {
  getWithToken,
  installationOctokit,
  mintToken,
  standardDataset,
  startSimulator,
} from './sim-fixture.js';

const WINDOW_MS = 60_000;

describe('rate limits', () => {
  let dataset: SimDataset;
  const simulators: GitHubSimulator[] = [];
  let clockMs = Date.now();
  const start = async (options: Parameters<typeof startSimulator>[0]): Promise<GitHubSimulator> => {
    const simulator = await startSimulator({ dataset, now: () => clockMs, ...options });
    simulators.push(simulator);
    return simulator;
  };

  beforeAll(() => {
    dataset = standardDataset();
  });
  afterAll(async () => {
    await Promise.all(simulators.map((simulator) => simulator.stop()));
  });

  it('exhausts the primary limit per installation, answers 403 until the reset, then serves again', async () => {
    clockMs = Date.now();
    const simulator = await start({
      limits: { restPrimaryPerHour: 3 },
      primaryWindowMs: WINDOW_MS,
    });
    const token = await mintToken(simulator, 'acme');
    const resetSeconds = String(Math.ceil((clockMs + WINDOW_MS) / 1000));
    for (const used of [1, 2, 3]) {
      const response = await getWithToken(simulator, '/repos/acme/web', token);
      expect(response.status).toBe(200);
      expect(
        Object.fromEntries(
          [...response.headers].filter(([name]) => name.startsWith('x-ratelimit')),
        ),
      ).toEqual({
        'x-ratelimit-limit': '3',
        'x-ratelimit-remaining': String(3 - used),
        'x-ratelimit-used': String(used),
        'x-ratelimit-reset': resetSeconds,
        'x-ratelimit-resource': 'core',
      });
    }
    const exhausted = await getWithToken(simulator, '/repos/acme/web', token);
    expect(exhausted.status).toBe(403);
    expect(exhausted.headers.get('x-ratelimit-remaining')).toBe('0');
    expect((exhausted.body as { message: string }).message).toMatch(
      /^API rate limit exceeded for installation ID 1001\./,
    );
    // Another installation has its own budget; /rate_limit costs nothing.
    const globex = await mintToken(simulator, 'globex');
    expect((await getWithToken(simulator, '/repos/globex/storefront', globex)).status).toBe(200);
    const rateLimit = await getWithToken(simulator, '/rate_limit', token);
    expect(rateLimit.body).toMatchObject({ rate: { limit: 3, used: 3, remaining: 0 } });

    clockMs += WINDOW_MS - 1;
    expect((await getWithToken(simulator, '/repos/acme/web', token)).status).toBe(403);
    clockMs += 1;
    const afterReset = await getWithToken(simulator, '/repos/acme/web', token);
    expect(afterReset.status).toBe(200);
    expect(afterReset.headers.get('x-ratelimit-remaining')).toBe('2');
    expect(
      simulator.counters().installations['1001']?.endpoints['GET /repos/{owner}/{repo}'],
    ).toEqual({
      total: 6,
      counted: 4,
      notModified: 0,
      byStatus: { '200': 4, '403': 2 },
    });
  });

  it('answers 429 when configured to, and octokit throttling sees a primary limit', async () => {
    clockMs = Date.now();
    const simulator = await start({
      limits: { restPrimaryPerHour: 1, restPrimaryStatus: 429 },
      primaryWindowMs: WINDOW_MS,
    });
    const seen: number[] = [];
    const octokit = await installationOctokit(
      simulator,
      'acme',
      Octokit.defaults({
        baseUrl: simulator.url,
        retry: { enabled: false },
        throttle: {
          onRateLimit: (retryAfter: number) => {
            seen.push(retryAfter);
            return false;
          },
          onSecondaryRateLimit: () => {
            throw new Error('a primary limit was taken for a secondary one');
          },
        },
      }),
    );
    await octokit.request('GET /repos/{owner}/{repo}', { owner: 'acme', repo: 'web' });
    const error = await octokit
      .request('GET /repos/{owner}/{repo}', { owner: 'acme', repo: 'web' })
      .catch((caught: unknown) => caught);
    expect((error as RequestError).status).toBe(429);
    // octokit derives the wait from x-ratelimit-reset and its own clock: about one window.
    expect(seen).toHaveLength(1);
    expect(seen[0]).toBeGreaterThanOrEqual(WINDOW_MS / 1000 - 5);
    expect(seen[0]).toBeLessThanOrEqual(WINDOW_MS / 1000 + 2);
  });

  it('lets a control call set what is left of a window', async () => {
    clockMs = Date.now();
    const simulator = await start({});
    const token = await mintToken(simulator, 'acme');
    expect(simulator.setRateLimitRemaining(1001, 1)).toMatchObject({
      limit: 5000,
      remaining: 1,
      used: 4999,
    });
    expect((await getWithToken(simulator, '/repos/acme/web', token)).status).toBe(200);
    expect((await getWithToken(simulator, '/repos/acme/web', token)).status).toBe(403);
  });

  it('serves 304 for free, with the ETag of the token that got it', async () => {
    clockMs = Date.now();
    const simulator = await start({});
    const token = await mintToken(simulator, 'acme');
    const first = await getWithToken(simulator, '/repos/acme/web/pulls?state=all', token);
    const etag = first.headers.get('etag') ?? '';
    const remaining = first.headers.get('x-ratelimit-remaining');
    for (const candidate of [etag, etag.replace(/^W\//, ''), `"other", ${etag}`]) {
      const again = await getWithToken(simulator, '/repos/acme/web/pulls?state=all', token, {
        'if-none-match': candidate,
      });
      expect(again.status).toBe(304);
      expect(again.body).toBeUndefined();
      expect(again.headers.get('etag')).toBe(etag);
      expect(again.headers.get('x-ratelimit-remaining')).toBe(remaining);
    }
    // Same data, another token (the same installation): another ETag, so no 304.
    const other = await mintToken(simulator, 'acme');
    const missed = await getWithToken(simulator, '/repos/acme/web/pulls?state=all', other, {
      'if-none-match': etag,
    });
    expect(missed.status).toBe(200);
    expect(missed.body).toEqual(first.body);
    expect(simulator.counters().endpoints['GET /repos/{owner}/{repo}/pulls']).toEqual({
      total: 5,
      counted: 2,
      notModified: 3,
      byStatus: { '200': 2, '304': 3 },
    });
  });
});

describe('secondary rate limits', () => {
  let simulator: GitHubSimulator;
  let token: string;

  beforeAll(async () => {
    simulator = await startSimulator({
      limits: { maxConcurrent: 3, concurrencyRetryAfterSeconds: 7 },
    });
    token = await mintToken(simulator, 'acme');
  });
  afterAll(async () => {
    await simulator.stop();
  });

  it('refuses requests beyond the concurrency limit of an installation, and records the peak', async () => {
    simulator.resetCounters();
    simulator.injectLatency({ ms: 300, endpoint: 'GET /repos/{owner}/{repo}' });
    // Four at once: three are held by the latency, the fourth makes four in flight.
    const responses = await Promise.all(
      Array.from({ length: 4 }, () => getWithToken(simulator, '/repos/acme/web', token)),
    );
    simulator.clearFaults();
    const refused = responses.filter((response) => response.status === 403);
    expect(responses.map((response) => response.status).sort()).toEqual([200, 200, 200, 403]);
    for (const response of refused) {
      expect(response.headers.get('retry-after')).toBe('7');
      expect((response.body as { message: string }).message).toMatch(
        /^You have exceeded a secondary rate limit/,
      );
    }
    expect(simulator.counters().installations['1001']).toMatchObject({
      peakConcurrency: 4,
      counted: 3,
      byStatus: { '200': 3, '403': 1 },
    });
  });

  it('injects the next N secondary limits, and octokit throttling recognises them', async () => {
    simulator.injectSecondaryLimit({
      count: 2,
      status: 429,
      retryAfterSeconds: 30,
      org: 'acme',
      endpoint: 'GET /repos/{owner}/{repo}',
    });
    const first = await getWithToken(simulator, '/repos/acme/web', token);
    expect(first.status).toBe(429);
    expect(first.headers.get('retry-after')).toBe('30');

    const seen: number[] = [];
    const octokit = await installationOctokit(
      simulator,
      'acme',
      Octokit.defaults({
        baseUrl: simulator.url,
        retry: { enabled: false },
        throttle: {
          onRateLimit: () => false,
          onSecondaryRateLimit: (retryAfter: number) => {
            seen.push(retryAfter);
            return false;
          },
        },
      }),
    );
    const error = await octokit
      .request('GET /repos/{owner}/{repo}', { owner: 'acme', repo: 'web' })
      .catch((caught: unknown) => caught);
    expect((error as RequestError).status).toBe(429);
    expect(seen).toEqual([30]);
    expect((await getWithToken(simulator, '/repos/acme/web', token)).status).toBe(200);
  });
});
