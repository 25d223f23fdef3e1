import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import { ACTIVITY_METRICS } from '@gse/activity';
import { DEMO_GITHUB_SIM_PORT, DEMO_ORGS, loadConfig } from '@gse/config';
import type { GroundTruthSeries } from '@gse/github-sim';
import { createStoreKeys, decodeUserActivity } from '@gse/store';
import { createRedisFixture, deleteKeysWithPrefix, waitFor } from '@gse/testing';
import { describe, expect, it } from 'vitest';

import { compareSeries } from './fleet-fixture.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
// The demo config's fixed addresses: the gateway's public port and each service's probe port.
const DEMO_PORTS = [8080, 9101, 9102, 9103, 9104];
const SIM_URL = `http://127.0.0.1:${DEMO_GITHUB_SIM_PORT}`;

async function answers(url: string): Promise<boolean> {
  try {
    return (await fetch(url)).ok;
  } catch {
    return false;
  }
}

const LOC_FIELDS = ['locAddedWeekly', 'locRemovedWeekly'] as const;

describe('pnpm start (tools/src/fleet.ts)', () => {
  it('runs the simulator and the four services in demo mode, has the true gauges in Redis within 60 s, and stops them all on SIGINT', async () => {
    const { config: demo } = loadConfig({ env: {}, cwd: '/nonexistent' });
    const keys = createStoreKeys(demo.store.keyPrefix);
    const redis = await createRedisFixture();
    // Demo mode always uses the default prefixes: start from an empty store, as a fresh clone.
    const sweep = async (): Promise<void> => {
      await deleteKeysWithPrefix(redis.redis, `${demo.store.keyPrefix}:`);
      await deleteKeysWithPrefix(redis.redis, `${demo.bullmq.prefix}:`);
    };
    await sweep();
    const env: NodeJS.ProcessEnv = { ...process.env, INIT_CWD: '/nonexistent' };
    delete env['GITHUB_STATS_CONFIG'];
    const startedAtMs = Date.now();
    const fleet = spawn(
      process.execPath,
      ['--import', 'tsx', '--conditions=@gse/source', 'tools/src/fleet.ts'],
      { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    fleet.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    fleet.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    const exited = new Promise<number | null>((resolve) => fleet.on('exit', resolve));
    try {
      await waitFor(
        async () =>
          (
            await Promise.all(DEMO_PORTS.map((port) => answers(`http://127.0.0.1:${port}/livez`)))
          ).every(Boolean),
        { timeoutMs: 30_000, description: 'every demo service answering /livez' },
      );
      expect(await answers(`${SIM_URL}/meta`)).toBe(true);
      expect(output).toContain('[fleet] no config found: demo mode with the GitHub simulator');

      const runs = keys.telemetryMetric('gh_exporter_scrape_runs_total');
      await waitFor(
        async () => {
          const done = await Promise.all(
            DEMO_ORGS.map(({ org }) => redis.redis.hget(runs, JSON.stringify([org, 'success']))),
          );
          return done.every((count) => Number(count) >= 1);
        },
        { timeoutMs: 60_000 - (Date.now() - startedAtMs), description: 'a first cycle per org' },
      );
      const { stored, truth } = await readSeriesAndTruth(keys, redis.redis, demo.store.retentionMs);
      // The ground truth counts every line; the product only can with the LOC fallback on and
      // one zero-line answer taken as proof of a 10,000+ commit repo.
      const countsEveryLine =
        demo.loc.fallbackEnabled && demo.loc.largeRepoZeroDetectionWindows === 1;
      const comparable = (rows: GroundTruthSeries[]): Partial<GroundTruthSeries>[] =>
        countsEveryLine ? rows : rows.map((row) => omit(row, LOC_FIELDS));
      expect(stored.length).toBeGreaterThan(0);
      expect(comparable(stored)).toEqual(comparable(truth));

      // What Prometheus sees: the gateway's business series equal the same ground truth once
      // its shared snapshot (store.metric_refresh_interval) has caught up with the store.
      await waitFor(
        async () => {
          const exposed = parseActivitySeries(
            await (await fetch('http://127.0.0.1:8080/metrics')).text(),
          );
          const now = await readSeriesAndTruth(keys, redis.redis, demo.store.retentionMs);
          return JSON.stringify(comparable(exposed)) === JSON.stringify(comparable(now.truth));
        },
        {
          timeoutMs: demo.store.metricRefreshIntervalMs + 15_000,
          intervalMs: 1000,
          description: "the gateway's gh_activity_* series equal to the ground truth",
        },
      );
    } finally {
      fleet.kill('SIGINT');
    }
    // The launcher stops every service within its own deadline (30 s), then kills them.
    expect(
      await Promise.race([
        exited,
        new Promise((resolve) => setTimeout(resolve, 35_000, 'still running')),
      ]),
    ).toBe(0);
    for (const name of [
      'github-sim',
      'scheduler',
      'scraper-worker',
      'backfill-worker',
      'metrics-gateway',
    ]) {
      expect(output).toMatch(new RegExp(`\\[${name}\\] +exited \\(code 0\\)`));
    }
    await sweep();
    await redis.cleanup();
  }, 120_000);
});

/**
 * Every stored series, and the simulator's ground truth for each scraped repo at the time
 * the store says it was scraped (the demo simulator is another process: its control API).
 */
async function readSeriesAndTruth(
  keys: ReturnType<typeof createStoreKeys>,
  redis: Awaited<ReturnType<typeof createRedisFixture>>['redis'],
  retentionMs: number,
): Promise<{ stored: GroundTruthSeries[]; truth: GroundTruthSeries[] }> {
  const truthAt = async (atMs: number): Promise<GroundTruthSeries[]> => {
    const response = await fetch(
      `${SIM_URL}/_sim/ground-truth?atMs=${atMs}&retentionMs=${retentionMs}`,
    );
    return (await response.json()) as GroundTruthSeries[];
  };
  const index = await redis.zrangebyscore(keys.repoIndex, '-inf', '+inf', 'WITHSCORES');
  const stored: GroundTruthSeries[] = [];
  const truth: GroundTruthSeries[] = [];
  const scraped = new Set<string>();
  for (let i = 0; i < index.length; i += 2) {
    const repoId = index[i] ?? '';
    const [org = '', repo = ''] = repoId.split('/');
    scraped.add(repoId);
    for (const [user, encoded] of Object.entries(
      await redis.hgetall(keys.repoSeries({ org, repo })),
    )) {
      stored.push({ org, repo, user, ...decodeUserActivity(encoded) });
    }
    truth.push(
      ...(await truthAt(Number(index[i + 1]))).filter(
        (row) => row.org === org && row.repo === repo,
      ),
    );
  }
  // A repo with series in the ground truth that the store lacks fails the comparison.
  truth.push(
    ...(await truthAt(Date.now())).filter((row) => !scraped.has(`${row.org}/${row.repo}`)),
  );
  return { stored: stored.sort(compareSeries), truth: truth.sort(compareSeries) };
}

/** The `gh_activity_*` samples of a Prometheus text body, as series rows. */
function parseActivitySeries(body: string): GroundTruthSeries[] {
  const fieldOf = new Map(ACTIVITY_METRICS.map((metric) => [metric.name, metric.field]));
  const rows = new Map<string, GroundTruthSeries>();
  const sample = /^(gh_activity_\w+)\{org="([^"]*)",repo="([^"]*)",user="([^"]*)"\} (\S+)$/;
  for (const line of body.split('\n')) {
    const match = sample.exec(line);
    const field = match ? fieldOf.get(match[1] ?? '') : undefined;
    if (!match || field === undefined) continue;
    const [, , org = '', repo = '', user = '', value = ''] = match;
    const key = `${org}/${repo}/${user}`;
    const row = rows.get(key) ?? ({ org, repo, user } as GroundTruthSeries);
    rows.set(key, { ...row, [field]: Number(value) });
  }
  return [...rows.values()].sort(compareSeries);
}

function omit(row: GroundTruthSeries, fields: readonly string[]): Partial<GroundTruthSeries> {
  return Object.fromEntries(Object.entries(row).filter(([field]) => !fields.includes(field)));
}
