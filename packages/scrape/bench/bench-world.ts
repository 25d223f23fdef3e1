import { toNoreplyDomain } from '@gse/activity';
import {
  createGitHubClient,
  type EtagCache,
  type GitHubClient,
  type InstallationSemaphore,
  type InstallationTokenCache,
} from '@gse/github';
import {
  createGitHubSimulator,
  generateDataset,
  MAX_REST_PRIMARY_PER_HOUR,
  type GitHubSimulator,
  type GroundTruthSeries,
  type SimAppCredentials,
} from '@gse/github-sim';
import { createLogger, type Logger } from '@gse/logging';
import {
  createActivityStore,
  createRedisEtagCache,
  createRedisInstallationSemaphore,
  createRedisInstallationTokenCache,
  createRedisLocFallbackBudget,
  createRepoCheckpointStore,
  createUserLoginChecks,
} from '@gse/store';
import { createRedisFixture } from '@gse/testing';
import { Writable } from 'node:stream';

import {
  checkUserLogins,
  detectRepoChanges,
  planCommentReconciles,
  scrapeRepo,
  storeFingerprintAfterScrape,
  type CheckUserLoginsResult,
  type CommentReconcilePlan,
  type RepoChanges,
  type RepoScrapeOutcome,
  type ScrapeOptions,
  type ScrapeRepoRequest,
} from '../src/index.js';

const DAY_MS = 86_400_000;

/** What a backfill message asks a scrape to read. */
export type BenchBackfill = Required<Pick<ScrapeRepoRequest, 'window' | 'resources'>>;

/** The shape of the benchmarked org. */
export interface BenchWorldOptions {
  readonly seed: number;
  readonly repoCount: number;
  readonly activeRepoFraction: number;
  /** `backfill.history_in_background` (default false: a first read reads all of retention). */
  readonly historyInBackground?: boolean;
}

/** `github.login_check_interval`'s default. */
const BENCH_LOGIN_CHECK_INTERVAL_MS = 3_600_000;

/** `github.quiet_repo_reread_interval`'s default. */
const BENCH_QUIET_REPO_REREAD_INTERVAL_MS = 24 * 3_600_000;

/**
 * One org in the simulator, our scraper on real Redis, and a client for the baseline. The
 * scrapers' clock is `nowMs`: the benchmark moves it by the scrape interval per cycle,
 * while the simulator keeps real time (its App-JWT checks use the real clock).
 */
export interface BenchWorld {
  readonly simulator: GitHubSimulator;
  readonly org: string;
  /** The repos a cycle scrapes (not archived, not disabled), in dataset order. */
  readonly repos: readonly string[];
  nowMs: number;
  /**
   * Our product path: `scrapeRepo` with checkpoints, ETags and the shared token; with a
   * window and resources, a backfill's read (without ETags, as the backfill-worker's client);
   * with resources alone, a quiet repo's comment reconcile.
   */
  scrape(
    repo: string,
    read?: BenchBackfill | Pick<BenchBackfill, 'resources'>,
  ): Promise<RepoScrapeOutcome>;
  /** The org cycle's change detection (`github.change_detection: graphql`) at `nowMs`. */
  detectChanges(cycleIntervalMs: number): Promise<RepoChanges>;
  /** Of the quiet repos, those due for their hourly comment reconcile, as the org cycle picks them. */
  planCommentReconciles(
    quiet: readonly string[],
    cycleIntervalMs: number,
  ): Promise<CommentReconcilePlan>;
  /** The org cycle's share of the login checks (`github.login_check_interval`: 1 h). */
  checkLogins(cycleIntervalMs: number): Promise<CheckUserLoginsResult>;
  /** Stores or deletes a changed repo's fingerprint after its scrape, as the worker does. */
  storeFingerprint(
    repo: string,
    fingerprint: string | undefined,
    outcome: RepoScrapeOutcome,
  ): Promise<void>;
  /** Recomputes quiet repos' series from the ledger at `nowMs`, as the org cycle does. */
  refreshSeries(repos: readonly string[]): Promise<void>;
  /** The same client implementation with no ETag store and a token of its own. */
  readonly baselineClient: GitHubClient;
  /** Every stored series, sorted as the ground truth is. */
  readAllSeries(): Promise<GroundTruthSeries[]>;
  groundTruth(): GroundTruthSeries[];
  close(): Promise<void>;
}

