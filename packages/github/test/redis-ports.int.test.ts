import type { SimDataset } from '@gse/github-sim';
import {
  createRedisEtagCache,
  createRedisInstallationSemaphore,
  createRedisInstallationTokenCache,
} from '@gse/store';
import { createRedisFixture, type RedisFixture } from '@gse/testing';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import type { EtagCache, InstallationSemaphore, InstallationTokenCache } from '../src/index.js';
import { createRecordingLogger } from './client-fakes.js';
import { createSimClient, createSimulatorPool, simDataset } from './sim-client.js';

type Redis = RedisFixture['redis'];

const REPO_ROUTE = 'GET /repos/{owner}/{repo}';
const WEB = { owner: 'acme', repo: 'web' };

/**
 * The client with the Redis adapters of `@gse/store` as its ports, the way a service wires
 * them: two clients on two Redis connections stand for two processes of the fleet.
 */
describe('GitHub client with the Redis ports', () => {
  let dataset: SimDataset;
  let fixture: RedisFixture;
  let otherProcess: Redis;
  const simulators = createSimulatorPool(() => dataset);

  beforeAll(() => {
    dataset = simDataset();
  });
  beforeEach(async () => {
    fixture = await createRedisFixture();
    otherProcess = fixture.redis.duplicate();
  });
  afterEach(async () => {
    await simulators.stopAll();
    await otherProcess.quit();
    await fixture.cleanup();
  });

  // Typed as the github ports: the adapters must keep fitting them.
  const portsOn = (
    redis: Redis,
    maxConcurrent: number,
  ): {
    etagCache: EtagCache;
    semaphore: InstallationSemaphore;
    tokenCache: InstallationTokenCache;
  } => ({
    etagCache: createRedisEtagCache({ redis, keyPrefix: fixture.keyPrefix }),
    semaphore: createRedisInstallationSemaphore({
      redis,
      keyPrefix: fixture.keyPrefix,
      maxConcurrent,
      logger: createRecordingLogger(),
    }),
    tokenCache: createRedisInstallationTokenCache({ redis, keyPrefix: fixture.keyPrefix }),
  });

  it('caps the concurrency the simulator sees per installation across two processes', async () => {
    const simulator = await simulators.start({ limits: { maxConcurrent: 4 } });
    simulator.injectLatency({ org: 'acme', ms: 40 });
    const clients = [fixture.redis, otherProcess].map(
      (redis) => createSimClient(simulator, 'acme', portsOn(redis, 3)).client,
    );
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

  it('shares one token and the ETags across processes, so the second process gets 304s', async () => {
    const simulator = await simulators.start();
    const first = createSimClient(simulator, 'acme', portsOn(fixture.redis, 3)).client;
    const second = createSimClient(simulator, 'acme', portsOn(otherProcess, 3)).client;
    await first.rememberEtag(await first.getJson(REPO_ROUTE, WEB));
    expect(await second.getJson(REPO_ROUTE, WEB)).toMatchObject({ status: 304 });
    const counters = simulator.counters();
    expect(
      counters.endpoints['POST /app/installations/{installation_id}/access_tokens']?.total,
    ).toBe(1);
    expect(counters.installations['1001']?.endpoints['GET /repos/{owner}/{repo}']).toEqual({
      total: 2,
      counted: 1,
      notModified: 1,
      byStatus: { '200': 1, '304': 1 },
    });
  });
});
