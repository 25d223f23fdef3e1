import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { loadConfig, type Config } from '@gse/config';
import { toScrapeOptions } from '@gse/fleet-adapters';
import { createGitHubClient, type GitHubClient } from '@gse/github';
import {
  createGitHubSimulator,
  generateDataset,
  type GitHubSimulator,
  type GroundTruthSeries,
  type SimDataset,
} from '@gse/github-sim';
import type { Service } from '@gse/lifecycle';
import {
  type CapturedLogger,
  createCapturedLogger,
  createRedisFixture,
  type RedisFixture,
  waitFor,
} from '@gse/testing';
import {
  createBackfillOutbox,
  createBackfillPublisher,
  type BackfillOutbox,
  type BackfillPublisher,
  type BackfillRequest,
  type BackfillResource,
} from '@gse/queues';
import { createAmqpFixture, type AmqpFixture } from '@gse/queues/testing';
import { discoverRepos, scrapeRepo, type RepoScrapeOutcome, type ScrapeWindow } from '@gse/scrape';
import {
  createActivityStore,
  createOrgRepoSync,
  createRedisBackfillState,
  createRedisEtagCache,
  createRedisInstallationSemaphore,
  createRedisInstallationTokenCache,
  createRedisLocFallbackBudget,
  createRepoCheckpointStore,
  createStoreKeys,
  type ActivityStore,
  type OrgRepoSyncResult,
} from '@gse/store';
import { readFleetTelemetry, type LabelValues, type MetricDefinition } from '@gse/telemetry';

import { createBackfillWorker, type BackfillWorkerTuning } from '../src/app.js';

const DELAYS = ['200ms', '400ms'];

export interface WorldOptions {
  /** Lines of YAML added under `backfill:`. */
  readonly backfillYaml?: readonly string[];
  /**
   * `backfill.history_in_background` (default false here: most tests start from a repo read
   * back to retention by its first scrape).
   */
  readonly historyInBackground?: boolean;
  readonly tuning?: BackfillWorkerTuning;
  readonly bench?: { readonly repoCount: number };
  /** `backfill.consumer_count` (4). */
  readonly consumerCount?: number;
  /** The repos the test's scraper (and the series comparison) covers; default every one. */
  readonly repoFilter?: (ref: { readonly org: string; readonly repo: string }) => boolean;
  /** A RabbitMQ of the test's own (one it restarts); default the machine's shared one. */
  readonly amqpUrl?: string;
}

// RSA key generation is the slow part of a dataset: every world of a test file reuses the keys.
let keyPairs: SimDataset['apps'] | undefined;

/**
 * The backfill path end to end: the simulator, a real Redis prefix, unique RabbitMQ names,
 * the backfill worker built from a real config file, an outbox like the scraper's, a publisher like the worker's, and the
 * scraper's use case (`scrapeRepo`) for the cycles that miss windows.
 */
