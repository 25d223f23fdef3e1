import { createRedisFixture, type RedisFixture } from '@gse/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { startGateway, type RunningGateway } from './gateway-fixture.js';
import { activityFrom, writeSeries } from './series-fixture.js';

const TOKEN = { authorization: 'Bearer adm1n-token' };

describe('the admin listener (status page, /status.json, Bull Board)', () => {
  let fixture: RedisFixture;
  let gateway: RunningGateway | undefined;

  beforeEach(async () => {
    fixture = await createRedisFixture();
    await writeSeries(fixture.redis, fixture.keyPrefix, [
      { org: 'acme', repo: 'api', user: 'ann', activity: activityFrom(1) },
      { org: 'acme', repo: 'api', user: 'bob', activity: activityFrom(2) },
    ]);
  });
  afterEach(async () => {
    await gateway?.stop();
    gateway = undefined;
    await fixture.cleanup();
  });

  it('is off unless services.admin.listen_addr is set', async () => {
    gateway = await startGateway({ keyPrefix: fixture.keyPrefix });
    await expect(gateway.getAdmin('/')).rejects.toThrow('the admin server did not log its address');
  });

  it('asks for its own credential on every route and serves the status and read-only Bull Board', async () => {
    gateway = await startGateway({
      keyPrefix: fixture.keyPrefix,
      adminYaml: ['auth:', '  bearer_token: adm1n-token'],
    });
    for (const path of ['/', '/status.json', '/queues', '/queues/api/queues']) {
      const refused = await gateway.getAdmin(path);
      expect([path, refused.status, refused.headers['www-authenticate']]).toEqual([
        path,
        401,
        'Bearer realm="admin"',
      ]);
    }
    // The admin credential is not the metrics one (server.auth is off here).
    expect((await gateway.get('/metrics')).status).toBe(200);

    const status = await gateway.getAdmin('/status.json', { headers: TOKEN });
    expect(status.status).toBe(200);
    const report = JSON.parse(status.body) as Record<string, unknown>;
    expect(report['orgs']).toEqual([
      {
        org: 'acme',
        health: 'healthy',
        consecutiveFailures: 0,
        lastCycleResult: undefined,
        freshness: 'never',
        series: 2,
        rateLimits: [],
        backfillProcessed: {},
      },
    ]);
    expect(report['queues']).toEqual({
      bullmq: ['org-scrapes', 'repo-scrapes'].map((queue) => ({
        queue,
        waiting: 0,
        active: 0,
        delayed: 0,
        failed: 0,
        oldestWaitingAgeSeconds: 0,
      })),
      backfill: [
        { queue: 'gh.backfill.jobs.v2', role: 'main' },
        ...['1m', '5m', '30m', '2h'].map((delay) => ({
          queue: `gh.backfill.jobs.v2.retry.${delay}`,
          role: 'retry',
        })),
        { queue: 'gh.backfill.dlq.v2', role: 'dlq' },
      ],
      backfillUnacked: 0,
    });
    expect(report['leader']).toBeUndefined();
    expect((report['instances'] as { service: string }[]).map((entry) => entry.service)).toEqual([
      'metrics-gateway',
    ]);

    const page = await gateway.getAdmin('/', { headers: TOKEN });
    expect([page.status, page.headers['content-type']]).toEqual([200, 'text/html; charset=UTF-8']);
    expect(page.body).toContain('<tr data-org="acme">');
    expect(page.body).toContain('No scheduler holds the leader lock.');

    const board = await gateway.getAdmin('/queues', { headers: TOKEN });
    expect(board.status).toBe(200);
    expect(board.body).toContain('<base href="/queues');
    const queues = JSON.parse(
      (await gateway.getAdmin('/queues/api/queues', { headers: TOKEN })).body,
    ) as { queues: { name: string; readOnlyMode: boolean }[] };
    expect(queues.queues.map((queue) => [queue.name, queue.readOnlyMode]).sort()).toEqual([
      ['org-scrapes', true],
      ['repo-scrapes', true],
    ]);
  });
});
