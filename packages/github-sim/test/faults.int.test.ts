import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ControlInputError, createGitHubSimulator, type GitHubSimulator } from '../src/index.js';
import {
  callControl,
  getWithToken,
  mintToken,
  standardDataset,
  startSimulator,
} from './sim-fixture.js';

describe('fault injection', () => {
  let simulator: GitHubSimulator;
  let acme: string;
  let globex: string;

  const control = (
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: unknown }> => callControl(simulator, method, path, body);
  const timed = async (path: string, token: string): Promise<{ status: number; ms: number }> => {
    const startedMs = performance.now();
    const { status } = await getWithToken(simulator, path, token);
    return { status, ms: performance.now() - startedMs };
  };

  beforeAll(async () => {
    simulator = await startSimulator({});
    acme = await mintToken(simulator, 'acme');
    globex = await mintToken(simulator, 'globex');
  });
  afterAll(async () => {
    await simulator.stop();
  });

  it('delays the requests of one org by the injected latency', async () => {
    expect(await control('POST', '/faults/latency', { ms: 400, org: 'acme' })).toMatchObject({
      status: 201,
    });
    const slow = await timed('/repos/acme/web', acme);
    const fast = await timed('/repos/globex/storefront', globex);
    expect(await control('DELETE', '/faults')).toMatchObject({ status: 200 });
    expect(slow.status).toBe(200);
    expect(slow.ms).toBeGreaterThanOrEqual(400);
    expect(fast.ms).toBeLessThan(400);
  });

  it('answers a burst of 5xx on one endpoint, without charging the rate limit', async () => {
    await control('POST', '/faults/errors', {
      status: 502,
      count: 2,
      endpoint: '/repos/{owner}/{repo}/commits',
    });
    const before = await getWithToken(simulator, '/repos/acme/web', acme);
    const remaining = Number(before.headers.get('x-ratelimit-remaining'));
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 3; attempt += 1) {
      statuses.push((await getWithToken(simulator, '/repos/acme/web/commits', acme)).status);
    }
    expect(statuses).toEqual([502, 502, 200]);
    const after = await getWithToken(simulator, '/repos/acme/web', acme);
    expect(Number(after.headers.get('x-ratelimit-remaining'))).toBe(remaining - 2);
    expect(simulator.faults().errors).toEqual([]);
  });

  it('keeps an org down until the faults are cleared; an outage of all takes /meta down too', async () => {
    simulator.startOutage({ org: 'globex' });
    expect((await getWithToken(simulator, '/repos/globex/storefront', globex)).status).toBe(503);
    expect((await getWithToken(simulator, '/installation/repositories', globex)).status).toBe(503);
    expect((await getWithToken(simulator, '/repos/acme/web', acme)).status).toBe(200);
    simulator.startOutage();
    expect((await fetch(`${simulator.url}/meta`)).status).toBe(503);
    simulator.clearFaults();
    expect((await getWithToken(simulator, '/repos/globex/storefront', globex)).status).toBe(200);
    expect((await fetch(`${simulator.url}/meta`)).status).toBe(200);
  });

  it('refuses an endpoint the App has no permission for with 403 until the faults are cleared', async () => {
    expect(
      await control('POST', '/faults/permission-denied', {
        org: 'acme',
        endpoint: 'GET /repos/{owner}/{repo}/issues/comments',
      }),
    ).toMatchObject({ status: 201 });
    for (let attempt = 0; attempt < 2; attempt++) {
      const denied = await getWithToken(simulator, '/repos/acme/web/issues/comments', acme);
      expect([denied.status, denied.headers.get('retry-after'), denied.body]).toEqual([
        403,
        null,
        {
          message: 'Resource not accessible by integration',
          documentation_url: 'https://docs.github.com/rest',
          status: '403',
        },
      ]);
    }
    expect((await getWithToken(simulator, '/repos/acme/web/pulls', acme)).status).toBe(200);
    simulator.clearFaults();
    expect((await getWithToken(simulator, '/repos/acme/web/issues/comments', acme)).status).toBe(
      200,
    );
  });

  it('sends the next N matching responses as 200 with a truncated JSON body', async () => {
    await control('POST', '/faults/malformed', {
      count: 1,
      endpoint: 'GET /repos/{owner}/{repo}/pulls',
    });
    const fetchPulls = (): Promise<Response> =>
      fetch(`${simulator.url}/repos/acme/web/pulls`, {
        headers: { authorization: `token ${acme}` },
      });
    const broken = await fetchPulls();
    expect(broken.status).toBe(200);
    expect(broken.headers.get('content-type')).toBe('application/json; charset=utf-8');
    const text = await broken.text();
    expect(text.startsWith('[{')).toBe(true);
    expect(() => JSON.parse(text) as unknown).toThrow(SyntaxError);
    expect(JSON.parse(await (await fetchPulls()).text())).toHaveLength(30);
  });

  it('lists the faults in force with what is left of them', async () => {
    simulator.injectSecondaryLimit({ count: 3, org: 'acme' });
    simulator.injectErrors({ status: 500, count: 1 });
    expect(await control('GET', '/faults')).toEqual({
      status: 200,
      body: {
        latency: [],
        errors: [{ status: 500, count: 1 }],
        secondaryLimits: [{ count: 3, org: 'acme' }],
        malformed: [],
        outages: [],
        permissionsDenied: [],
        graphqlUnsupported: [],
      },
    });
    simulator.clearFaults();
  });

  it('refuses bad control input with a 400 naming the problem, in-process too', async () => {
    expect(await control('POST', '/faults/latency', { ms: -5 })).toEqual({
      status: 400,
      body: { message: 'ms must be an integer from 0 to 600000; got -5' },
    });
    expect(await control('POST', '/faults/errors', { status: 504, count: 1 })).toEqual({
      status: 400,
      body: { message: 'status must be one of 500, 502, 503; got 504' },
    });
    expect(await control('POST', '/faults/malformed', { count: 1, colour: 'red' })).toEqual({
      status: 400,
      body: { message: 'unknown field(s) colour; allowed: count, org, endpoint' },
    });
    expect(await control('POST', '/faults/outage', '{not json')).toEqual({
      status: 400,
      body: { message: 'the body must be JSON' },
    });
    const typo = await control('POST', '/faults/errors', {
      status: 500,
      count: 1,
      endpoint: '/repos/{owner}/{repo}/commit',
    });
    expect(typo.status).toBe(400);
    expect((typo.body as { message: string }).message).toMatch(
      /^endpoint \/repos\/\{owner\}\/\{repo\}\/commit is not served by the simulator; use one of: GET \/app, /,
    );
    expect(() => {
      simulator.injectSecondaryLimit({ count: 0 });
    }).toThrow(new ControlInputError('count must be an integer from 1 to 9007199254740991; got 0'));
    expect(await control('POST', '/nothing-here')).toEqual({
      status: 404,
      body: { message: 'no control endpoint POST /_sim/nothing-here' },
    });
    expect(simulator.faults()).toEqual({
      latency: [],
      errors: [],
      secondaryLimits: [],
      malformed: [],
      outages: [],
      permissionsDenied: [],
      graphqlUnsupported: [],
    });
  });
});

