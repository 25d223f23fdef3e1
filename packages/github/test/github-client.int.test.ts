import type { SimDataset } from '@gse/github-sim';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';

import { GitHubResponseError, type RouteParams } from '../src/index.js';
import {
  createMemoryEtagCache,
  createMemorySemaphore,
  createMemoryTokenCache,
} from './client-fakes.js';
import {
  createSharedClock,
  createSimClient,
  createSimulatorPool,
  simDataset,
} from './sim-client.js';

const TOKEN_ENDPOINT = 'POST /app/installations/{installation_id}/access_tokens';
const REPO_ROUTE = 'GET /repos/{owner}/{repo}';
const REPO_ENDPOINT = 'GET /repos/{owner}/{repo}';
const COMMITS_ROUTE = 'GET /repos/{owner}/{repo}/commits';
const WEB = { owner: 'acme', repo: 'web' };

describe('GitHub client against the simulator', () => {
  let dataset: SimDataset;
  const simulators = createSimulatorPool(() => dataset);

  beforeAll(() => {
    dataset = simDataset();
  });
  afterEach(async () => {
    await simulators.stopAll();
  });

  it('mints its token and sends every request through api_base_url', async () => {
    const simulator = await simulators.start();
    const { client, reports } = createSimClient(simulator, 'acme');
    const answer = await client.getJson(REPO_ROUTE, WEB);
    expect(answer).toMatchObject({
      status: 200,
      url: `${simulator.url}/repos/acme/web`,
      data: { full_name: 'acme/web' },
    });
    // Everything the client sent, the simulator counted: nothing went to api.github.com.
    const counters = simulator.counters();
    expect(counters.total.total).toBe(2);
    expect(counters.endpoints[TOKEN_ENDPOINT]?.byStatus).toEqual({ '201': 1 });
    expect(counters.installations['1001']?.endpoints[REPO_ENDPOINT]).toEqual({
      total: 1,
      counted: 1,
      notModified: 0,
      byStatus: { '200': 1 },
    });
    expect(reports.map((report) => [report.endpoint, report.status, report.counted])).toEqual([
      [TOKEN_ENDPOINT, 201, true],
      [REPO_ENDPOINT, 200, true],
    ]);
    expect(reports[1]).toMatchObject({
      org: 'acme',
      installationId: 1001,
      rateLimitLimit: 5000,
      rateLimitRemaining: 4999,
    });
  });

  it('renews the token before it expires, without a 401', async () => {
    const clock = createSharedClock();
    const simulator = await simulators.start({ tokenLifetimeMs: 60_000, now: () => clock.nowMs });
    const { client } = createSimClient(simulator, 'acme', { clock });
    await client.getJson(REPO_ROUTE, WEB);
    // A tenth of the lifetime before expiry is the renewal point: 54 s into a 60 s token.
    clock.nowMs += 53_999;
    await client.getJson(REPO_ROUTE, WEB);
    expect(simulator.counters().endpoints[TOKEN_ENDPOINT]?.total).toBe(1);
    clock.nowMs += 1;
    await client.getJson(REPO_ROUTE, WEB);
    const counters = simulator.counters();
    expect(counters.endpoints[TOKEN_ENDPOINT]?.total).toBe(2);
    expect(counters.installations['1001']?.endpoints[REPO_ENDPOINT]?.byStatus).toEqual({
      '200': 3,
    });
  });

  it('renews a token that expired early (a rotation) once and completes', async () => {
    const simulator = await simulators.start();
    const { client, logLines } = createSimClient(simulator, 'acme');
    await client.getJson(REPO_ROUTE, WEB);
    expect(simulator.expireTokens('acme')).toBe(1);
    expect(await client.getJson(REPO_ROUTE, WEB)).toMatchObject({ status: 200 });
    const counters = simulator.counters();
    expect(counters.endpoints[TOKEN_ENDPOINT]?.total).toBe(2);
    expect(counters.installations['1001']?.endpoints[REPO_ENDPOINT]?.byStatus).toEqual({
      '200': 2,
      '401': 1,
    });
    expect(logLines.map((line) => line.message)).toEqual([
      'GitHub refused the installation token; renewing it',
    ]);
  });

  it('gets a free 304 for an unchanged resource once its ETag is remembered', async () => {
    const simulator = await simulators.start();
    const { client, reports } = createSimClient(simulator, 'acme');
    const first = await client.getJson(REPO_ROUTE, WEB);
    expect(await client.getJson(REPO_ROUTE, WEB)).toMatchObject({ status: 200 });
    await client.rememberEtag(first);
    expect(await client.getJson(REPO_ROUTE, WEB)).toEqual({ status: 304, url: first.url });
    expect(simulator.counters().installations['1001']?.endpoints[REPO_ENDPOINT]).toEqual({
      total: 3,
      counted: 2,
      notModified: 1,
      byStatus: { '200': 2, '304': 1 },
    });
    expect(reports.at(-1)).toMatchObject({
      status: 304,
      counted: false,
      notModified: true,
      rateLimitRemaining: 4998,
    });
  });

  it('keeps ETags good across clients that share the token, and only then', async () => {
    const simulator = await simulators.start();
    const etagCache = createMemoryEtagCache();
    const tokenCache = createMemoryTokenCache();
    const first = createSimClient(simulator, 'acme', { etagCache, tokenCache }).client;
    await first.rememberEtag(await first.getJson(REPO_ROUTE, WEB));
    const sharing = createSimClient(simulator, 'acme', { etagCache, tokenCache }).client;
    expect((await sharing.getJson(REPO_ROUTE, WEB)).status).toBe(304);
    // GitHub's ETags are token-bound: a client with a token of its own misses.
    const alone = createSimClient(simulator, 'acme', { etagCache }).client;
    expect((await alone.getJson(REPO_ROUTE, WEB)).status).toBe(200);
    expect(simulator.counters().endpoints[TOKEN_ENDPOINT]?.total).toBe(2);
  });

  it("keys a repo's ETags by its id: they answer 304 under its new name after a rename", async () => {
    // A dataset of its own: the rename changes it, and the other tests share theirs.
    const simulator = await simulators.start({ dataset: simDataset() });
    const { client } = createSimClient(simulator, 'acme');
    const { data } = (await client.getJson(REPO_ROUTE, WEB)) as { data: { id: number } };
    // An empty list: a body that names no repo, so the rename leaves its ETag as it was
    // (docs/github-limitations.md#a-renamed-repos-lists-change-their-etag).
    const emptyCommits = (repo: string): RouteParams => ({
      owner: 'acme',
      repo,
      since: '2099-01-01T00:00:00Z',
      per_page: 100,
    });
    const byId = client.forRepo({ ...WEB, repoId: data.id });
    const first = await byId.getJson(COMMITS_ROUTE, emptyCommits('web'));
    expect(first).toMatchObject({ status: 200, data: [] });
    await byId.rememberEtag(first);

    simulator.renameRepo({ org: 'acme', repo: 'web' }, 'web-app');
    const renamed = client.forRepo({ owner: 'acme', repo: 'web-app', repoId: data.id });
    expect(await renamed.getJson(COMMITS_ROUTE, emptyCommits('web-app'))).toMatchObject({
      status: 304,
      url: `${simulator.url}/repos/acme/web-app/commits?since=2099-01-01T00%3A00%3A00Z&per_page=100`,
    });
    // Without the id the ETag is the URL's: the new name has none yet.
    expect((await client.getJson(COMMITS_ROUTE, emptyCommits('web-app'))).status).toBe(200);
  });

  it('pages through a list with Link and stops when the caller stops', async () => {
    const simulator = await simulators.start();
    const { client } = createSimClient(simulator, 'acme');
    const repoCount = simulator.dataset.orgs.find((org) => org.login === 'acme')?.repos.length ?? 0;
    const names: string[] = [];
    const decodeNames = (data: unknown): readonly string[] => {
      if (!Array.isArray(data)) throw new TypeError('expected an array');
      return data.map((repo: { name?: unknown }) => String(repo.name));
    };
    for await (const page of client.paginate(
      'GET /orgs/{org}/repos',
      { org: 'acme', per_page: 3 },
      decodeNames,
    )) {
      if (page.status === 200) names.push(...page.items);
    }
    expect(names).toHaveLength(repoCount);
    expect(new Set(names).size).toBe(repoCount);
    const pagesServed = Math.ceil(repoCount / 3);
    const endpoint = (): number =>
      simulator.counters().installations['1001']?.endpoints['GET /orgs/{org}/repos']?.total ?? 0;
    expect(endpoint()).toBe(pagesServed);
    for await (const page of client.paginate('GET /orgs/{org}/repos', {
      org: 'acme',
      per_page: 3,
    })) {
      expect(page.status).toBe(200);
      break;
    }
    expect(endpoint()).toBe(pagesServed + 1);
  });

  it('fails a malformed response with an error naming the endpoint, without retrying', async () => {
    const simulator = await simulators.start();
    simulator.injectMalformed({ count: 1, endpoint: REPO_ENDPOINT });
    const { client } = createSimClient(simulator, 'acme');
    const error: unknown = await client.getJson(REPO_ROUTE, WEB).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(GitHubResponseError);
    expect(error).toMatchObject({
      method: 'GET',
      endpoint: '/repos/{owner}/{repo}',
      status: 200,
      retryable: false,
    });
    expect((error as Error).message).toMatch(
      /^GET \/repos\/\{owner\}\/\{repo\} answered 200 with an unusable body: not JSON \(/,
    );
    expect(simulator.counters().installations['1001']?.endpoints[REPO_ENDPOINT]?.total).toBe(1);
  });

  it('keeps the concurrency per installation under the cap shared by two clients', async () => {
    const simulator = await simulators.start({ limits: { maxConcurrent: 4 } });
    simulator.injectLatency({ org: 'acme', ms: 40 });
    const semaphore = createMemorySemaphore(3);
    const clients = [1, 2].map(() => createSimClient(simulator, 'acme', { semaphore }).client);
    // Mint both tokens first, so every counted request below is a data request.
    await Promise.all(clients.map((client) => client.getJson(REPO_ROUTE, WEB)));
    simulator.resetCounters();
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, index) => {
        const client = clients[index % 2];
        if (!client) throw new Error('two clients');
        return client.getJson(REPO_ROUTE, WEB);
      }),
    );
    expect(answers.map((answer) => answer.status)).toEqual(Array.from({ length: 12 }, () => 200));
    const installation = simulator.counters().installations['1001'];
    expect(installation?.peakConcurrency).toBe(3);
    expect(installation?.byStatus).toEqual({ '200': 12 });
  });
});