export interface BackfillWorld {
  readonly simulator: GitHubSimulator;
  readonly dataset: SimDataset;
  readonly redis: RedisFixture;
  readonly amqp: AmqpFixture;
  readonly config: Config;
  readonly logs: CapturedLogger;
  /** The scrapers' clock (the dataset's end unless a test moves it). */
  nowMs: number;
  /** The scraper's side: hands missing windows to the Redis outbox. */
  readonly outbox: BackfillOutbox;
  /**
   * A publisher like the worker's, without its timer: a test publishes the outbox with
   * `sweep()` when it wants to look at the queue before a worker runs.
   */
  readonly publisher: BackfillPublisher;
  /** Starts the worker (in process, as `main.ts` would). */
  startWorker(): Promise<Service>;
  stopWorker(): Promise<void>;
  /**
   * Scrapes one repo as the scraper would, at `nowMs` (exactly `window`, when given); with
   * its GitHub id as a repo job has it.
   */
  scrape(
    org: string,
    repo: string | { readonly name: string; readonly id: number },
    window?: ScrapeWindow,
  ): Promise<RepoScrapeOutcome>;
  /**
   * The store follows the org's repos by GitHub id, as an org cycle does before its repo
   * jobs: discovery (every repo admitted), then `OrgRepoSync`.
   */
  syncOrg(org: string): Promise<OrgRepoSyncResult>;
  /** One repo's stored series, by user, in the ground truth's shape. */
  readSeries(org: string, repo: string): Promise<GroundTruthSeries[]>;
  /** Every repo the fleet scrapes (that `repoFilter` keeps), in order. */
  readonly repos: readonly { readonly org: string; readonly repo: string }[];
  readAllSeries(): Promise<GroundTruthSeries[]>;
  groundTruth(): GroundTruthSeries[];
  /** A fleet counter's or gauge's value for the labels, as Redis has it (0 when absent). */
  metricValue<L extends string>(
    metric: MetricDefinition<L>,
    labels: LabelValues<L>,
  ): Promise<number>;
  close(): Promise<void>;
}

/** The windows a scrape outcome misses, as the scraper hands them to backfill. */
export function toBackfillRequests(outcome: RepoScrapeOutcome): BackfillRequest[] {
  return outcome.missing.map((missing) => ({
    org: outcome.ref.org,
    repo: outcome.ref.repo,
    resource: missing.resource satisfies BackfillResource,
    fromMs: missing.window.fromMs,
    toMs: missing.window.toMs,
    reason: missing.reason,
    lastError: missing.error,
  }));
}

