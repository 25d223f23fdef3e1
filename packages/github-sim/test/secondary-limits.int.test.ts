import { Octokit, RequestError } from 'octokit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createGitHubSimulator, type GitHubSimulator, type SimDataset } from '../src/index.js';
import { GITHUB_DOCUMENTED_LIMITS } from './github-documented-limits.js';
import {
  callControl,
  installationOctokit,
  standardDataset,
  startSimulator,
} from './sim-fixture.js';

const ACME = 1001;
const MINUTE_MS = 60_000;

/** The status octokit ended with: its response's, or the `RequestError`'s (304s included). */
async function statusOf(request: Promise<{ status: number }>): Promise<number> {
  try {
    return (await request).status;
  } catch (error) {
    if (error instanceof RequestError) return error.status;
    throw error;
  }
}

async function refusalOf(request: Promise<unknown>): Promise<RequestError> {
  const error = await request.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof RequestError)) throw new Error(`expected a refusal; got ${String(error)}`);
  return error;
}

describe('REST secondary points limit', () => {
  let dataset: SimDataset;
  const simulators: GitHubSimulator[] = [];
  let clockMs = Date.now();
  const start = async (options: Parameters<typeof startSimulator>[0]): Promise<GitHubSimulator> => {
    const simulator = await startSimulator({ dataset, now: () => clockMs, ...options });
    simulators.push(simulator);
    return simulator;
  };
  const repo = { owner: 'acme', repo: 'web' };

  beforeAll(() => {
    dataset = standardDataset();
  });
  afterAll(async () => {
    await Promise.all(simulators.map((simulator) => simulator.stop()));
  });

  it('charges every request its points, 304s and 404s included, and refuses past the minute with 403 and retry-after until the window ends', async () => {
    clockMs = Date.now();
    const simulator = await start({ limits: { restSecondaryPointsPerMinute: 12 } });
    const octokit = await installationOctokit(simulator, 'acme');
    const windowOpenedMs = clockMs;

    const first = await octokit.request('GET /repos/{owner}/{repo}', repo);
    const etag = first.headers.etag ?? '';
    const conditional = { ...repo, headers: { 'if-none-match': etag } };
    for (let i = 0; i < 3; i++) {
      expect(await statusOf(octokit.request('GET /repos/{owner}/{repo}', conditional))).toBe(304);
    }
    // A write the simulator does not serve still reaches GitHub's front end: 5 points.
    expect(
      await statusOf(octokit.request('POST /repos/{owner}/{repo}/issues', { ...repo, title: 'x' })),
    ).toBe(404);
    expect(await statusOf(octokit.request('GET /repos/{owner}/{repo}', repo))).toBe(200);
    expect(await statusOf(octokit.request('GET /repos/{owner}/{repo}', conditional))).toBe(304);
    expect(simulator.limits().installations[String(ACME)]?.restSecondary).toMatchObject({
      limit: 12,
      used: 11,
      remaining: 1,
    });

    clockMs += 20_000;
    // 1 point left: a 5-point POST is refused, a 1-point GET still fits, the next GET not.
    const refusedPost = await refusalOf(
      octokit.request('POST /repos/{owner}/{repo}/issues', { ...repo, title: 'x' }),
    );
    expect(refusedPost.status).toBe(403);
    expect(refusedPost.response?.headers['retry-after']).toBe('40');
    expect((refusedPost.response?.data as { message: string }).message).toMatch(
      /^You have exceeded a secondary rate limit\. Please wait a few minutes before you try again\./,
    );
    expect(await statusOf(octokit.request('GET /repos/{owner}/{repo}', repo))).toBe(200);
    clockMs = windowOpenedMs + MINUTE_MS - 1;
    const refusedGet = await refusalOf(octokit.request('GET /repos/{owner}/{repo}', repo));
    expect(refusedGet.status).toBe(403);
    expect(refusedGet.response?.headers['retry-after']).toBe('1');
    // Refusals cost nothing, not even primary limit.
    expect(simulator.limits().installations[String(ACME)]).toMatchObject({
      restSecondary: { used: 12, remaining: 0 },
      restPrimary: { used: 3 },
    });

    clockMs = windowOpenedMs + MINUTE_MS;
    expect(await statusOf(octokit.request('GET /repos/{owner}/{repo}', conditional))).toBe(304);
    expect(simulator.limits().installations[String(ACME)]?.restSecondary).toEqual({
      limit: 12,
      used: 1,
      remaining: 11,
      resetUnixSeconds: Math.ceil((clockMs + MINUTE_MS) / 1000),
    });
    // The installation's counters include the App's token request made for it.
    expect(simulator.counters().installations[String(ACME)]?.byKind).toEqual({
      restRequests: 12,
      restCounted: 4,
      restNotModified: 5,
      graphqlQueries: 0,
      graphqlPoints: 0,
      secondaryHits: { concurrency: 0, points: 2, injected: 0 },
    });
  });

  it('answers 429 when configured to, and octokit throttling takes it for a secondary limit', async () => {
    clockMs = Date.now();
    const simulator = await start({});
    expect(
      await callControl(simulator, 'PATCH', '/limits', {
        restSecondaryPointsPerMinute: 5,
        secondaryStatus: 429,
      }),
    ).toMatchObject({
      status: 200,
      body: { limits: { restSecondaryPointsPerMinute: 5, secondaryStatus: 429 } },
    });
    const seen: number[] = [];
    const octokit = await installationOctokit(
      simulator,
      'acme',
      Octokit.defaults({
        baseUrl: simulator.url,
        retry: { enabled: false },
        throttle: {
          onRateLimit: () => {
            throw new Error('a secondary limit was taken for a primary one');
          },
          onSecondaryRateLimit: (retryAfter: number) => {
            seen.push(retryAfter);
            return false;
          },
        },
      }),
    );
    // The token's minting costs the App's JWT bucket 5 points, not the installation's.
    for (let i = 0; i < 5; i++) await octokit.request('GET /repos/{owner}/{repo}', repo);
    clockMs += 15_000;
    const refused = await refusalOf(octokit.request('GET /repos/{owner}/{repo}', repo));
    expect(refused.status).toBe(429);
    expect(seen).toEqual([45]);
  });

  it('still enforces the concurrency limit; a request it refuses has cost its points', async () => {
    clockMs = Date.now();
    const simulator = await start({ limits: { maxConcurrent: 2 } });
    const octokit = await installationOctokit(simulator, 'acme');
    simulator.injectLatency({ ms: 300, endpoint: 'GET /repos/{owner}/{repo}' });
    const statuses = await Promise.all(
      Array.from({ length: 3 }, () => statusOf(octokit.request('GET /repos/{owner}/{repo}', repo))),
    );
    simulator.clearFaults();
    expect(statuses.sort()).toEqual([200, 200, 403]);
    simulator.injectSecondaryLimit({ count: 1, org: 'acme' });
    expect(await statusOf(octokit.request('GET /repos/{owner}/{repo}', repo))).toBe(403);
    expect(simulator.limits().installations[String(ACME)]).toMatchObject({
      restSecondary: { used: 4 },
      inFlight: 0,
      peakConcurrency: 3,
    });
    expect(simulator.counters().installations[String(ACME)]?.byKind.secondaryHits).toEqual({
      concurrency: 1,
      points: 0,
      injected: 1,
    });
  });
});

