import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';

import { DEMO_GITHUB_SIM_PORT, DEMO_ORGS, loadConfig } from '@gse/config';
import type { GroundTruthSeries } from '@gse/github-sim';
import { createStoreKeys, decodeUserActivity } from '@gse/store';
import { freePort, isListening, waitFor } from '@gse/testing';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';

import { compareSeries, parseActivitySeries } from './fleet-fixture.js';

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

describe('npm start (tools/setup/setup.mjs, then tools/src/fleet.ts)', () => {
  it('in demo mode starts its own Redis and RabbitMQ where none answers, has the true gauges within 60 s, and leaves nothing behind after Ctrl-C', async () => {
    const { config: demo } = loadConfig({ env: {}, cwd: '/nonexistent' });
    const keys = createStoreKeys(demo.store.keyPrefix);
    const [redisPort, amqpPort] = [await freePort(), await freePort()];
    // Run from an empty directory, as a newcomer's shell would be: no config/local.yaml there.
    const operatorDir = await mkdtemp(join(tmpdir(), 'gse-npm-start-'));
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      GITHUB_STATS_REDIS_ADDR: `127.0.0.1:${redisPort}`,
      GITHUB_STATS_AMQP_URL: `amqp://guest:guest@127.0.0.1:${amqpPort}`,
    };
    delete env['GITHUB_STATS_CONFIG'];
    const brokerDirsBefore = await listBrokerDirs();
    const startedAtMs = Date.now();
    // Its own process group, so the test can send Ctrl-C the way a terminal does: to npm,
    // the launcher and everything else in the foreground group at once.
    const fleet = spawn('npm', ['start', '--prefix', repoRoot], {
      cwd: operatorDir,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let output = '';
    fleet.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    fleet.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    const exited = new Promise<number | null>((resolve) => fleet.on('exit', resolve));
    const redis = new Redis({ port: redisPort, host: '127.0.0.1', lazyConnect: true });
    let stopResult: unknown;
    redis.on('error', () => undefined);
    try {
      await waitFor(
        async () =>
          (
            await Promise.all(DEMO_PORTS.map((port) => answers(`http://127.0.0.1:${port}/livez`)))
          ).every(Boolean),
        { timeoutMs: 45_000, description: 'every demo service answering /livez' },
      );
      expect(await answers(`${SIM_URL}/meta`)).toBe(true);
      expect(output).toContain('[fleet] no config found: demo mode with the GitHub simulator');
      expect(output).toContain(`[fleet] started redis-server on 127.0.0.1:${redisPort}`);
      expect(output).toMatch(
        new RegExp(
          `\\[fleet\\] started rabbitmq-server gse-\\w+@localhost on 127.0.0.1:${amqpPort}`,
        ),
      );
      await redis.connect();

      const runs = keys.telemetryMetric('gh_exporter_scrape_runs_total');
      await waitFor(
        async () => {
          const done = await Promise.all(
            DEMO_ORGS.map(({ org }) => redis.hget(runs, JSON.stringify([org, 'success']))),
          );
          return done.every((count) => Number(count) >= 1);
        },
        { timeoutMs: 60_000 - (Date.now() - startedAtMs), description: 'a first cycle per org' },
      );
      // The ground truth counts every line; the product only can with the LOC fallback on and
      // one zero-line answer taken as proof of a 10,000+ commit repo.
      const countsEveryLine =
        demo.loc.fallbackEnabled && demo.loc.largeRepoZeroDetectionWindows === 1;
      const comparable = (rows: GroundTruthSeries[]): Partial<GroundTruthSeries>[] =>
        countsEveryLine ? rows : rows.map((row) => omit(row, LOC_FIELDS));
      // A successful cycle may count a repo whose job collapsed into an earlier cycle's, still
      // to run: the store is exact once that one has run too, within the same 60 s.
      const { stored, truth } = await waitFor(
        async () => {
          const read = await readSeriesAndTruth(keys, redis, demo.store.retentionMs);
          return isDeepStrictEqual(comparable(read.stored), comparable(read.truth)) && read;
        },
        {
          timeoutMs: Math.max(5_000, 60_000 - (Date.now() - startedAtMs)),
          intervalMs: 500,
          description: 'the stored series equal to the ground truth',
        },
      ).catch(() => readSeriesAndTruth(keys, redis, demo.store.retentionMs));
      expect(stored.length).toBeGreaterThan(0);
      expect(comparable(stored)).toEqual(comparable(truth));

      // What Prometheus sees: the gateway's business series equal the same ground truth once
      // its shared snapshot (store.metric_refresh_interval) has caught up with the store.
      await waitFor(
        async () => {
          const exposed = parseActivitySeries(
            await (await fetch('http://127.0.0.1:8080/metrics')).text(),
          );
          const now = await readSeriesAndTruth(keys, redis, demo.store.retentionMs);
          return JSON.stringify(comparable(exposed)) === JSON.stringify(comparable(now.truth));
        },
        {
          timeoutMs: demo.store.metricRefreshIntervalMs + 15_000,
          intervalMs: 1000,
          description: "the gateway's gh_activity_* series equal to the ground truth",
        },
      );
      // Demo mode reads Copilot reports of both orgs and of the simulator's enterprise: the
      // users reports' breakdowns, the aggregate reports' totals (user="all") and pull requests.
      const copilotSeries: [prefix: string, label: string][] = [
        ['gh_copilot_usage_loc_added_sum_by_ide{', ''],
        ['gh_copilot_usage_loc_added_sum{', 'user="all"'],
        ['gh_copilot_usage_pull_requests_total_created{', ''],
      ];
      await waitFor(
        async () => {
          const lines = (await (await fetch('http://127.0.0.1:8080/metrics')).text()).split('\n');
          return ['org="acme"', 'org="globex"', 'scope="enterprise"'].every((scope) =>
            copilotSeries.every(([prefix, label]) =>
              lines.some(
                (line) => line.startsWith(prefix) && line.includes(scope) && line.includes(label),
              ),
            ),
          );
        },
        {
          timeoutMs: demo.store.metricRefreshIntervalMs + 30_000,
          intervalMs: 1000,
          description: 'Copilot series of both orgs and the enterprise on /metrics',
        },
      );
      // What must be gone after the stop: every process of this run, brokers included.
      const running = await listRunProcesses(redisPort);
      for (const command of [
        'redis-server',
        'beam.smp',
        'epmd',
        'services/scheduler/src/main.ts',
      ]) {
        expect(running.some((line) => line.includes(command))).toBe(true);
      }
    } finally {
      redis.disconnect();
      // Ctrl-C, and its end awaited even when an assertion above failed: a launcher whose
      // output pipe closed under it could not stop what it started.
      if (fleet.exitCode === null && fleet.pid !== undefined) process.kill(-fleet.pid, 'SIGINT');
      // The launcher stops every service within its own deadline (30 s), then kills them.
      stopResult = await Promise.race([
        exited,
        new Promise((resolve) => setTimeout(resolve, 45_000, 'still running')),
      ]);
      await rm(operatorDir, { recursive: true, force: true });
    }
    expect(stopResult).toBe(0);
    for (const name of [
      'github-sim',
      'scheduler',
      'scraper-worker',
      'backfill-worker',
      'metrics-gateway',
    ]) {
      expect(output).toMatch(new RegExp(`\\[${name}\\] +exited \\(code 0\\)`));
    }
    expect(output).not.toMatch(/ERR!|npm error|failed/);
    expect(await listRunProcesses(redisPort)).toEqual([]);
    const dirsLeft = (await listBrokerDirs()).filter((dir) => !brokerDirsBefore.includes(dir));
    expect(dirsLeft).toEqual([]);
    expect(await isListening('127.0.0.1', redisPort)).toBe(false);
    expect(await isListening('127.0.0.1', amqpPort)).toBe(false);
  }, 150_000);
});

/** The data directories of brokers started from `@gse/testing` under the OS temp dir. */
async function listBrokerDirs(): Promise<string[]> {
  return (await readdir(tmpdir())).filter((name) => /^gse-(redis|rabbitmq)-/.test(name)).sort();
}

/**
 * Every running process of this run, as `pid cmdline`: npm, the launcher, the services, the
 * simulator and RabbitMQ inherit its Redis address in their environment (nothing else on the
 * machine has it), and redis-server, whose process title overwrites its environment, names
 * its port on its command line.
 */
async function listRunProcesses(redisPort: number): Promise<string[]> {
  const variable = `GITHUB_STATS_REDIS_ADDR=127.0.0.1:${redisPort}`;
  const found: string[] = [];
  for (const pid of await readdir('/proc')) {
    if (!/^\d+$/.test(pid) || Number(pid) === process.pid) continue;
    const environ = await readFile(`/proc/${pid}/environ`, 'utf8').catch(() => '');
    const cmdline = (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => ''))
      .split('\0')
      .join(' ')
      .trim();
    if (environ.split('\0').includes(variable) || cmdline.includes(`127.0.0.1:${redisPort}`)) {
      found.push(`${pid} ${cmdline}`);
    }
  }
  return found;
}

/**
 * Every stored series, and the simulator's ground truth for each scraped repo at the time
 * the store says it was scraped (the demo simulator is another process: its control API).
 */
async function readSeriesAndTruth(
  keys: ReturnType<typeof createStoreKeys>,
  redis: Redis,
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

function omit(row: GroundTruthSeries, fields: readonly string[]): Partial<GroundTruthSeries> {
  return Object.fromEntries(Object.entries(row).filter(([field]) => !fields.includes(field)));
}