/**
 * Production defaults of `store.retention` and `loc.*` (`fallback_enabled: false`), but for
 * `loc.stats_poll_initial_delay`: 25 ms instead of 1 s, as the simulator computes statistics
 * in 20 ms (the wait costs time, not requests).
 */
export const BENCH_SCRAPE_OPTIONS: Omit<ScrapeOptions, 'noreplyDomain'> = {
  retentionMs: 30 * DAY_MS,
  commentReconcileIntervalMs: 3_600_000,
  loc: {
    refreshIntervalMs: DAY_MS,
    statsPollAttempts: 6,
    statsPollInitialDelayMs: 25,
    fallbackEnabled: false,
    zeroDetectionRefreshes: 2,
    largeRepoCooldownMs: 7 * DAY_MS,
  },
};

/**
 * `rate_limit.max_concurrent_requests_per_installation` (default 4): also how many repos
 * the benchmark scrapes at once.
 */
export const MAX_CONCURRENT_REQUESTS = 4;

/** Errors only: a benchmark's output is its table, and a failed scrape throws anyway. */
function createBenchLogger(): Logger {
  return createLogger({
    service: 'scrape-bench',
    version: '0',
    level: 'warn',
    stream: new Writable({
      write: (chunk: Buffer, _encoding, done) => {
        process.stderr.write(chunk);
        done();
      },
    }),
  });
}

/** A baseline never sends `If-None-Match`: the Go exporter keeps no ETags. */
const NO_ETAGS: EtagCache = {
  get: () => Promise.resolve(undefined),
  set: () => Promise.resolve(),
};

function createClient(
  app: SimAppCredentials,
  baseUrl: string,
  ports: {
    readonly etagCache: EtagCache;
    readonly semaphore: InstallationSemaphore;
    readonly tokenCache: InstallationTokenCache | undefined;
    readonly logger: Logger;
    readonly signal: AbortSignal;
  },
): GitHubClient {
  // `retry.*` and `rate_limit.*` at their defaults but for `min_remaining_threshold`: the
  // 401 after a token rotation carries the anonymous bucket's headers (limit 60), and with
  // the default 200 the gate would hold the installation for that bucket's hour (reported).
  return createGitHubClient({
    org: app.org,
    baseUrl,
    appId: app.appId,
    installationId: app.installationId,
    privateKeyPem: app.privateKeyPem,
    requestTimeoutMs: 20_000,
    userAgent: 'gse-request-cost-bench',
    rateLimit: { minRemaining: 0, minResetBufferMs: 10_000, secondaryLimitBackoffMs: 60_000 },
    retry: { maxAttempts: 5, initialBackoffMs: 2_000, maxBackoffMs: 30_000, jitter: true },
    ...ports,
  });
}