describe('simulator lifecycle', () => {
  it('stops before start, twice, and with a request held by injected latency', async () => {
    const simulator = createGitHubSimulator({ dataset: standardDataset() });
    await simulator.stop();
    expect(() => simulator.url).toThrow('the GitHub simulator is not started');
    await simulator.start();
    await simulator.start();
    const token = await mintToken(simulator, 'acme');
    simulator.injectLatency({ ms: 60_000 });
    const held = getWithToken(simulator, '/repos/acme/web', token).then(
      () => 'answered',
      () => 'connection closed',
    );
    await expect.poll(() => simulator.counters().total.total).toBe(1);
    const stoppedAtMs = performance.now();
    await simulator.stop();
    expect(performance.now() - stoppedAtMs).toBeLessThan(1000);
    expect(await held).toBe('connection closed');
    await simulator.stop();
  });

  it('writes each org App key to <dir>/<org>.pem', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'github-sim-keys-'));
    try {
      const simulator = createGitHubSimulator({ dataset: standardDataset() });
      const written = await simulator.writeKeys(join(dir, 'keys'));
      expect(
        written.map(({ org, appId, installationId, privateKeyPath }) => [
          org,
          appId,
          installationId,
          privateKeyPath,
        ]),
      ).toEqual([
        ['acme', 101, 1001, join(dir, 'keys', 'acme.pem')],
        ['globex', 102, 1002, join(dir, 'keys', 'globex.pem')],
      ]);
      expect(await readFile(join(dir, 'keys', 'acme.pem'), 'utf8')).toBe(
        simulator.apps[0]?.privateKeyPem,
      );
      expect((await stat(join(dir, 'keys', 'acme.pem'))).mode & 0o777).toBe(0o600);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
