import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { loadConfig, type Config } from '@gse/config';
import {
  createGitHubSimulator,
  generateDataset,
  type GitHubSimulator,
  type GroundTruthSeries,
} from '@gse/github-sim';
import {
  httpGet,
  type LogLine,
  type OwnRabbitMqNode,
  type OwnRedisServer,
  type ServiceExit,
  type SpawnedService,
  spawnService,
  startOwnRabbitMqNode,
  startOwnRedisServer,
  waitFor,
} from '@gse/testing';
import { createLogger } from '@gse/logging';
import {
  createBackfillOutbox,
  createScrapeQueues,
  type BackfillOutbox,
  type ScrapeQueues,
} from '@gse/queues';
import { createAmqpFixture, type AmqpFixture } from '@gse/queues/testing';
import {
  createRedisBackfillState,
  createStoreKeys,
  type RedisBackfillState,
  type StoreKeys,
} from '@gse/store';

import {
  compareSeries,
  EXACT_LOC_INPUT,
  LOOPBACK_INPUT,
  LOOPBACK_SERVICES_INPUT,
  mergeInput,
  parseActivitySeries,
  RETENTION_MS,
  toOrgsInput,
  type ConfigInput,
} from './fleet-fixture.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/** Every service of the fleet, each started as its own process. */
export type FaultFleetService =
  'scheduler' | 'scraper-worker' | 'backfill-worker' | 'metrics-gateway';

export interface FaultFleetOptions {
  /** Orgs of the standard dataset to configure, with their `github.orgs[]` extras. */
  readonly orgs: Readonly<Record<string, ConfigInput>>;
  /** Merged over the fleet's config (sections deep, lists replaced). */
  readonly config?: ConfigInput;
}

/**
 * A fleet of real processes on brokers of its own: a Redis server and a RabbitMQ node that
 * the test starts (and may stop, wipe or block) and nobody else uses, the simulator in this
 * process, and one config file every service reads.
 */
export interface FaultFleet {
  readonly simulator: GitHubSimulator;
  readonly redis: OwnRedisServer;
  readonly rabbitmq: OwnRabbitMqNode;
  /** The fleet's backfill exchange and queues on {@link rabbitmq}, to look inside or publish raw. */
  readonly amqp: AmqpFixture;
  readonly config: Config;
  readonly keys: StoreKeys;
  /** The fleet's scrape queues (`bullmq.prefix`) on {@link redis}. */
  readonly queues: ScrapeQueues;
  /** The scrapers' side of backfill: stores windows in the Redis outbox. */
  readonly outbox: BackfillOutbox;
  /** The fleet's backfill bookkeeping in Redis (what waits in the outbox). */
  readonly backfillState: RedisBackfillState;
  /** Starts a service process on the fleet's config; killed at cleanup if still running. */
  spawn(service: FaultFleetService): SpawnedService;
  /** The processes of `service` that were spawned and not killed through {@link kill}, oldest first. */
  running(service: FaultFleetService): SpawnedService[];
  /** {@link spawn}, then waits until the process logged `service started`. */
  spawnReady(service: FaultFleetService): Promise<SpawnedService>;
  /**
   * Starts the fleet of the fault matrix, each service once it is ready: 2 schedulers,
   * 3 scraper workers, 1 backfill worker and 1 metrics gateway.
   */
  spawnAll(): Promise<void>;
  /** Waits until every configured org completed `cycles` more successful cycles than at the call. */
  awaitCycles(cycles: number, timeoutMs: number): Promise<void>;
  /** Signals a process (SIGKILL by default) and waits for its exit. */
  kill(process: SpawnedService, signal?: NodeJS.Signals): Promise<ServiceExit>;
  /** A fleet counter's or gauge's value in Redis (0 when absent). */
  counter(name: string, labels: readonly string[]): Promise<number>;
  /** The first running gateway's `/metrics` body (Prometheus text). */
  readGatewayMetrics(): Promise<string>;
  /** Messages of a queue on the fleet's RabbitMQ node, as `rabbitmqctl list_queues` counts them. */
  amqpQueueCounts(queue: string): Promise<AmqpQueueCounts>;
  /** The `gh_activity_*` series of the first running gateway's `/metrics`. */
  readGatewaySeries(): Promise<GroundTruthSeries[]>;
  /** The ground truth of each scraped repo at the time the store says it was scraped. */
  groundTruthAtScrapeTimes(): Promise<GroundTruthSeries[]>;
  /**
   * Waits until the gateway's `gh_activity_*` series equal the ground truth at the repos'
   * scrape times, then returns both (for an exact `toEqual` with a readable diff).
   */
  awaitGatewayMatchesTruth(timeoutMs: number): Promise<{
    readonly exposed: GroundTruthSeries[];
    readonly truth: GroundTruthSeries[];
  }>;
  cleanup(): Promise<void>;
}

export interface AmqpQueueCounts {
  readonly ready: number;
  /** Delivered to a consumer and not yet acked: in flight. */
  readonly unacked: number;
}

/** A service process starts in seconds alone, several times that on a loaded two-core machine. */
const SERVICE_START_TIMEOUT_MS = 180_000;

