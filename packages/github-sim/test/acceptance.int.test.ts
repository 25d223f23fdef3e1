import { App, Octokit, RequestError } from 'octokit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { GitHubSimulator } from '../src/index.js';
import { getWithToken, startSimulator } from './sim-fixture.js';

const STATS_DELAY_MS = 5_000;

/** The acceptance test of issue 2: real octokit + @octokit/app, GitHub's flows end to end. */
describe('octokit and @octokit/app against the simulator', () => {
  let simulator: GitHubSimulator;
  // A frozen clock the test moves by hand (app JWTs, signed on the real clock, stay valid).
  let clockMs = Date.now();

  beforeAll(async () => {
    simulator = await startSimulator({
      statsComputeDelayMs: STATS_DELAY_MS,
      now: () => clockMs,
    });
  });
  afterAll(async () => {
    await simulator.stop();
  });

  it('mints a token, paginates, gets a free 304, misses after rotation, and sees 202 then 200', async () => {
    const acme = simulator.apps.find((app) => app.org === 'acme');
    if (!acme) throw new Error('the standard dataset has org acme');
    // Stock octokit (retry and throttling plugins on), as the product would use it.
    const app = new App({
      appId: acme.appId,
      privateKey: acme.privateKeyPem,
      Octokit: Octokit.defaults({ baseUrl: simulator.url }),
    });
    const octokit = await app.getInstallationOctokit(acme.installationId);
    const { token } = (await octokit.auth({ type: 'installation' })) as { token: string };
    expect(token).toMatch(/^ghs_[A-Za-z0-9]{36}$/);

    // Every repo of the org, across pages of 3.
    const repos = await octokit.paginate('GET /orgs/{org}/repos', { org: 'acme', per_page: 3 });
    const expected = simulator.dataset.orgs.find((org) => org.login === 'acme')?.repos ?? [];
    expect(expected.length).toBeGreaterThan(6);
    expect(repos.map((repo) => repo.name).sort()).toEqual(expected.map((repo) => repo.name).sort());
    const pages = Math.ceil(expected.length / 3);
    expect(simulator.counters().endpoints['GET /orgs/{org}/repos']).toEqual({
      total: pages,
      counted: pages,
      notModified: 0,
      byStatus: { '200': pages },
    });

    // A repeated conditional request: 304, free.
    simulator.resetCounters();
    const route = 'GET /repos/{owner}/{repo}' as const;
    const first = await octokit.request(route, { owner: 'acme', repo: 'web' });
    const etag = first.headers.etag ?? '';
    expect(etag).toMatch(/^W\/"[0-9a-f]{64}"$/);
    const remaining = Number(first.headers['x-ratelimit-remaining']);
    const notModified = await octokit
      .request(route, { owner: 'acme', repo: 'web', headers: { 'if-none-match': etag } })
      .catch((error: unknown) => error);
    expect(notModified).toBeInstanceOf(RequestError);
    expect((notModified as RequestError).status).toBe(304);
    expect((notModified as RequestError).response?.headers['x-ratelimit-remaining']).toBe(
      String(remaining),
    );
    const { data: rateLimit } = await octokit.request('GET /rate_limit');
    expect(rateLimit.resources.core.remaining).toBe(remaining);
    expect(simulator.counters().endpoints['GET /repos/{owner}/{repo}']).toEqual({
      total: 2,
      counted: 1,
      notModified: 1,
      byStatus: { '200': 1, '304': 1 },
    });

    // Token rotation: the old token is dead, and its ETag does not match for the new one.
    expect(simulator.expireTokens('acme')).toBe(1);
    expect((await getWithToken(simulator, '/repos/acme/web', token)).status).toBe(401);
    const { token: rotated } = (await octokit.auth({ type: 'installation', refresh: true })) as {
      token: string;
    };
    expect(rotated).not.toBe(token);
    const missed = await octokit.request(route, {
      owner: 'acme',
      repo: 'web',
      headers: { 'if-none-match': etag },
    });
    expect(missed.status).toBe(200);
    expect(missed.headers.etag).not.toBe(etag);
    expect(simulator.counters().endpoints['GET /repos/{owner}/{repo}']).toEqual({
      total: 4,
      counted: 2,
      notModified: 1,
      byStatus: { '200': 2, '304': 1, '401': 1 },
    });

    // Contributor statistics: computing (202) until the delay has passed, then 200.
    const statsRoute = 'GET /repos/{owner}/{repo}/stats/contributors' as const;
    const computing = await octokit.request(statsRoute, { owner: 'acme', repo: 'web' });
    expect(computing.status).toBe(202);
    clockMs += STATS_DELAY_MS - 1;
    expect((await octokit.request(statsRoute, { owner: 'acme', repo: 'web' })).status).toBe(202);
    clockMs += 1;
    const ready = await octokit.request(statsRoute, { owner: 'acme', repo: 'web' });
    expect(ready.status).toBe(200);
    expect(Array.isArray(ready.data) && ready.data.length > 0).toBe(true);

    // The simulator saw it all, from this installation (not api.github.com).
    const installation = simulator.counters().installations[String(acme.installationId)];
    expect(
      installation?.endpoints[`GET /repos/{owner}/{repo}/stats/contributors`]?.byStatus,
    ).toEqual({
      '202': 2,
      '200': 1,
    });
    expect(
      installation?.endpoints['POST /app/installations/{installation_id}/access_tokens']?.total,
    ).toBe(1);
  });
});
