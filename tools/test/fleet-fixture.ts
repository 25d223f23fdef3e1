import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';

import { ACTIVITY_METRICS } from '@gse/activity';
import {
  createGitHubSimulator,
  generateDataset,
  type GitHubSimulator,
  type GitHubSimulatorOptions,
  type GroundTruthSeries,
} from '@gse/github-sim';
import { loadConfig } from '@gse/config';
import {
  createRedisFixture,
  httpGet,
  type ListenAddress,
  type RedisFixture,
  type SpawnedService,
  spawnService,
  waitFor,
} from '@gse/testing';
import { createLogger } from '@gse/logging';
import {
  createBackfillPublisher,
  createScrapeQueues,
  decodeBackfillMessage,
  type BackfillRequest,
  type ScrapeQueues,
} from '@gse/queues';
import { createAmqpFixture, type AmqpFixture } from '@gse/queues/testing';
import {
  createRedisBackfillState,
  createStoreKeys,
  decodeUserActivity,
  type StoreKeys,
} from '@gse/store';
import { expect } from 'vitest';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const DAY_MS = 86_400_000;
export const RETENTION_MS = 30 * DAY_MS;

/** A service of the fleet this fixture can start as a real process. */
export type FleetService = 'scheduler' | 'scraper-worker' | 'backfill-worker' | 'metrics-gateway';

/** Config overrides, as YAML-shaped input (snake_case keys), merged into the fixture's. */
export type ConfigInput = Readonly<Record<string, unknown>>;

export interface FleetFixtureOptions {
  /** Orgs of the standard dataset to configure, with their `github.orgs[]` extras. */
  readonly orgs: Readonly<Record<string, ConfigInput>>;
  /** Merged over the fixture's config (sections deep, lists replaced). */
  readonly config?: ConfigInput;
  readonly simulator?: Partial<GitHubSimulatorOptions>;
}

/** A simulator, a Redis prefix and a config file: what a fleet of real processes runs on. */
export interface FleetFixture {
  readonly simulator: GitHubSimulator;
  readonly redis: RedisFixture;
  readonly keys: StoreKeys;
  /** The fleet's own backfill exchange and queues on the machine's RabbitMQ. */
  readonly amqp: AmqpFixture;
  /** The scrape queues of the fleet under test (`bullmq.prefix`), for enqueuing and inspection. */
  readonly queues: ScrapeQueues;
  /** Starts a service process on the fixture's config; killed at cleanup if still running. */
  spawn(service: FleetService): SpawnedService;
  /**
   * Merges `extra` into the org's `github.orgs[]` entry of the config file: services spawned
   * from then on run on it; running ones keep what they loaded.
   */
  rewriteOrgConfig(org: string, extra: ConfigInput): Promise<void>;
  /** Every stored series with its repo's scrape time, in the ground truth's shape and order. */
  readStoredSeries(): Promise<GroundTruthSeries[]>;
  /**
   * Publishes the fleet's Redis outbox as the backfill worker does (its publisher, without
   * its consumer, so only the test takes messages off the queue), then takes every backfill
   * request waiting in the fleet's RabbitMQ main queue.
   */
  drainBackfillRequests(): Promise<BackfillRequest[]>;
  /** The ground truth of each scraped repo at the time the store says it was scraped. */
  groundTruthAtScrapeTimes(): Promise<GroundTruthSeries[]>;
  cleanup(): Promise<void>;
}

