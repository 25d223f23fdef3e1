import { describe, expect, it } from 'vitest';

import { createSimClient } from './sim-client.js';
import { useTwoProcesses } from './two-processes.js';

const REPO_ROUTE = 'GET /repos/{owner}/{repo}';
const WEB = { owner: 'acme', repo: 'web' };

/**
 * The client with the Redis adapters of `@gse/store` as its ports, the way a service wires
 * them: two clients on two Redis connections stand for two processes of the fleet.
 */
describe('GitHub client with the Redis ports', () => {
  const world = useTwoProcesses();
  const { simulators } = world;

  it('caps the concurrency the simulator sees per installation across two processes', async () => {
    const simulator = await simulators.start({ limits: { maxConcurrent: 4 } });
    simulator.injectLatency({ org: 'acme', ms: 40 });
    const clients = [world.fixture.redis, world.otherProcess].map(
      (redis) => createSimClient(simulator, 'acme', world.portsOn(redis, 3)).client,
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
    const first = createSimClient(simulator, 'acme', world.portsOn(world.fixture.redis, 3)).client;
    const second = createSimClient(simulator, 'acme', world.portsOn(world.otherProcess, 3)).client;
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
