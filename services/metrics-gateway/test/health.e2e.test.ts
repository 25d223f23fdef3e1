import { createLogger } from '@gse/logging';
import { createRedisRequestBudget, createStoreKeys } from '@gse/store';
import { createFleetTelemetry, FLEET_METRICS } from '@gse/telemetry';
import { createRedisFixture, type RedisFixture } from '@gse/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { startGateway, type RunningGateway } from './gateway-fixture.js';
import { activityFrom, writeSeries } from './series-fixture.js';

const MINUTE = 60_000;

describe('metrics gateway health endpoints', () => {
  let fixture: RedisFixture;
  let gateway: RunningGateway | undefined;

  beforeEach(async () => {
    fixture = await createRedisFixture();
  });
  afterEach(async () => {
    await gateway?.stop();
    gateway = undefined;
    await fixture.cleanup();
  });

  const open = async (): Promise<RunningGateway> => {
    gateway = await startGateway({
      keyPrefix: fixture.keyPrefix,
      orgs: [
        { org: 'acme', scrapeInterval: '5m' },
        { org: 'globex', scrapeInterval: '10m' },
      ],
    });
    return gateway;
  };

  it('reports each component from what the fleet published, without secrets', async () => {
    const nowMs = Date.now();
    const telemetry = createFleetTelemetry({
      redis: fixture.redis,
      keyOf: (name) => createStoreKeys(fixture.keyPrefix).telemetryMetric(name),
      logger: createLogger({ service: 'test', version: '0', level: 'error' }),
      flushIntervalMs: 60_000,
    });
    telemetry.set(
      FLEET_METRICS.dependencyHealth,
      { dependency: 'amqp', service: 'backfill-worker' },
      1,
    );
    // Only the backfill worker talks to RabbitMQ; here RabbitMQ blocks it (a memory alarm).
    telemetry.set(FLEET_METRICS.amqpBlocked, { service: 'backfill-worker' }, 1);
    telemetry.set(FLEET_METRICS.githubOrgHealthy, { org: 'acme' }, 1);
    telemetry.set(FLEET_METRICS.githubOrgHealthy, { org: 'globex' }, 0);
    telemetry.set(
      FLEET_METRICS.githubRateLimitRemaining,
      { org: 'acme', installation_id: '1' },
      4321,
    );
    telemetry.set(FLEET_METRICS.githubRateLimitLimit, { org: 'acme', installation_id: '1' }, 5000);
    telemetry.set(
      FLEET_METRICS.repoLastSuccessfulScrape,
      { org: 'acme', repo: 'empty' },
      Math.floor((nowMs - 2 * MINUTE) / 1000),
    );
    await telemetry.close();
    const keys = createStoreKeys(fixture.keyPrefix);
    await fixture.redis.set(keys.leaderLock, 'scheduler-a', 'PX', 60_000);
    await fixture.redis.set(keys.leaderFencingToken, 12);
    await writeSeries(
      fixture.redis,
      fixture.keyPrefix,
      [{ org: 'acme', repo: 'api', user: 'ann', activity: activityFrom(1) }],
      nowMs - MINUTE,
    );
    // What acme's clients drew from its budgets this minute (installation 1).
    const budget = createRedisRequestBudget({
      redis: fixture.redis,
      keyPrefix: fixture.keyPrefix,
      pointsPerWindow: { rest: 800, graphql: 1800 },
      scheduledReserve: 0.25,
    });
    await budget.tryTake(1, { resource: 'rest', priority: 'scheduled', points: 7 });
    await budget.tryTake(1, { resource: 'graphql', priority: 'background', points: 1 });
    const reply = await (await open()).get('/healthz');
    const report = JSON.parse(reply.body) as {
      status: string;
      components: Record<string, unknown>;
    };
    expect(reply.status).toBe(503);
    expect(report.status).toBe('down');
    const { components } = report as unknown as {
      components: {
        redis: { status: string };
        amqp: { status: string; detail: string };
        leader: { status: string; detail: string };
        github: Record<string, { status: string; detail: string }>;
        lastScrape: Record<
          string,
          { status: string; repos: number; staleRepos: number; ageSeconds?: number }
        >;
      };
    };
    expect(components.redis.status).toBe('ok');
    expect(components.amqp).toEqual({
      status: 'degraded',
      detail:
        'blocks publishing by backfill-worker (a memory or disk alarm): backfill windows wait in the Redis outbox',
    });
    expect(components.leader).toEqual({
      status: 'ok',
      detail: 'scheduler-a holds the leader lock (fencing token 12)',
    });
    expect(components.github['acme']).toEqual({
      status: 'ok',
      detail:
        'GitHub answers; rate limit 4321/5000 left; REST 7/800, GraphQL 1/1800 points in the last minute',
    });
    expect(components.github['globex']?.status).toBe('down');
    expect(components.lastScrape['acme']).toMatchObject({ status: 'ok', repos: 2, staleRepos: 0 });
    expect(components.lastScrape['acme']?.ageSeconds).toBeGreaterThanOrEqual(60);
    expect(components.lastScrape['globex']).toMatchObject({ status: 'unknown', repos: 0 });
  });

  it('stays ready while the fleet’s newest scrape is older than three scrape intervals; /healthz says so', async () => {
    const scrapedAtMs = Date.now() - 45 * MINUTE;
    await writeSeries(
      fixture.redis,
      fixture.keyPrefix,
      [{ org: 'acme', repo: 'api', user: 'ann', activity: activityFrom(1) }],
      scrapedAtMs,
    );
    const running = await open();
    const reply = await running.get('/readyz');
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.body)).toEqual({
      ready: true,
      checks: [
        { name: 'startup', ok: true },
        { name: 'render', ok: true },
      ],
    });
    const health = JSON.parse((await running.get('/healthz')).body) as {
      components: { lastScrape: Record<string, { status: string; detail: string }> };
    };
    expect(health.components.lastScrape['acme']).toMatchObject({
      status: 'down',
      detail:
        'latest successful repo scrape 45m ago; 1 repos, 1 not scraped successfully within 3 × scrape_interval (15m)',
    });
  });

  it('is ready before the first scrape, and once scrapes are recent', async () => {
    const before = await (await open()).get('/readyz');
    expect(before.status).toBe(200);
    await writeSeries(fixture.redis, fixture.keyPrefix, [
      { org: 'globex', repo: 'api', user: 'ann', activity: activityFrom(1) },
    ]);
    expect((await gateway?.get('/readyz'))?.status).toBe(200);
    expect((await gateway?.get('/livez'))?.body).toBe('{"status":"ok"}');
  });
});