export async function createBackfillWorld(options: WorldOptions = {}): Promise<BackfillWorld> {
  const dataset = generateDataset({
    seed: 42,
    generatedAtMs: Date.now(),
    ...(options.bench ? { profile: 'bench' as const, bench: options.bench } : {}),
    ...(keyPairs ? { keyPairs } : {}),
  });
  keyPairs ??= dataset.apps;
  const simulator = createGitHubSimulator({
    dataset,
    statsComputeDelayMs: 30,
    // These tests are about what backfills store and how messages flow, not pacing: windows
    // read back to back can pass GitHub's 900 REST points a minute.
    limits: { restSecondaryPointsPerMinute: 1_000_000 },
  });
  await simulator.start();
  const redis = await createRedisFixture();
  const amqp = await createAmqpFixture({
    requeueDelaysMs: [200, 400],
    ...(options.amqpUrl === undefined ? {} : { url: options.amqpUrl }),
  });
  const dir = await mkdtemp(join(tmpdir(), 'gse-backfill-'));
  const keys = await simulator.writeKeys(dir);
  const config = await writeConfig(dir, {
    simulator,
    keys,
    amqp,
    keyPrefix: redis.keyPrefix,
    backfillYaml: [
      `consumer_count: ${options.consumerCount ?? 4}`,
      `history_in_background: ${options.historyInBackground ?? false}`,
      // The world's orgs are small: the background route is what these tests are about.
      'history_in_background_min_repos: 0',
      ...(options.backfillYaml ?? []),
    ],
  });
  const logs = createCapturedLogger('info');
  const clock = { nowMs: dataset.generatedAtMs };

  const tuning: BackfillWorkerTuning = {
    queueStatsIntervalMs: 200,
    sweepIntervalMs: 200,
    telemetryFlushIntervalMs: 100,
    republishBackoffMs: 50,
    amqpMaxReconnectDelayMs: 300,
    now: () => clock.nowMs,
    ...options.tuning,
  };

  const ports = { redis: redis.redis, keyPrefix: redis.keyPrefix };
  const scraperStore: ActivityStore = createActivityStore({
    ...ports,
    retentionMs: config.store.retentionMs,
    maxSeriesBudget: 1_000_000,
  });
  const state = createRedisBackfillState(ports);
  const outbox = createBackfillOutbox({ backfill: config.backfill, state, logger: logs.logger });
  const publisher = createBackfillPublisher({
    amqp: config.amqp,
    backfill: config.backfill,
    state,
    logger: logs.logger,
    connectionName: 'test publisher',
  });
  await publisher.start();
  // Connected means the topology is declared: a test may publish raw messages from here on.
  await waitFor(() => publisher.connected, {
    timeoutMs: 10_000,
    description: 'publisher connected',
  });
  const shutdown = new AbortController();
  const clients = new Map<string, GitHubClient>(
    simulator.apps.map((app) => [
      app.org,
      createGitHubClient({
        org: app.org,
        baseUrl: simulator.url,
        appId: app.appId,
        installationId: app.installationId,
        privateKeyPem: app.privateKeyPem,
        requestTimeoutMs: 10_000,
        userAgent: 'gse-backfill-test',
        rateLimit: { minRemaining: 0, minResetBufferMs: 0, secondaryLimitBackoffMs: 100 },
        retry: { maxAttempts: 1, initialBackoffMs: 10, maxBackoffMs: 50, jitter: true },
        etagCache: createRedisEtagCache(ports),
        semaphore: createRedisInstallationSemaphore({
          ...ports,
          maxConcurrent: config.rateLimit.maxConcurrentRequestsPerInstallation,
          logger: logs.logger,
        }),
        tokenCache: createRedisInstallationTokenCache(ports),
        logger: logs.logger,
        signal: shutdown.signal,
      }),
    ]),
  );
  const checkpoints = createRepoCheckpointStore(ports);
  const locBudget = createRedisLocFallbackBudget({
    ...ports,
    maxCommitsPerRepoPerWeek: 10_000,
    maxCommitDetailCallsPerOrgPerHour: 10_000,
  });
  const repos = dataset.orgs.flatMap((org) =>
    org.repos
      .filter((repo) => !repo.archived && !repo.disabled)
      .map((repo) => ({ org: org.login, repo: repo.name }))
      .filter((ref) => options.repoFilter?.(ref) ?? true),
  );
  const covered = new Set(repos.map((ref) => `${ref.org}/${ref.repo}`));
  let worker: Service | undefined;
  const clientOf = (org: string): GitHubClient => {
    const client = clients.get(org);
    if (!client) throw new Error(`no client for ${org}`);
    return client;
  };
  const repoSync = createOrgRepoSync(ports);
  const readSeries = async (org: string, repo: string): Promise<GroundTruthSeries[]> =>
    [...(await scraperStore.readSeries({ org, repo }))]
      .map(([user, activity]) => ({ org, repo, user, ...activity }))
      .sort(compareSeries);

  return {
    simulator,
    dataset,
    redis,
    amqp,
    config,
    logs,
    get nowMs() {
      return clock.nowMs;
    },
    set nowMs(value: number) {
      clock.nowMs = value;
    },
    outbox,
    publisher,
    repos,
    startWorker: async () => {
      worker ??= createBackfillWorker({ config, logger: logs.logger }, tuning);
      await worker.start();
      return worker;
    },
    stopWorker: async () => {
      await worker?.stop();
    },
    syncOrg: async (org) => {
      const { admitted } = await discoverRepos({ client: clientOf(org), org, allowlist: ['*'] });
      return repoSync.sync(org, admitted);
    },
    readSeries,
    scrape: (org, repo, window) =>
      scrapeRepo(
        {
          client: clientOf(org),
          store: scraperStore,
          checkpoints,
          locBudget,
          options: toScrapeOptions(config),
          logger: logs.logger,
          signal: shutdown.signal,
          now: () => clock.nowMs,
        },
        typeof repo === 'string'
          ? { org, repo, ...(window ? { window } : {}) }
          : { org, repo: repo.name, repoId: repo.id, ...(window ? { window } : {}) },
      ),
    readAllSeries: async () => {
      const rows: GroundTruthSeries[] = [];
      for (const { org, repo } of repos) rows.push(...(await readSeries(org, repo)));
      return rows.sort(compareSeries);
    },
    groundTruth: () =>
      simulator
        .groundTruth(clock.nowMs, {
          retentionMs: config.store.retentionMs,
          excludeBots: config.github.excludeBots,
        })
        .filter((row) => covered.has(`${row.org}/${row.repo}`)),
    metricValue: async (metric, labels) => {
      const stored = await readFleetTelemetry(
        redis.redis,
        (metricName) => createStoreKeys(redis.keyPrefix).telemetryMetric(metricName),
        [metric],
      );
      const wanted = metric.labels.map((label) => labels[label]);
      const metricSamples = stored[0]?.kind === 'samples' ? stored[0].samples : [];
      const sample = metricSamples.find((entry) =>
        entry.labelValues.every((value, index) => value === wanted[index]),
      );
      return sample?.value ?? 0;
    },
    close: async () => {
      await worker?.stop();
      await publisher.close();
      shutdown.abort(new Error('test finished'));
      await scraperStore.close();
      await amqp.cleanup();
      await redis.cleanup();
      await simulator.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function writeConfig(
  dir: string,
  input: {
    readonly simulator: GitHubSimulator;
    readonly keys: readonly {
      readonly org: string;
      readonly appId: number;
      readonly installationId: number;
      readonly privateKeyPath: string;
    }[];
    readonly amqp: AmqpFixture;
    readonly keyPrefix: string;
    readonly backfillYaml: readonly string[];
  },
): Promise<Config> {
  const listen = "listen_addr: '127.0.0.1:0'";
  const yaml = [
    'server:',
    `  ${listen}`,
    'github:',
    `  api_base_url: ${JSON.stringify(input.simulator.url)}`,
    '  orgs:',
    ...input.keys.flatMap((key) => [
      `    - org: ${key.org}`,
      `      app_id: ${key.appId}`,
      `      installation_id: ${key.installationId}`,
      `      private_key_path: ${JSON.stringify(key.privateKeyPath)}`,
      '      scrape_interval: 5m',
    ]),
    'rate_limit:',
    '  min_remaining_threshold: 0',
    '  secondary_limit_backoff: 100ms',
    'retry:',
    '  max_attempts: 1',
    '  initial_backoff: 10ms',
    '  max_backoff: 50ms',
    'loc:',
    '  stats_poll_attempts: 8',
    '  stats_poll_initial_delay: 10ms',
    '  fallback_enabled: true',
    '  large_repo_zero_detection_windows: 1',
    '  fallback_max_commits_per_repo_per_week: 10000',
    '  fallback_max_commit_detail_calls_per_org_per_hour: 10000',
    'backfill:',
    `  requeue_delays: [${DELAYS.join(', ')}]`,
    '  coalesce_window: 0',
    ...input.backfillYaml.map((line) => `  ${line}`),
    'amqp:',
    `  url: ${JSON.stringify(input.amqp.url)}`,
    `  exchange: ${JSON.stringify(input.amqp.names.exchange)}`,
    `  queue: ${JSON.stringify(input.amqp.names.queue)}`,
    `  dlq: ${JSON.stringify(input.amqp.names.dlq)}`,
    'store:',
    `  key_prefix: ${JSON.stringify(input.keyPrefix)}`,
    'services:',
    ...['scheduler', 'scraper_worker', 'backfill_worker', 'metrics_gateway'].flatMap((service) => [
      `  ${service}:`,
      `    ${listen}`,
    ]),
  ].join('\n');
  const path = join(dir, 'config.yaml');
  await writeFile(path, yaml);
  return loadConfig({ env: { GITHUB_STATS_CONFIG: path }, cwd: dir }).config;
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const compareSeries = (a: GroundTruthSeries, b: GroundTruthSeries): number =>
  compare(a.org, b.org) || compare(a.repo, b.repo) || compare(a.user, b.user);
