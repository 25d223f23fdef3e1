import { createLogger } from '@gse/logging';
import { createStoreKeys } from '@gse/store';
import { createFleetTelemetry, FLEET_METRICS } from '@gse/telemetry';
import { createRedisFixture, waitFor, type RedisFixture } from '@gse/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import {
  OPENMETRICS_ACCEPT,
  sampleValue,
  startGateway,
  waitForReadPasses,
  type GatewayFixtureOptions,
  type RunningGateway,
} from './gateway-fixture.js';
import {
  activityFrom,
  activitySection,
  expectedActivityText,
  writeSeries,
  type TestSeries,
} from './series-fixture.js';

const SERIES: TestSeries[] = [
  { org: 'acme', repo: 'web', user: 'zed', activity: activityFrom(20) },
  { org: 'acme', repo: 'api', user: 'ann', activity: activityFrom(0) },
  { org: 'acme', repo: 'api', user: 'bob[bot]', activity: activityFrom(10) },
  { org: 'globex', repo: 'api', user: 'unlinked', activity: activityFrom(30) },
];

describe('metrics gateway /metrics', () => {
  let fixture: RedisFixture;
  const gateways: RunningGateway[] = [];
  const start = async (options: Partial<GatewayFixtureOptions> = {}): Promise<RunningGateway> => {
    const gateway = await startGateway({ keyPrefix: fixture.keyPrefix, ...options });
    gateways.push(gateway);
    return gateway;
  };

  beforeEach(async () => {
    fixture = await createRedisFixture();
    await writeSeries(fixture.redis, fixture.keyPrefix, SERIES);
  });
  afterEach(async () => {
    await Promise.all(gateways.splice(0).map((gateway) => gateway.stop()));
    await fixture.cleanup();
  });

  it('serves every business series and the fleet telemetry as Prometheus text 0.0.4', async () => {
    const telemetry = createFleetTelemetry({
      redis: fixture.redis,
      keyOf: (name) => createStoreKeys(fixture.keyPrefix).telemetryMetric(name),
      logger: createLogger({ service: 'test', version: '0', level: 'error' }),
      flushIntervalMs: 60_000,
    });
    telemetry.increment(FLEET_METRICS.scrapeRuns, { org: 'acme', result: 'success' }, 3);
    telemetry.observe(FLEET_METRICS.scrapeDuration, { org: 'acme', result: 'success' }, 4);
    telemetry.replace(FLEET_METRICS.leaderInfo, [
      { labels: { holder: 'scheduler-1', fencing_token: '7' }, value: 1 },
    ]);
    await telemetry.close();
    const gateway = await start();

    const reply = await gateway.get('/metrics');
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(activitySection(reply.body)).toBe(expectedActivityText(SERIES));
    const lines = reply.body.split('\n');
    expect(lines).toContain('# TYPE gh_exporter_scrape_runs_total counter');
    expect(lines).toContain('gh_exporter_scrape_runs_total{org="acme",result="success"} 3');
    expect(lines).toContain(
      'gh_exporter_scrape_duration_seconds_bucket{org="acme",result="success",le="2.5"} 0',
    );
    expect(lines).toContain(
      'gh_exporter_scrape_duration_seconds_bucket{org="acme",result="success",le="5"} 1',
    );
    expect(lines).toContain(
      'gh_exporter_scrape_duration_seconds_sum{org="acme",result="success"} 4',
    );
    expect(lines).toContain('gh_exporter_leader_info{holder="scheduler-1",fencing_token="7"} 1');
    expect(sampleValue(reply.body, 'gh_exporter_series')).toBe(SERIES.length);
    expect(sampleValue(reply.body, 'gh_exporter_series_budget')).toBe(500_000);
    expect(sampleValue(reply.body, 'gh_exporter_gateway_stale')).toBe(0);
    expect(sampleValue(reply.body, 'gh_exporter_gateway_stale_seconds')).toBe(0);
    expect(reply.body.includes('# EOF')).toBe(false);
  });

  it('serves OpenMetrics 1.0.0 when Accept asks for it, with the same samples and # EOF', async () => {
    const gateway = await start();
    const text = await gateway.get('/metrics');
    const open = await gateway.get('/metrics', { headers: { accept: OPENMETRICS_ACCEPT } });
    expect(open.headers['content-type']).toBe(
      'application/openmetrics-text; version=1.0.0; charset=utf-8',
    );
    expect(open.body.endsWith('\n# EOF\n')).toBe(true);
    expect(open.body.split('\n')).toContain('# TYPE gh_exporter_scrape_runs counter');
    expect(open.body.split('\n')).toContain('# UNIT gh_exporter_scrape_duration_seconds seconds');
    const samples = (body: string): string[] =>
      body.split('\n').filter((line) => line !== '' && !line.startsWith('#'));
    expect(samples(open.body)).toEqual(samples(text.body));
  });

  it('compresses with gzip when the scraper accepts it', async () => {
    const gateway = await start();
    const plain = await gateway.get('/metrics');
    const gzipped = await gateway.get('/metrics', { headers: { 'accept-encoding': 'gzip' } });
    expect(gzipped.headers['content-encoding']).toBe('gzip');
    expect(gzipped.headers.vary).toBe('Accept, Accept-Encoding');
    expect([...gzipped.raw.subarray(0, 2)]).toEqual([0x1f, 0x8b]);
    expect(gzipped.body).toBe(plain.body);
  });

  it('returns the same body from every replica', async () => {
    const [first, second] = await Promise.all([start(), start()]);
    const bodies = await Promise.all(
      [first, second].map(async (gateway) => (await gateway.get('/metrics')).body),
    );
    expect(bodies[0]).toBeDefined();
    expect(bodies[1]).toBe(bodies[0]);
  });

  it('answers 20 concurrent scrapes from one Redis read pass', async () => {
    const gateway = await start({ refreshInterval: '30s' });
    const replies = await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        gateway.get('/metrics', index % 2 === 0 ? {} : { headers: { accept: OPENMETRICS_ACCEPT } }),
      ),
    );
    expect(replies.map((reply) => reply.status)).toEqual(Array<number>(20).fill(200));
    expect(new Set(replies.map((reply) => reply.body)).size).toBe(2);
    const own = (await gateway.getProbe('/metrics')).body;
    expect(
      sampleValue(own, 'gh_exporter_gateway_redis_read_passes_total', '{result="success"}'),
    ).toBe(1);
    expect(
      sampleValue(
        own,
        'gh_exporter_gateway_scrapes_total',
        '{format="prometheus",encoding="identity"}',
      ),
    ).toBe(10);
    expect(
      sampleValue(
        own,
        'gh_exporter_gateway_scrapes_total',
        '{format="openmetrics",encoding="identity"}',
      ),
    ).toBe(10);
  });

  it('shares one gzipped render between concurrent and later Prometheus scrapes', async () => {
    const gateway = await start({ refreshInterval: '30s' });
    const prometheus = { accept: OPENMETRICS_ACCEPT, 'accept-encoding': 'gzip' };
    const replies = await Promise.all(
      Array.from({ length: 20 }, () => gateway.get('/metrics', { headers: prometheus })),
    );
    const later = await gateway.get('/metrics', { headers: prometheus });
    expect(new Set([...replies, later].map((reply) => reply.raw.toString('base64'))).size).toBe(1);
    expect(later.body.endsWith('# EOF\n')).toBe(true);
    const own = (await gateway.getProbe('/metrics')).body;
    expect([
      sampleValue(own, 'gh_exporter_gateway_redis_read_passes_total', '{result="success"}'),
      sampleValue(
        own,
        'gh_exporter_gateway_scrapes_total',
        '{format="openmetrics",encoding="gzip"}',
      ),
      sampleValue(
        own,
        'gh_exporter_gateway_renders_total',
        '{format="openmetrics",encoding="gzip"}',
      ),
    ]).toEqual([1, 21, 1]);
  });

  it('leaves out, and reports, what it cannot write validly; the rest still renders', async () => {
    const keys = createStoreKeys(fixture.keyPrefix);
    await fixture.redis.hset(keys.repoSeries({ org: 'acme', repo: 'api' }), 'broken', '1,2,x');
    await fixture.redis.hset(
      keys.telemetryMetric(FLEET_METRICS.scrapeRuns.name),
      JSON.stringify(['acme']),
      4,
      JSON.stringify(['acme', 'success']),
      2,
    );
    const gateway = await start();
    const reply = await gateway.get('/metrics');
    expect(activitySection(reply.body)).toBe(expectedActivityText(SERIES));
    expect(
      reply.body.split('\n').filter((line) => line.startsWith('gh_exporter_scrape_runs_total')),
    ).toEqual(['gh_exporter_scrape_runs_total{org="acme",result="success"} 2']);
    expect(
      gateway.logs
        .lines()
        .find((line) => line['message'] === 'corrupt series left out of the render'),
    ).toMatchObject({
      corruptSeries: 1,
      malformedFleetSamples: 1,
      examples: [{ org: 'acme', repo: 'api', user: 'broken' }],
    });
    const health = JSON.parse((await gateway.get('/healthz')).body) as {
      components: { metrics: { status: string; detail: string } };
    };
    expect(health.components.metrics.status).toBe('degraded');
    expect(health.components.metrics.detail).toMatch(/; 1 corrupt series left out$/);
  });

  it('reads Redis again once the render is older than store.metric_refresh_interval', async () => {
    const gateway = await start({ refreshInterval: '100ms' });
    const label = '{org="acme",repo="api",user="ann"}';
    expect(
      sampleValue((await gateway.get('/metrics')).body, 'gh_activity_commits_24h', label),
    ).toBe(0);
    await writeSeries(fixture.redis, fixture.keyPrefix, [
      { org: 'acme', repo: 'api', user: 'ann', activity: activityFrom(5) },
    ]);
    await waitFor(
      async () =>
        sampleValue((await gateway.get('/metrics')).body, 'gh_activity_commits_24h', label) === 5,
      { timeoutMs: 5_000, description: 'the new value in /metrics' },
    );
    await waitForReadPasses(gateway, 'failure', 0);
  });
});
