import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import type { GitHubRequestReport } from '@gse/github';
import { createFleetTelemetry, FLEET_METRICS, readFleetTelemetry } from '@gse/telemetry';
import type { RedisFixture } from '@gse/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  createOrgGitHubClients,
  recordCollectorRuns,
  recordGitHubRequest,
  type OrgInstallation,
} from '../src/index.js';
import {
  createAdaptersFixture,
  quietLogger as logger,
  type AdaptersFixture,
} from './adapters-fixture.js';

describe('org GitHub clients against the simulator', () => {
  let adapters: AdaptersFixture;
  let simulator: AdaptersFixture['simulator'];
  let fixture: RedisFixture;
  let keysDir: string;
  let acme: OrgInstallation;

  beforeAll(async () => {
    adapters = await createAdaptersFixture();
    ({ simulator, redis: fixture, keysDir, acme } = adapters);
  });

  afterAll(async () => {
    await adapters.cleanup();
  });

  const open = (
    conditionalRequests: boolean,
    orgs: readonly OrgInstallation[],
    reports: GitHubRequestReport[],
  ) =>
    createOrgGitHubClients({
      github: { orgs, apiBaseUrl: simulator.url, requestTimeoutMs: 5_000 },
      rateLimit: {
        minRemainingThreshold: 0,
        minResetBufferMs: 0,
        secondaryLimitBackoffMs: 100,
        maxConcurrentRequestsPerInstallation: 2,
        restPointsPerMinute: 800,
        graphqlPointsPerMinute: 1800,
        scheduledPointsReserve: 0.25,
      },
      priority: 'scheduled',
      retry: { maxAttempts: 2, initialBackoffMs: 10, maxBackoffMs: 20, jitter: true },
      conditionalRequests,
      redis: fixture.redis,
      keyPrefix: fixture.keyPrefix,
      onRequest: (report) => reports.push(report),
      onBudgetWait: () => undefined,
      logger,
      signal: adapters.signal,
    });

  it('shares ETags across processes when conditional, and never sends them otherwise', async () => {
    const route = 'GET /repos/{owner}/{repo}';
    const params = { owner: 'acme', repo: 'web' };
    const first = await (await open(true, [acme], []).clientOf(acme)).getJson(route, params);
    if (first.status !== 200) throw new Error(`expected 200, got ${first.status}`);
    await (await open(true, [acme], []).clientOf(acme)).rememberEtag(first);
    const otherProcess = await open(true, [acme], []).clientOf(acme);
    expect((await otherProcess.getJson(route, params)).status).toBe(304);
    const unconditional = open(false, [acme], []);
    expect((await (await unconditional.clientOf(acme)).getJson(route, params)).status).toBe(200);
  });

  it('reads each key on first use, reports a missing one, and retries it later', async () => {
    const missing = { ...acme, org: 'globex', privateKeyPath: join(keysDir, 'later.pem') };
    const clients = open(true, [acme, missing], []);
    expect(clients.installationOf('globex')).toEqual(missing);
    expect(clients.installationOf('nobody')).toBeUndefined();
    await expect(clients.clientOf(missing)).rejects.toThrow('ENOENT');
    await writeFile(
      missing.privateKeyPath,
      simulator.apps.find((app) => app.org === 'acme')?.privateKeyPem ?? '',
    );
    expect((await clients.all()).size).toBe(2);
  });

  it('turns request reports into fleet telemetry', async () => {
    const reports: GitHubRequestReport[] = [];
    const client = await open(false, [acme], reports).clientOf(acme);
    await client.getJson('GET /repos/{owner}/{repo}', { owner: 'acme', repo: 'web' });
    const keyOf = (name: string): string => `${fixture.keyPrefix}:telemetry:${name}`;
    const telemetry = createFleetTelemetry({ redis: fixture.redis, keyOf, logger });
    for (const report of reports) recordGitHubRequest(telemetry, report);
    await telemetry.close();
    const [requests, remaining] = await readFleetTelemetry(fixture.redis, keyOf, [
      FLEET_METRICS.githubRequests,
      FLEET_METRICS.githubRateLimitRemaining,
    ]);
    expect(requests?.kind === 'samples' ? requests.samples : []).toContainEqual({
      labelValues: ['acme', 'GET /repos/{owner}/{repo}', '200', 'true'],
      value: 1,
    });
    expect(
      remaining?.kind === 'samples' ? remaining.samples.map((sample) => sample.labelValues) : [],
    ).toEqual([['acme', String(acme.installationId)]]);
  });

  it('reports each collector run as a success gauge and a duration histogram by resource', async () => {
    const keyOf = (name: string): string => `${fixture.keyPrefix}:collectors:${name}`;
    const telemetry = createFleetTelemetry({ redis: fixture.redis, keyOf, logger });
    recordCollectorRuns(telemetry, 'acme', [
      { resource: 'commits', success: true, durationMs: 40 },
      { resource: 'pulls', success: false, durationMs: 1500 },
    ]);
    await telemetry.close();
    const [success, duration] = await readFleetTelemetry(fixture.redis, keyOf, [
      FLEET_METRICS.collectorSuccess,
      FLEET_METRICS.collectorDuration,
    ]);
    const byResource = <S extends { readonly labelValues: readonly string[] }>(samples: S[]) =>
      samples.sort((a, b) => String(a.labelValues[1]).localeCompare(String(b.labelValues[1])));
    expect(byResource(success?.kind === 'samples' ? success.samples : [])).toEqual([
      { labelValues: ['acme', 'commits'], value: 1 },
      { labelValues: ['acme', 'pulls'], value: 0 },
    ]);
    const histograms = byResource(duration?.kind === 'histogram' ? duration.samples : []);
    expect(histograms.map(({ labelValues, sum, count }) => ({ labelValues, sum, count }))).toEqual([
      { labelValues: ['acme', 'commits'], sum: 0.04, count: 1 },
      { labelValues: ['acme', 'pulls'], sum: 1.5, count: 1 },
    ]);
  });
});