/** Starts the simulator on a generated `bench` org and wires both scrapers to it. */
export async function createBenchWorld(options: BenchWorldOptions): Promise<BenchWorld> {
  const dataset = generateDataset({
    seed: options.seed,
    generatedAtMs: Date.now(),
    profile: 'bench',
    bench: { repoCount: options.repoCount, activeRepoFraction: options.activeRepoFraction },
  });
  const [orgData] = dataset.orgs;
  if (!orgData || dataset.orgs.length !== 1) throw new Error('the bench profile has one org');
  const simulator = createGitHubSimulator({
    dataset,
    // The benchmark counts requests, it does not wait for resets: GitHub's highest primary
    // budget in one-second windows (15,000/s) and no practical secondary points limit, which
    // the baseline's ~500 requests a second would trip at once (it measures cost, not pacing).
    limits: {
      restPrimaryPerHour: MAX_REST_PRIMARY_PER_HOUR,
      restSecondaryPointsPerMinute: 100_000_000,
    },
    primaryWindowMs: 1_000,
    statsComputeDelayMs: 20,
  });
  await simulator.start();
  const redis = await createRedisFixture().catch(async (error: unknown) => {
    await simulator.stop();
    throw error;
  });
  const ports = { redis: redis.redis, keyPrefix: redis.keyPrefix };
  const logger = createBenchLogger();
  const shutdown = new AbortController();
  const store = createActivityStore({
    ...ports,
    retentionMs: BENCH_SCRAPE_OPTIONS.retentionMs,
    maxSeriesBudget: 1_000_000,
  });
  const checkpoints = createRepoCheckpointStore(ports);
  const loginChecks = createUserLoginChecks(ports);
  const locBudget = createRedisLocFallbackBudget({
    ...ports,
    maxCommitsPerRepoPerWeek: 250,
    maxCommitDetailCallsPerOrgPerHour: 1_000,
  });
  const semaphore = createRedisInstallationSemaphore({
    ...ports,
    maxConcurrent: MAX_CONCURRENT_REQUESTS,
    logger,
  });
  const app = simulator.apps.find((candidate) => candidate.org === orgData.login);
  if (!app) throw new Error(`the simulator has no App for ${orgData.login}`);
  const client = createClient(app, simulator.url, {
    etagCache: createRedisEtagCache(ports),
    semaphore,
    tokenCache: createRedisInstallationTokenCache(ports),
    logger,
    signal: shutdown.signal,
  });
  const baselineClient = createClient(app, simulator.url, {
    etagCache: NO_ETAGS,
    semaphore,
    tokenCache: undefined,
    logger,
    signal: shutdown.signal,
  });

  const org = orgData.login;
  const world: BenchWorld = {
    simulator,
    org,
    repos: orgData.repos.filter((repo) => !repo.archived && !repo.disabled).map((r) => r.name),
    nowMs: dataset.generatedAtMs,
    baselineClient,
    scrape: (repo, read) =>
      scrapeRepo(
        {
          client: read && 'window' in read ? baselineClient : client,
          store,
          checkpoints,
          locBudget,
          options: {
            ...BENCH_SCRAPE_OPTIONS,
            noreplyDomain: toNoreplyDomain(simulator.url),
            historyInBackground: options.historyInBackground ?? false,
          },
          logger,
          signal: shutdown.signal,
          now: () => world.nowMs,
        },
        { org, repo, ...read },
      ),
    detectChanges: (cycleIntervalMs) =>
      detectRepoChanges({
        client,
        checkpoints,
        org,
        allowlist: ['*'],
        nowMs: world.nowMs,
        cycleIntervalMs,
        quietRepoRereadIntervalMs: BENCH_QUIET_REPO_REREAD_INTERVAL_MS,
        locRefreshIntervalMs: BENCH_SCRAPE_OPTIONS.loc.refreshIntervalMs,
      }),
    storeFingerprint: (repo, fingerprint, outcome) =>
      storeFingerprintAfterScrape(checkpoints, { org, repo, fingerprint }, outcome, world.nowMs),
    planCommentReconciles: (quiet, cycleIntervalMs) =>
      planCommentReconciles({
        checkpoints,
        org,
        quiet,
        nowMs: world.nowMs,
        retentionMs: BENCH_SCRAPE_OPTIONS.retentionMs,
        intervalMs: BENCH_SCRAPE_OPTIONS.commentReconcileIntervalMs,
        cycleIntervalMs,
      }),
    checkLogins: (cycleIntervalMs) =>
      checkUserLogins({
        client,
        checks: loginChecks,
        nowMs: world.nowMs,
        intervalMs: BENCH_LOGIN_CHECK_INTERVAL_MS,
        cycleIntervalMs,
        signal: shutdown.signal,
      }),
    refreshSeries: async (repos) => {
      await store.refreshSeriesOfRepos(org, repos, world.nowMs);
    },
    readAllSeries: async () => {
      const rows: GroundTruthSeries[] = [];
      for (const repo of world.repos) {
        for (const [user, activity] of await store.readSeries({ org, repo })) {
          rows.push({ org, repo, user, ...activity });
        }
      }
      return rows.sort(compareSeries);
    },
    groundTruth: () =>
      simulator.groundTruth(world.nowMs, {
        retentionMs: BENCH_SCRAPE_OPTIONS.retentionMs,
      }),
    close: async () => {
      shutdown.abort(new Error('benchmark finished'));
      await store.close();
      await simulator.stop();
      await redis.cleanup();
    },
  };
  return world;
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const compareSeries = (a: GroundTruthSeries, b: GroundTruthSeries): number =>
  compare(a.org, b.org) || compare(a.repo, b.repo) || compare(a.user, b.user);