describe('limits over the control API', () => {
  let simulator: GitHubSimulator;

  beforeAll(async () => {
    simulator = await startSimulator();
  });
  afterAll(async () => {
    await simulator.stop();
  });

  it("reports GitHub's defaults and each installation's windows without opening one", async () => {
    const beforeMs = Date.now();
    const { status, body } = await callControl(simulator, 'GET', '/limits');
    const afterMs = Date.now();
    expect(status).toBe(200);
    const report = body as ReturnType<GitHubSimulator['limits']>;
    expect(report.limits).toEqual(GITHUB_DOCUMENTED_LIMITS);
    expect(Object.keys(report.installations).sort()).toEqual(
      simulator.dataset.orgs.map((org) => String(org.installationId)).sort(),
    );
    const acme = report.installations[String(ACME)];
    expect(acme).toMatchObject({
      installationId: ACME,
      org: 'acme',
      restPrimary: { limit: 5000, used: 0, remaining: 5000 },
      restSecondary: { limit: 900, used: 0, remaining: 900 },
      graphqlPrimary: { limit: 5000, used: 0, remaining: 5000 },
      graphqlSecondary: { limit: 2000, used: 0, remaining: 2000 },
      inFlight: 0,
      peakConcurrency: 0,
    });
    // With no window open, a reset reads one window from now.
    expect(acme?.restSecondary.resetUnixSeconds).toBeGreaterThanOrEqual(
      Math.ceil((beforeMs + MINUTE_MS) / 1000),
    );
    expect(acme?.restSecondary.resetUnixSeconds).toBeLessThanOrEqual(
      Math.ceil((afterMs + MINUTE_MS) / 1000),
    );
    expect(await callControl(simulator, 'GET', '/limits')).toEqual({
      status: 200,
      body: simulator.limits(),
    });
  });

  it('resetLimitWindows closes every window, primary and secondary, and keeps the counters', async () => {
    simulator.resetCounters();
    const octokit = await installationOctokit(simulator, 'acme');
    await octokit.request('GET /repos/{owner}/{repo}', { owner: 'acme', repo: 'web' });
    await octokit.graphql('query { rateLimit { cost } }');
    expect(simulator.limits().installations[String(ACME)]).toMatchObject({
      restPrimary: { used: 1 },
      restSecondary: { used: 1 },
      graphqlPrimary: { used: 1 },
      graphqlSecondary: { used: 1 },
    });
    simulator.resetLimitWindows();
    expect(simulator.limits().installations[String(ACME)]).toMatchObject({
      restPrimary: { used: 0 },
      restSecondary: { used: 0 },
      graphqlPrimary: { used: 0 },
      graphqlSecondary: { used: 0 },
    });
    expect(simulator.counters().installations[String(ACME)]?.byKind).toMatchObject({
      restRequests: 2,
      graphqlQueries: 1,
    });
  });

  it('counts REST and GraphQL apart, each against its own windows', async () => {
    simulator.resetCounters();
    const octokit = await installationOctokit(simulator, 'acme');
    await octokit.request('GET /repos/{owner}/{repo}', { owner: 'acme', repo: 'web' });
    await octokit
      .request('POST /repos/{owner}/{repo}/issues', { owner: 'acme', repo: 'web', title: 'x' })
      .catch(() => undefined);
    const { rateLimit } = await octokit.graphql<{ rateLimit: { cost: number } }>(
      'query { rateLimit { cost } }',
    );
    expect(rateLimit.cost).toBe(1);
    expect(simulator.limits().installations[String(ACME)]).toMatchObject({
      // The POST is a 404 for an endpoint the simulator does not serve: no primary cost.
      restPrimary: { used: 1 },
      restSecondary: { used: 6 },
      graphqlPrimary: { used: 1 },
      graphqlSecondary: { used: 1 },
    });
    // The installation's counters include the App's token request made for it.
    expect(simulator.counters().installations[String(ACME)]?.byKind).toEqual({
      restRequests: 3,
      restCounted: 2,
      restNotModified: 0,
      graphqlQueries: 1,
      graphqlPoints: 1,
      secondaryHits: { concurrency: 0, points: 0, injected: 0 },
    });
  });

  it('changes limits at runtime, up to 15,000 primary requests an hour', async () => {
    const { status, body } = await callControl(simulator, 'PATCH', '/limits', {
      restPrimaryPerHour: 15_000,
    });
    expect(status).toBe(200);
    expect((body as ReturnType<GitHubSimulator['limits']>).limits.restPrimaryPerHour).toBe(15_000);
    const octokit = await installationOctokit(simulator, 'acme');
    const response = await octokit.request('GET /repos/{owner}/{repo}', {
      owner: 'acme',
      repo: 'web',
    });
    expect(response.headers['x-ratelimit-limit']).toBe('15000');
    simulator.updateLimits({ restPrimaryPerHour: 5000 });
  });

  it('refuses bad limits with a 400 naming the field, and changes nothing', async () => {
    const before = simulator.limits().limits;
    expect(
      await callControl(simulator, 'PATCH', '/limits', {
        maxConcurrent: 5,
        restPrimaryPerHour: 20_000,
      }),
    ).toEqual({
      status: 400,
      body: { message: 'limits.restPrimaryPerHour must be an integer from 1 to 15000; got 20000' },
    });
    expect(await callControl(simulator, 'PATCH', '/limits', { secondaryStatus: 500 })).toEqual({
      status: 400,
      body: { message: 'limits.secondaryStatus must be 403 or 429; got 500' },
    });
    const unknown = await callControl(simulator, 'PATCH', '/limits', { restSecondary: 1 });
    expect(unknown.status).toBe(400);
    expect((unknown.body as { message: string }).message).toMatch(
      /^unknown limit\(s\) restSecondary; known: /,
    );
    expect(await callControl(simulator, 'PATCH', '/limits')).toEqual({
      status: 400,
      body: { message: 'the body must name the limits to change' },
    });
    expect(simulator.limits().limits).toEqual(before);
    expect(() => simulator.updateLimits({ maxConcurrent: 0 })).toThrow(
      'limits.maxConcurrent must be an integer from 1 to 9007199254740991; got 0',
    );
  });

  it('refuses a bad limit option with a RangeError naming the field', () => {
    expect(() =>
      createGitHubSimulator({
        dataset: simulator.dataset,
        limits: { restSecondaryPointsPerMinute: -1 },
      }),
    ).toThrow(
      new RangeError(
        'limits.restSecondaryPointsPerMinute must be an integer from 1 to 9007199254740991; got -1',
      ),
    );
  });
});