/** The log lines of `process` with `message`. */
export const linesOf = (process: SpawnedService, message: string): LogLine[] =>
  process.lines().filter((line) => line['message'] === message);

interface FleetProcess {
  readonly service: FaultFleetService;
  readonly process: SpawnedService;
  alive: boolean;
}

export async function startFaultFleet(options: FaultFleetOptions): Promise<FaultFleet> {
  const cleanups: (() => Promise<void>)[] = [];
  const runCleanups = async (): Promise<void> => {
    const errors: unknown[] = [];
    // LIFO and keeps going: a step that fails must not leave a broker behind.
    for (const step of cleanups.splice(0).reverse()) {
      await step().catch((error: unknown) => errors.push(error));
    }
    if (errors.length > 0) throw new AggregateError(errors, 'fault fleet cleanup failed');
  };
  try {
    return await buildFleet(options, cleanups, runCleanups);
  } catch (error) {
    await runCleanups().catch(() => undefined);
    throw error;
  }
}

async function buildFleet(
  options: FaultFleetOptions,
  cleanups: (() => Promise<void>)[],
  runCleanups: () => Promise<void>,
): Promise<FaultFleet> {
  const dir = await mkdtemp(join(tmpdir(), 'gse-fault-fleet-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const simulator = createGitHubSimulator({
    dataset: generateDataset({ seed: 42, generatedAtMs: Date.now() }),
    statsComputeDelayMs: 20,
    // The fault suite injects its own secondary limits; the points limit would add hits of
    // its own when workers catch up after a fault (GitHub's 900 REST points a minute).
    limits: { restSecondaryPointsPerMinute: 1_000_000 },
  });
  await simulator.start();
  cleanups.push(() => simulator.stop());
  const redis = await startOwnRedisServer();
  cleanups.push(() => redis.dispose());
  const rabbitmq = await startOwnRabbitMqNode();
  cleanups.push(() => rabbitmq.dispose());
  const keyFiles = new Map(
    (await simulator.writeKeys(join(dir, 'keys'))).map((key) => [key.org, key]),
  );
  const requeueDelaysMs = [1000, 2000];
  const amqp = await createAmqpFixture({ url: rabbitmq.url, requeueDelaysMs });
  // The node goes with its data at cleanup; its queues need no deleting when it is down.
  cleanups.push(() => amqp.cleanup().catch(() => undefined));
  const input = mergeInput(
    {
      server: LOOPBACK_INPUT,
      github: {
        api_base_url: simulator.url,
        // An org in cooldown after a fault is scraped again within a few intervals.
        unhealthy_cooldown: '10s',
        orgs: toOrgsInput(options.orgs, keyFiles, '5s'),
      },
      rate_limit: { min_remaining_threshold: 0, secondary_limit_backoff: '1s' },
      retry: { max_attempts: 2, initial_backoff: '20ms', max_backoff: '100ms' },
      loc: EXACT_LOC_INPUT,
      leader_election: { lease_duration: '2s', renew_deadline: '1500ms', retry_period: '300ms' },
      health: { github_probe_interval: '1s' },
      store: {
        redis_addr: `127.0.0.1:${redis.port}`,
        metric_refresh_interval: '500ms',
      },
      bullmq: { lock_duration: '3s', stalled_interval: '1s' },
      amqp: { url: rabbitmq.url, ...amqp.names },
      // A first read reads back to retention itself, as the fault tests' ground truth expects.
      backfill: {
        requeue_delays: requeueDelaysMs.map((ms) => `${ms}ms`),
        coalesce_window: '0s',
        history_in_background: false,
      },
      services: LOOPBACK_SERVICES_INPUT,
    },
    options.config ?? {},
  );
  const configPath = join(dir, 'config.yaml');
  // YAML is a superset of JSON.
  await writeFile(configPath, JSON.stringify(input, null, 2));
  const { config } = loadConfig({ env: { GITHUB_STATS_CONFIG: configPath }, cwd: dir });
  const keys = createStoreKeys(config.store.keyPrefix);
  const queues = createScrapeQueues({
    connection: redis.client,
    prefix: config.bullmq.prefix,
    jobAttempts: config.bullmq.jobAttempts,
    keepCompletedMs: config.bullmq.keepCompletedMs,
    keepFailedMs: config.bullmq.keepFailedMs,
  });
  cleanups.push(() => queues.close());
  const backfillState = createRedisBackfillState({
    redis: redis.client,
    keyPrefix: config.store.keyPrefix,
  });
  const outbox = createBackfillOutbox({
    backfill: config.backfill,
    state: backfillState,
    logger: createLogger({ service: 'fault-fleet', version: '0', level: 'error' }),
  });

  const processes: FleetProcess[] = [];
  // Processes go first at cleanup (pushed last): nothing may talk to brokers being stopped.
  cleanups.push(async () => {
    await Promise.all(processes.map(({ process }) => process.dispose()));
  });

  const counter = async (name: string, labels: readonly string[]): Promise<number> =>
    Number((await redis.client.hget(keys.telemetryMetric(name), JSON.stringify(labels))) ?? 0);

  async function readGatewayMetrics(): Promise<string> {
    const gateway = running('metrics-gateway')[0];
    if (!gateway) throw new Error('no metrics-gateway process is running');
    const address = await gateway.addressOf('public');
    const reply = await httpGet(address, '/metrics');
    if (reply.status !== 200) throw new Error(`gateway /metrics answered ${reply.status}`);
    return reply.body;
  }

  async function readGatewaySeries(): Promise<GroundTruthSeries[]> {
    return parseActivitySeries(await readGatewayMetrics());
  }

  async function amqpQueueCounts(queue: string): Promise<AmqpQueueCounts> {
    const listed = await rabbitmq.rabbitmqctl(
      'list_queues',
      'name',
      'messages_ready',
      'messages_unacknowledged',
    );
    for (const line of listed.split('\n')) {
      const [name, ready, unacked] = line.trim().split(/\s+/);
      if (name === queue) return { ready: Number(ready), unacked: Number(unacked) };
    }
    return { ready: 0, unacked: 0 };
  }

  async function groundTruthAtScrapeTimes(): Promise<GroundTruthSeries[]> {
    const index = await redis.client.zrangebyscore(keys.repoIndex, '-inf', '+inf', 'WITHSCORES');
    const scrapedAt = new Map<string, number>();
    for (let i = 0; i < index.length; i += 2) {
      scrapedAt.set(index[i] ?? '', Number(index[i + 1]));
    }
    const configured = new Set(Object.keys(options.orgs));
    const inScope = (rows: GroundTruthSeries[]): GroundTruthSeries[] =>
      rows.filter((row) => configured.has(row.org));
    const nowRows = inScope(simulator.groundTruth(Date.now(), { retentionMs: RETENTION_MS }));
    const repos = new Set([...nowRows.map((row) => `${row.org}/${row.repo}`), ...scrapedAt.keys()]);
    return [...repos]
      .flatMap((repoId) => {
        const atMs = scrapedAt.get(repoId);
        // A repo the store lacks shows up as its series at now, so the comparison fails on it.
        const rows =
          atMs === undefined
            ? nowRows
            : inScope(simulator.groundTruth(atMs, { retentionMs: RETENTION_MS }));
        return rows.filter((row) => `${row.org}/${row.repo}` === repoId);
      })
      .sort(compareSeries);
  }

  function running(service: FaultFleetService): SpawnedService[] {
    return processes
      .filter((entry) => entry.service === service && entry.alive)
      .map((entry) => entry.process);
  }

  function spawn(service: FaultFleetService): SpawnedService {
    const process = spawnService({
      packageDir: join(repoRoot, 'services', service),
      configPath,
      baseEnv: globalThis.process.env,
    });
    processes.push({ service, process, alive: true });
    return process;
  }

  async function spawnReady(service: FaultFleetService): Promise<SpawnedService> {
    const process = spawn(service);
    await waitFor(() => linesOf(process, 'service started').length > 0, {
      timeoutMs: SERVICE_START_TIMEOUT_MS,
      description: `${service} started`,
    });
    return process;
  }

  const orgs = Object.keys(options.orgs);
  const successes = (org: string): Promise<number> =>
    counter('gh_exporter_scrape_runs_total', [org, 'success']);

  return {
    simulator,
    redis,
    rabbitmq,
    amqp,
    config,
    keys,
    queues,
    outbox,
    backfillState,
    spawn,
    spawnReady,
    async spawnAll() {
      await Promise.all(
        (
          [
            'scheduler',
            'scheduler',
            'scraper-worker',
            'scraper-worker',
            'scraper-worker',
            'backfill-worker',
            'metrics-gateway',
          ] as const
        ).map(spawnReady),
      );
    },
    async awaitCycles(cycles, timeoutMs) {
      const before = await Promise.all(orgs.map(successes));
      await waitFor(
        async () => {
          const now = await Promise.all(orgs.map(successes));
          return now.every((count, index) => count >= (before[index] ?? 0) + cycles);
        },
        { timeoutMs, intervalMs: 200, description: `${cycles} more successful cycles per org` },
      );
    },
    running,
    async kill(process, signal = 'SIGKILL') {
      const entry = processes.find((candidate) => candidate.process === process);
      if (entry) entry.alive = false;
      process.kill(signal);
      return await process.exited(30_000);
    },
    counter,
    readGatewayMetrics,
    readGatewaySeries,
    amqpQueueCounts,
    groundTruthAtScrapeTimes,
    async awaitGatewayMatchesTruth(timeoutMs) {
      let last = { exposed: [] as GroundTruthSeries[], truth: [] as GroundTruthSeries[] };
      try {
        await waitFor(
          async () => {
            last = {
              exposed: await readGatewaySeries(),
              truth: await groundTruthAtScrapeTimes(),
            };
            return JSON.stringify(last.exposed) === JSON.stringify(last.truth);
          },
          { timeoutMs, intervalMs: 500, description: "the gateway's gh_activity_* = ground truth" },
        );
      } catch {
        // The caller's exact comparison shows the difference.
      }
      return last;
    },
    cleanup: runCleanups,
  };
}