export async function createFleetFixture(options: FleetFixtureOptions): Promise<FleetFixture> {
  const dataset = generateDataset({ seed: 42, generatedAtMs: Date.now() });
  const simulator = createGitHubSimulator({
    dataset,
    statsComputeDelayMs: 20,
    // Fleet tests compare /metrics with the ground truth, not pacing: the first cycles scrape
    // every repo at once and can pass GitHub's 900 REST points a minute. A test about limits
    // sets its own `limits`.
    limits: { restSecondaryPointsPerMinute: 1_000_000 },
    ...options.simulator,
  });
  await simulator.start();
  const dir = await mkdtemp(join(tmpdir(), 'gse-fleet-'));
  const keyFiles = new Map(
    (await simulator.writeKeys(join(dir, 'keys'))).map((key) => [key.org, key]),
  );
  const redis = await createRedisFixture();
  const amqp = await createAmqpFixture({ requeueDelaysMs: [60_000] });
  const bullPrefix = `${redis.keyPrefix}-bull`;
  let config = mergeInput(
    {
      server: LOOPBACK_INPUT,
      github: {
        api_base_url: simulator.url,
        orgs: toOrgsInput(options.orgs, keyFiles, '1h'),
      },
      rate_limit: { min_remaining_threshold: 0 },
      retry: { initial_backoff: '20ms', max_backoff: '100ms' },
      loc: EXACT_LOC_INPUT,
      store: { key_prefix: redis.keyPrefix },
      bullmq: { prefix: bullPrefix },
      amqp: amqp.names,
      // Each missed window as it was: tests compare them one by one. A first read reads back
      // to retention itself: most fleets here run no backfill worker to read the history.
      backfill: { coalesce_window: '0s', requeue_delays: ['1m'], history_in_background: false },
      services: LOOPBACK_SERVICES_INPUT,
    },
    options.config ?? {},
  );
  const configPath = join(dir, 'config.yaml');
  // YAML is a superset of JSON.
  await writeFile(configPath, JSON.stringify(config, null, 2));
  const keys = createStoreKeys(redis.keyPrefix);
  const queues = createScrapeQueues({
    connection: redis.redis,
    prefix: bullPrefix,
    jobAttempts: 3,
    keepCompletedMs: 3_600_000,
    keepFailedMs: 3_600_000,
  });
  const spawned: SpawnedService[] = [];
  const { config: loaded } = loadConfig({
    env: { GITHUB_STATS_CONFIG: configPath, GITHUB_STATS_AMQP_URL: amqp.url },
    cwd: dir,
  });
  const publisher = createBackfillPublisher({
    amqp: loaded.amqp,
    backfill: loaded.backfill,
    state: createRedisBackfillState({ redis: redis.redis, keyPrefix: redis.keyPrefix }),
    logger: createLogger({ service: 'fleet-fixture', version: '0', level: 'error' }),
    connectionName: 'fleet-fixture publisher',
  });
  await publisher.start();

  async function readStoredSeries(): Promise<GroundTruthSeries[]> {
    const rows: GroundTruthSeries[] = [];
    for (const repoId of await redis.redis.zrange(keys.repoIndex, 0, '-1')) {
      const [org = '', repo = ''] = repoId.split('/');
      const stored = await redis.redis.hgetall(keys.repoSeries({ org, repo }));
      for (const [user, encoded] of Object.entries(stored)) {
        rows.push({ org, repo, user, ...decodeUserActivity(encoded) });
      }
    }
    return rows.sort(compareSeries);
  }

  return {
    simulator,
    redis,
    keys,
    amqp,
    queues,
    spawn(service) {
      const process = spawnService({
        packageDir: join(repoRoot, 'services', service),
        configPath,
        baseEnv: globalThis.process.env,
      });
      spawned.push(process);
      return process;
    },
    async rewriteOrgConfig(org, extra) {
      const github = config['github'] as ConfigInput;
      const orgs = (github['orgs'] as ConfigInput[]).map((entry) =>
        entry['org'] === org ? mergeInput(entry, extra) : entry,
      );
      config = { ...config, github: { ...github, orgs } };
      await writeFile(configPath, JSON.stringify(config, null, 2));
    },
    readStoredSeries,
    async drainBackfillRequests() {
      await waitFor(() => publisher.connected, {
        timeoutMs: 10_000,
        description: 'the fixture publisher connected',
      });
      await publisher.sweep();
      return (await amqp.drain(amqp.topology.mainQueue)).map((raw) => {
        const decoded = decodeBackfillMessage(raw.content);
        if (!decoded.ok) throw new Error(decoded.error);
        const { org, repo, resource, window, reason } = decoded.message;
        return {
          org,
          ...(repo === undefined ? {} : { repo }),
          resource,
          fromMs: window.fromMs,
          toMs: window.toMs,
          reason,
        };
      });
    },
    async groundTruthAtScrapeTimes() {
      const index = await redis.redis.zrangebyscore(keys.repoIndex, '-inf', '+inf', 'WITHSCORES');
      const scrapedAt = new Map<string, number>();
      for (let i = 0; i < index.length; i += 2) {
        scrapedAt.set(index[i] ?? '', Number(index[i + 1]));
      }
      // Repos with no series anywhere in the ground truth are not in the index either.
      const configured = new Set(Object.keys(options.orgs));
      const rows = simulator
        .groundTruth(Date.now(), { retentionMs: RETENTION_MS })
        .filter((row) => configured.has(row.org));
      const repos = [...new Set(rows.map((row) => `${row.org}/${row.repo}`))];
      return repos
        .flatMap((repoId) => {
          const atMs = scrapedAt.get(repoId);
          if (atMs === undefined) return [];
          return simulator
            .groundTruth(atMs, { retentionMs: RETENTION_MS })
            .filter((row) => `${row.org}/${row.repo}` === repoId);
        })
        .concat(
          // A repo the store lacks shows up as its series at now, so the comparison fails on it.
          rows.filter((row) => !scrapedAt.has(`${row.org}/${row.repo}`)),
        )
        .sort(compareSeries);
    },
    async cleanup() {
      await Promise.all(spawned.map((process) => process.dispose()));
      await queues.close();
      await publisher.close();
      await amqp.cleanup();
      // The BullMQ prefix starts with the store's: one sweep removes both.
      await redis.cleanup();
      await simulator.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export interface AcmeFleetOptions {
  /** acme's repos the fleet reads (`repo_allowlist`). */
  readonly repos: readonly string[];
  /** acme's `scrape_interval`, e.g. `2s`. */
  readonly scrapeInterval: string;
  /** `store.metric_refresh_interval`: how soon the gateway serves a scrape. */
  readonly metricRefreshInterval: string;
  /** Merged over the rest of the config. */
  readonly config?: ConfigInput;
}

/** A fleet fixture for some of acme's repos, scraped every `scrapeInterval`. */
export function createAcmeFleet(options: AcmeFleetOptions): Promise<FleetFixture> {
  return createFleetFixture({
    orgs: { acme: { scrape_interval: options.scrapeInterval, repo_allowlist: options.repos } },
    config: mergeInput(
      { store: { metric_refresh_interval: options.metricRefreshInterval } },
      options.config ?? {},
    ),
  });
}

/** The processes of {@link startScrapingFleet}. */
export interface ScrapingFleet {
  /** The gateway's public listener (`/metrics`). */
  readonly gateway: ListenAddress;
  readonly worker: SpawnedService;
}

/** Spawns a gateway, a scheduler and a scraper worker, and waits for the gateway's address. */
export async function startScrapingFleet(fleet: FleetFixture): Promise<ScrapingFleet> {
  const gateway = fleet.spawn('metrics-gateway');
  fleet.spawn('scheduler');
  const worker = fleet.spawn('scraper-worker');
  return { gateway: await gateway.addressOf('public', 30_000), worker };
}

/** The gateway's `gh_activity_*` samples, as series rows. */
export async function readExposedSeries(gateway: ListenAddress): Promise<GroundTruthSeries[]> {
  const reply = await httpGet(gateway, '/metrics');
  if (reply.status !== 200) throw new Error(`gateway /metrics answered ${reply.status}`);
  return parseActivitySeries(reply.body);
}

/** What the gateway serves, and the ground truth of `repos` at each repo's scrape time. */
export interface ExposedAndTruth {
  readonly exposed: GroundTruthSeries[];
  readonly truth: GroundTruthSeries[];
}

export async function readExposedAndTruth(
  fleet: FleetFixture,
  gateway: ListenAddress,
  repos: readonly string[],
): Promise<ExposedAndTruth> {
  const exposed = await readExposedSeries(gateway);
  const truth = (await fleet.groundTruthAtScrapeTimes()).filter((row) => repos.includes(row.repo));
  return { exposed, truth };
}

/**
 * Waits until the gateway serves exactly the ground truth of `repos` and resolves to what it
 * serves; past `timeoutMs` it reads once more and asserts, so the failure shows the difference.
 */
export async function expectMetricsEqualTruth(
  fleet: FleetFixture,
  gateway: ListenAddress,
  repos: readonly string[],
  wait: { readonly timeoutMs: number; readonly description: string },
): Promise<GroundTruthSeries[]> {
  const read = (): Promise<ExposedAndTruth> => readExposedAndTruth(fleet, gateway, repos);
  const { exposed, truth } = await waitFor(
    async () => {
      const last = await read();
      return isDeepStrictEqual(last.exposed, last.truth) && last;
    },
    { ...wait, intervalMs: 250 },
  ).catch(read);
  expect(exposed).toEqual(truth);
  return exposed;
}

const NO_ACTIVITY = Object.fromEntries(ACTIVITY_METRICS.map((metric) => [metric.field, 0]));

/** The `gh_activity_*` samples of a Prometheus text body, as series rows. */
export function parseActivitySeries(body: string): GroundTruthSeries[] {
  const fieldOf = new Map(ACTIVITY_METRICS.map((metric) => [metric.name, metric.field]));
  const rows = new Map<string, GroundTruthSeries>();
  const sample = /^(gh_activity_\w+)\{org="([^"]*)",repo="([^"]*)",user="([^"]*)"\} (\S+)$/;
  for (const line of body.split('\n')) {
    const match = sample.exec(line);
    const field = match ? fieldOf.get(match[1] ?? '') : undefined;
    if (!match || field === undefined) continue;
    const [, , org = '', repo = '', user = '', value = ''] = match;
    const key = `${org}/${repo}/${user}`;
    // A family the gateway leaves out (an optional one switched off) reads 0, as in the truth.
    const row = rows.get(key) ?? ({ org, repo, user, ...NO_ACTIVITY } as GroundTruthSeries);
    rows.set(key, { ...row, [field]: Number(value) });
  }
  return [...rows.values()].sort(compareSeries);
}

/** A listen address on a free loopback port. */
export const LOOPBACK_INPUT: ConfigInput = { listen_addr: '127.0.0.1:0' };

/** `services:` with every server on a free loopback port and a short shutdown. */
export const LOOPBACK_SERVICES_INPUT: ConfigInput = {
  scheduler: LOOPBACK_INPUT,
  scraper_worker: LOOPBACK_INPUT,
  backfill_worker: LOOPBACK_INPUT,
  metrics_gateway: LOOPBACK_INPUT,
  shutdown_timeout: '5s',
};

/**
 * `github.orgs[]` of the simulator's orgs: each with its app's key file (`writeKeys`), the
 * default `scrapeInterval` and the caller's extras.
 */
export function toOrgsInput(
  orgs: Readonly<Record<string, ConfigInput>>,
  keyFiles: ReadonlyMap<
    string,
    { readonly appId: number; readonly installationId: number; readonly privateKeyPath: string }
  >,
  scrapeInterval: string,
): ConfigInput[] {
  return Object.entries(orgs).map(([org, extra]) => {
    const key = keyFiles.get(org);
    if (!key) throw new Error(`the simulator has no org ${org}`);
    return {
      org,
      app_id: key.appId,
      installation_id: key.installationId,
      private_key_path: key.privateKeyPath,
      scrape_interval: scrapeInterval,
      ...extra,
    };
  });
}

/** `loc:` for the simulator, fast, counting every line as its ground truth does. */
export const EXACT_LOC_INPUT: ConfigInput = {
  stats_poll_initial_delay: '20ms',
  // The ground truth counts every line: beyond the stats' top 100 and in the repo whose
  // stats report zero lines (one such answer is proof enough here).
  fallback_enabled: true,
  large_repo_zero_detection_windows: 1,
};

/** `base` with `override` merged in: objects deeply, anything else (lists too) replaced. */
export function mergeInput(base: ConfigInput, override: ConfigInput): ConfigInput {
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) {
    const current = merged[key];
    merged[key] = isRecord(current) && isRecord(value) ? mergeInput(current, value) : value;
  }
  return merged;
}

function isRecord(value: unknown): value is ConfigInput {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The ground truth's order: org, repo, user. */
export const compareSeries = (a: GroundTruthSeries, b: GroundTruthSeries): number =>
  compare(a.org, b.org) || compare(a.repo, b.repo) || compare(a.user, b.user);
