import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { createLogger } from '@gse/logging';
import { createStoreKeys } from '@gse/store';
import { createFleetTelemetry, FLEET_METRICS } from '@gse/telemetry';
import { createRedisFixture, freePort, waitFor, type RedisFixture } from '@gse/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { request, sampleValue, startGateway, type RunningGateway } from './gateway-fixture.js';
import { activityFrom, writeSeries, type TestSeries } from './series-fixture.js';

const WEIRD_USER = 'we"ird\\us\ner';
const SERIES: TestSeries[] = [
  { org: 'acme', repo: 'api', user: 'ann', activity: activityFrom(3) },
  { org: 'acme', repo: 'api', user: 'bob', activity: activityFrom(11) },
  { org: 'globex', repo: 'web', user: 'unlinked', activity: activityFrom(7) },
  { org: 'acme', repo: 'weird', user: WEIRD_USER, activity: activityFrom(42) },
];

interface PromVector {
  readonly status: string;
  readonly data: {
    readonly result: readonly {
      readonly metric: Readonly<Record<string, string>>;
      readonly value: readonly [number, string];
    }[];
  };
}

/** Runs `promtool check metrics` on `body`: its exit code and everything it printed. */
async function promtoolCheck(body: string): Promise<{ code: number | null; output: string }> {
  const child = spawn('promtool', ['check', 'metrics'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stdin.end(body);
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, output };
}

describe('a real Prometheus scraping the gateway', () => {
  let fixture: RedisFixture;
  let gateway: RunningGateway;
  let prometheus: ChildProcess | undefined;
  let dir: string;
  let prometheusAddress: { host: string; port: number };

  const query = async (promql: string): Promise<PromVector> => {
    const reply = await request(
      prometheusAddress,
      `/api/v1/query?query=${encodeURIComponent(promql)}`,
    );
    return JSON.parse(reply.body) as PromVector;
  };

  beforeAll(async () => {
    fixture = await createRedisFixture();
    await writeSeries(fixture.redis, fixture.keyPrefix, SERIES);
    const telemetry = createFleetTelemetry({
      redis: fixture.redis,
      keyOf: (name) => createStoreKeys(fixture.keyPrefix).telemetryMetric(name),
      logger: createLogger({ service: 'test', version: '0', level: 'error' }),
      flushIntervalMs: 60_000,
    });
    telemetry.increment(FLEET_METRICS.scrapeRuns, { org: 'acme', result: 'success' }, 5);
    telemetry.observe(FLEET_METRICS.scrapeDuration, { org: 'acme', result: 'success' }, 0.7);
    telemetry.observe(FLEET_METRICS.scrapeDuration, { org: 'acme', result: 'success' }, 20);
    telemetry.set(FLEET_METRICS.queueOldestJobAge, { queue: 'repo-jobs' }, 12.5);
    telemetry.replace(FLEET_METRICS.leaderInfo, [
      { labels: { holder: 'scheduler-0', fencing_token: '4' }, value: 1 },
    ]);
    telemetry.increment(FLEET_METRICS.leaderChanges, {}, 2);
    await telemetry.close();
    gateway = await startGateway({ keyPrefix: fixture.keyPrefix, refreshInterval: '1s' });
    dir = await mkdtemp(join(tmpdir(), 'gse-prometheus-'));
    const target = `${gateway.publicAddress.host}:${gateway.publicAddress.port}`;
    await writeFile(
      join(dir, 'prometheus.yml'),
      [
        'global:',
        '  scrape_interval: 1s',
        '  scrape_timeout: 1s',
        'scrape_configs:',
        '  - job_name: gateway',
        '    static_configs:',
        `      - targets: ['${target}']`,
        '',
      ].join('\n'),
    );
    prometheusAddress = { host: '127.0.0.1', port: await freePort() };
    prometheus = spawn(
      'prometheus',
      [
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=${prometheusAddress.host}:${prometheusAddress.port}`,
        '--log.level=warn',
      ],
      { stdio: 'ignore' },
    );
    await waitFor(
      async () => {
        const result = await query('gh_activity_commits_24h').catch(() => undefined);
        return result !== undefined && result.data.result.length === SERIES.length;
      },
      { timeoutMs: 20_000, description: 'Prometheus to have scraped the gateway' },
    );
  }, 30_000);

  afterAll(async () => {
    if (prometheus && prometheus.exitCode === null) {
      const exited = once(prometheus, 'exit');
      prometheus.kill('SIGTERM');
      await exited;
    }
    await gateway.stop();
    await fixture.cleanup();
    await rm(dir, { recursive: true, force: true });
  });

  it('negotiates OpenMetrics (gzipped) and scrapes without errors', async () => {
    const targets = JSON.parse(
      (await request(prometheusAddress, '/api/v1/targets?state=active')).body,
    ) as { data: { activeTargets: { health: string; lastError: string }[] } };
    expect(
      targets.data.activeTargets.map(({ health, lastError }) => ({ health, lastError })),
    ).toEqual([{ health: 'up', lastError: '' }]);
    const own = (await gateway.getProbe('/metrics')).body;
    expect(
      sampleValue(
        own,
        'gh_exporter_gateway_scrapes_total',
        '{format="openmetrics",encoding="gzip"}',
      ),
    ).toBeGreaterThan(0);
    expect(
      sampleValue(
        own,
        'gh_exporter_gateway_scrapes_total',
        '{format="prometheus",encoding="gzip"}',
      ),
    ).toBeUndefined();
  });

  it('answers PromQL with the ground-truth value of every series and metric', async () => {
    for (const metric of [
      'gh_activity_commits_24h',
      'gh_activity_loc_removed_weekly',
      'gh_activity_last_event_unixtime',
    ] as const) {
      const result = await query(metric);
      const field =
        metric === 'gh_activity_commits_24h'
          ? 'commits24h'
          : metric === 'gh_activity_loc_removed_weekly'
            ? 'locRemovedWeekly'
            : 'lastEventUnixtime';
      const seen = result.data.result
        .map(({ metric: labels, value }) => ({
          org: labels['org'],
          repo: labels['repo'],
          user: labels['user'],
          value: Number(value[1]),
        }))
        .sort((a, b) => (`${a.repo}${a.user}` < `${b.repo}${b.user}` ? -1 : 1));
      const expected = SERIES.map(({ org, repo, user, activity }) => ({
        org,
        repo,
        user,
        value: activity[field],
      })).sort((a, b) => (`${a.repo}${a.user}` < `${b.repo}${b.user}` ? -1 : 1));
      expect(seen).toEqual(expected);
    }
  });

  it('reads the fleet counters, histograms and gauges as written', async () => {
    const value = async (promql: string): Promise<string | undefined> =>
      (await query(promql)).data.result[0]?.value[1];
    expect(await value('gh_exporter_scrape_runs_total{org="acme",result="success"}')).toBe('5');
    expect(await value('gh_exporter_scrape_duration_seconds_bucket{le="1"}')).toBe('1');
    expect(await value('gh_exporter_scrape_duration_seconds_bucket{le="+Inf"}')).toBe('2');
    expect(await value('gh_exporter_scrape_duration_seconds_sum')).toBe('20.7');
    expect(await value('gh_exporter_queue_oldest_job_age_seconds{queue="repo-jobs"}')).toBe('12.5');
    expect(await value('gh_exporter_leader_info{holder="scheduler-0",fencing_token="4"}')).toBe(
      '1',
    );
    expect(await value('gh_exporter_leader_changes_total')).toBe('2');
    expect(await value('gh_exporter_gateway_stale')).toBe('0');
  });

  it('keeps a label value with ", \\ and a newline unchanged', async () => {
    const result = await query('gh_activity_prs_merged_24h{repo="weird"}');
    expect(result.data.result.map(({ metric }) => metric['user'])).toEqual([WEIRD_USER]);
    expect(result.data.result[0]?.value[1]).toBe(String(activityFrom(42).prsMerged24h));
  });

  it('passes promtool check metrics on the Prometheus text body', async () => {
    const reply = await gateway.get('/metrics');
    expect(reply.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(await promtoolCheck(reply.body)).toEqual({ code: 0, output: '' });
  });
});
