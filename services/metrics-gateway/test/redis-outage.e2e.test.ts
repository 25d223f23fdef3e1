import { once } from 'node:events';
import { createServer, type AddressInfo, type Socket } from 'node:net';

import { freePort, startOwnRedisServer, waitFor, type OwnRedisServer } from '@gse/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { sampleValue, startGateway, type RunningGateway } from './gateway-fixture.js';
import {
  activityFrom,
  activitySection,
  expectedActivityText,
  writeSeries,
  type TestSeries,
} from './series-fixture.js';

const PREFIX = 'outage-test';
const SERIES: TestSeries[] = [
  { org: 'acme', repo: 'api', user: 'ann', activity: activityFrom(1) },
  { org: 'acme', repo: 'web', user: 'bob', activity: activityFrom(2) },
];

interface ReadyzReport {
  readonly ready: boolean;
  readonly checks: readonly {
    readonly name: string;
    readonly ok: boolean;
    readonly reason?: string;
  }[];
}

describe('the gateway when Redis goes away and comes back', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  let redis: OwnRedisServer;
  beforeEach(async () => {
    redis = await startOwnRedisServer();
    cleanups.push(() => redis.dispose());
  });

  const start = async (port: number): Promise<RunningGateway> => {
    const gateway = await startGateway({
      keyPrefix: PREFIX,
      redisPort: port,
      refreshInterval: '200ms',
    });
    cleanups.push(() => gateway.stop());
    return gateway;
  };
  const readyz = async (
    gateway: RunningGateway,
  ): Promise<{ status: number; report: ReadyzReport }> => {
    const reply = await gateway.get('/readyz');
    return { status: reply.status, report: JSON.parse(reply.body) as ReadyzReport };
  };

  const probeReadyz = async (
    gateway: RunningGateway,
  ): Promise<{ status: number; report: ReadyzReport }> => {
    const reply = await gateway.getProbe('/readyz');
    return { status: reply.status, report: JSON.parse(reply.body) as ReadyzReport };
  };
  const READY: { status: number; report: ReadyzReport } = {
    status: 200,
    report: {
      ready: true,
      checks: [
        { name: 'startup', ok: true },
        { name: 'render', ok: true },
      ],
    },
  };
  /** `gh_exporter_gateway_stale` of this replica's own process metrics (the probe port). */
  const ownStale = async (gateway: RunningGateway): Promise<number | undefined> =>
    sampleValue((await gateway.getProbe('/metrics')).body, 'gh_exporter_gateway_stale');

  it('stays ready and serves the last good render with the staleness gauge, and recovers', async () => {
    await writeSeries(redis.client, PREFIX, SERIES);
    const gateway = await start(redis.port);
    const fresh = await gateway.get('/metrics');
    expect(activitySection(fresh.body)).toBe(expectedActivityText(SERIES));
    expect(sampleValue(fresh.body, 'gh_exporter_gateway_stale')).toBe(0);
    expect(await ownStale(gateway)).toBe(0);
    expect(await readyz(gateway)).toEqual(READY);

    await redis.stop();
    const stale = await waitFor(
      async () => {
        const reply = await gateway.get('/metrics');
        return sampleValue(reply.body, 'gh_exporter_gateway_stale') === 1 ? reply : undefined;
      },
      { timeoutMs: 10_000, description: 'the staleness gauge at 1' },
    );
    expect(stale.status).toBe(200);
    expect(activitySection(stale.body)).toBe(expectedActivityText(SERIES));
    expect(sampleValue(stale.body, 'gh_exporter_gateway_stale_seconds')).toBeGreaterThan(0);
    expect(await ownStale(gateway)).toBe(1);

    // "Can serve": it can, so both /readyz (the public one and the probe port's, which the
    // kubelet asks) stay 200 and the replica stays in the Service.
    expect(await readyz(gateway)).toEqual(READY);
    expect(await probeReadyz(gateway)).toEqual(READY);
    const health = JSON.parse((await gateway.get('/healthz')).body) as {
      status: string;
      components: { redis: { status: string }; metrics: { status: string; detail: string } };
    };
    expect([
      health.status,
      health.components.redis.status,
      health.components.metrics.status,
    ]).toEqual(['down', 'down', 'degraded']);
    expect(health.components.metrics.detail).toMatch(/^serving the last good render/);

    await redis.start();
    await waitFor(
      async () =>
        sampleValue((await gateway.get('/metrics')).body, 'gh_exporter_gateway_stale') === 0,
      { timeoutMs: 20_000, description: 'a fresh render after Redis came back' },
    );
    expect(await ownStale(gateway)).toBe(0);
    expect(await readyz(gateway)).toEqual(READY);
    const own = (await gateway.getProbe('/metrics')).body;
    expect(
      sampleValue(own, 'gh_exporter_gateway_redis_read_passes_total', '{result="failure"}'),
    ).toBeGreaterThan(0);
  });

  it('shows its staleness on its own /metrics though no scrape reaches its public port', async () => {
    await writeSeries(redis.client, PREFIX, SERIES);
    const gateway = await start(redis.port);
    // The kubelet's first probe: the replica reads Redis once to have something to serve.
    await waitFor(async () => (await probeReadyz(gateway)).status === 200, {
      timeoutMs: 5_000,
      description: 'ready after its first render',
    });
    expect(await ownStale(gateway)).toBe(0);

    await redis.stop();
    await waitFor(async () => (await ownStale(gateway)) === 1, {
      timeoutMs: 10_000,
      description: 'the replica’s own staleness gauge at 1',
    });
    expect(await probeReadyz(gateway)).toEqual(READY);

    await redis.start();
    await waitFor(async () => (await ownStale(gateway)) === 0, {
      timeoutMs: 20_000,
      description: 'the replica’s own staleness gauge back at 0',
    });
    expect(await probeReadyz(gateway)).toEqual(READY);
    const own = (await gateway.getProbe('/metrics')).body;
    expect(
      sampleValue(
        own,
        'gh_exporter_gateway_scrapes_total',
        '{format="prometheus",encoding="identity"}',
      ),
    ).toBeUndefined();
  });

  it('answers its own /metrics after at most 2 s of retry while Redis accepts connections but never answers', async () => {
    const sockets = new Set<Socket>();
    const silent = createServer((socket) => {
      sockets.add(socket);
    });
    silent.listen(0, '127.0.0.1');
    await once(silent, 'listening');
    cleanups.push(async () => {
      for (const socket of sockets) socket.destroy();
      silent.close();
      await once(silent, 'close');
    });
    const gateway = await start((silent.address() as AddressInfo).port);
    const startedMs = Date.now();
    expect(await ownStale(gateway)).toBe(1);
    // The read pass itself waits up to its 10 s timeout; the scrape must not.
    expect(Date.now() - startedMs).toBeLessThan(4_000);
  });

  it('answers 503 with the reason, never an empty body, before Redis was ever read', async () => {
    const gateway = await start(await freePort());
    const reply = await waitFor(
      async () => {
        const answer = await gateway.get('/metrics');
        return answer.body.includes('ECONNREFUSED') ? answer : undefined;
      },
      { timeoutMs: 5_000, description: 'the connection error in the answer' },
    );
    expect(reply.status).toBe(503);
    expect(reply.body).toMatch(
      /^no metrics read from Redis yet: redis connection is \w+ \(connect ECONNREFUSED/,
    );
    // Nothing to serve yet, so not ready: a Service endpoint would only answer 503.
    const notReady = await readyz(gateway);
    expect(notReady.status).toBe(503);
    const renderCheck = notReady.report.checks.find((check) => check.name === 'render');
    expect(renderCheck?.ok).toBe(false);
    expect(renderCheck?.reason).toMatch(
      /^no metrics read from Redis yet: redis connection is \w+ \(connect ECONNREFUSED/,
    );
  });
});
