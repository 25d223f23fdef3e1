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
  type SimLimits,
} from '@gse/github-sim';
import { createLogger, type Logger } from '@gse/logging';
import {
  createActivityStore,
  createOrgRepoSync,
  createRedisEtagCache,
  createRedisInstallationSemaphore,
  createRedisInstallationTokenCache,
  createRedisLocFallbackBudget,
  createRedisRequestBudget,
  createRepoCheckpointStore,
  createUserLoginChecks,
} from '@gse/store';
import { createRedisFixture, type RedisFixture } from '@gse/testing';
import { Writable } from 'node:stream';

import {
  checkUserLogins,
  detectRepoChanges,
  planCommentReconciles,
  recomputeSeries,
  scrapeRepo,
  storeFingerprintAfterScrape,
  syncOrgRepos,
  type CheckUserLoginsResult,
  type CommentReconcilePlan,
  type RepoChanges,
  type RepoScrapeOutcome,
  type ScrapeOptions,
  type ScrapeRepoRequest,
} from '../src/index.js';

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
/** Points per window no benchmark reaches: the limit is off until pacing starts. */
const UNPACED_POINTS_PER_MINUTE = 100_000_000;

/** What a backfill message asks a scrape to read. */
export type BenchBackfill = Required<Pick<ScrapeRepoRequest, 'window' | 'resources'>>;

/** The shape of the benchmarked org. */
export interface BenchWorldOptions {
  readonly seed: number;
  readonly repoCount: number;
  readonly activeRepoFraction: number;
  /** Of the rest, share of repos dormant since before retention (default 0). */
  readonly dormantRepoFraction?: number;
  /** `backfill.history_in_background` (default false: a first read reads all of retention). */
  readonly historyInBackground?: boolean;
  /**
   * GitHub's limits and the fleet's budgets, on a clock compressed `timeScale` times (a
   * GitHub minute lasts `60 s / timeScale`): applied by `startPacing()`. Absent, the world
   * never paces (the request-cost bench counts requests, it does not wait).
   */
  readonly pacing?: BenchPacing;
}

/** What `startPacing()` puts in force: GitHub's limits and the fleet's, time compressed. */
export interface BenchPacing {
  /** How many times faster than GitHub's clock the limits' windows run. */
  readonly timeScale: number;
  readonly limits: Partial<SimLimits>;
  /** `rate_limit.rest_points_per_minute`, `graphql_points_per_minute`, `scheduled_points_reserve`. */
  readonly budget: {
    readonly restPointsPerMinute: number;
    readonly graphqlPointsPerMinute: number;
    readonly scheduledPointsReserve: number;
  };
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
  /** The world's Redis key prefix and connection. */
  readonly redis: RedisFixture;
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
  /**
   * What the org cycle does after its repo jobs are out (`syncOrgRepos`, `recomputeSeries`):
   * the store follows the repos, and `quiet` (no request this cycle) get their series
   * recomputed from the ledger, at `nowMs`.
   */
  syncRepos(changes: RepoChanges, quiet: readonly string[]): Promise<void>;
  /**
   * Puts `options.pacing` in force from now on: the simulator's limits on fresh windows,
   * and our client draws from the fleet's budgets in Redis. Until then nothing paces, so a
   * world can be set up fast.
   */
  startPacing(): void;
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
    readonly budget?: Parameters<typeof createGitHubClient>[0]['budget'];
    readonly logger: Logger;
    readonly signal: AbortSignal;
  },
  /** GitHub's clock runs this many times faster (`BenchPacing.timeScale`); 1 unpaced. */
  timeScale = 1,
): GitHubClient {
  // `retry.*` and `rate_limit.*` at their defaults; the waits that stand for GitHub's
  // windows shrink with them.
  return createGitHubClient({
    org: app.org,
    baseUrl,
    appId: app.appId,
    installationId: app.installationId,
    privateKeyPem: app.privateKeyPem,
    requestTimeoutMs: 20_000,
    userAgent: 'gse-request-cost-bench',
    rateLimit: {
      minRemaining: 200,
      minResetBufferMs: 10_000 / timeScale,
      secondaryLimitBackoffMs: MINUTE_MS / timeScale,
    },
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
    bench: {
      repoCount: options.repoCount,
      activeRepoFraction: options.activeRepoFraction,
      dormantRepoFraction: options.dormantRepoFraction ?? 0,
    },
  });
  const [orgData] = dataset.orgs;
  if (!orgData || dataset.orgs.length !== 1) throw new Error('the bench profile has one org');
  const { pacing } = options;
  const simulator = createGitHubSimulator({
    dataset,
    // Until `startPacing()` (if ever) the benchmark counts requests, it does not wait for
    // resets: GitHub's highest primary budget and no practical points limit, which the
    // baseline's ~500 requests a second would trip at once (it measures cost, not pacing).
    // Unpaced, the primary window is a second (15,000/s); paced, it is GitHub's hour
    // compressed, and a setup of more than 15,000 requests resets the windows as it goes.
    limits: {
      restPrimaryPerHour: MAX_REST_PRIMARY_PER_HOUR,
      restSecondaryPointsPerMinute: UNPACED_POINTS_PER_MINUTE,
      ...(pacing
        ? {
            graphqlPrimaryPointsPerHour: UNPACED_POINTS_PER_MINUTE,
            graphqlSecondaryPointsPerMinute: UNPACED_POINTS_PER_MINUTE,
          }
        : {}),
    },
    primaryWindowMs: pacing ? HOUR_MS / pacing.timeScale : 1_000,
    ...(pacing ? { secondaryWindowMs: MINUTE_MS / pacing.timeScale } : {}),
    statsComputeDelayMs: 20,
  });
  await simulator.start();
  const redisFixture = await createRedisFixture().catch(async (error: unknown) => {
    await simulator.stop();
    throw error;
  });
  const ports = { redis: redisFixture.redis, keyPrefix: redisFixture.keyPrefix };
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
  const clientPorts = {
    etagCache: createRedisEtagCache(ports),
    semaphore,
    tokenCache: createRedisInstallationTokenCache(ports),
    logger,
    signal: shutdown.signal,
  };
  let client = createClient(app, simulator.url, clientPorts);
  // The scheduled scrape's budgets, as the scraper-worker draws them, on the compressed clock.
  const pacedClient =
    pacing &&
    createClient(
      app,
      simulator.url,
      {
        ...clientPorts,
        budget: {
          port: createRedisRequestBudget({
            ...ports,
            pointsPerWindow: {
              rest: pacing.budget.restPointsPerMinute,
              graphql: pacing.budget.graphqlPointsPerMinute,
            },
            scheduledReserve: pacing.budget.scheduledPointsReserve,
            windowMs: MINUTE_MS / pacing.timeScale,
          }),
          priority: 'scheduled',
        },
      },
      pacing.timeScale,
    );
  const repoSync = createOrgRepoSync(ports);
  // The org cycle recomputes quiet repos at Redis's clock; here the scrapers' clock stands in.
  const storeOnScrapersClock = { ...store, readClockMs: () => Promise.resolve(world.nowMs) };
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
    redis: redisFixture,
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
        retentionMs: BENCH_SCRAPE_OPTIONS.retentionMs,
      }),
    storeFingerprint: (repo, fingerprint, outcome) =>
      storeFingerprintAfterScrape(checkpoints, { org, repo, fingerprint }, outcome, world.nowMs),
    planCommentReconciles: (quiet, cycleIntervalMs) =>
      planCommentReconciles({
        checkpoints,
        org,
        quiet,
        nowMs: world.nowMs,
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
    syncRepos: async (changes, quiet) => {
      const synced = await syncOrgRepos(
        { repos: repoSync, store: storeOnScrapersClock, checkpoints },
        org,
        changes,
        quiet,
      );
      await recomputeSeries(storeOnScrapersClock, org, synced.toRecompute);
    },
    startPacing: () => {
      if (!pacing || !pacedClient) throw new Error('this world was created without pacing');
      simulator.updateLimits(pacing.limits);
      simulator.resetLimitWindows();
      client = pacedClient;
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
      await redisFixture.cleanup();
    },
  };
  return world;
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const compareSeries = (a: GroundTruthSeries, b: GroundTruthSeries): number =>
  compare(a.org, b.org) || compare(a.repo, b.repo) || compare(a.user, b.user);

const seriesKey = (series: GroundTruthSeries): string =>
  `${series.org}/${series.repo}/${series.user}`;

/** What of a series a check compares; `undefined` when the series shows nothing. */
export type SeriesView = (series: GroundTruthSeries) => string | undefined;

export interface SeriesCheck {
  /** Series either side shows. */
  readonly series: number;
  readonly mismatched: number;
}

/**
 * Every stored series against the simulator's ground truth at the scrapers' clock, as
 * `view` sees them (whole, by default).
 */
export async function checkSeries(
  world: BenchWorld,
  view: SeriesView = (series) => JSON.stringify(series),
): Promise<SeriesCheck> {
  const viewByKey = (rows: readonly GroundTruthSeries[]): Map<string, string> =>
    new Map(
      rows.flatMap((series) => {
        const seen = view(series);
        return seen === undefined ? [] : [[seriesKey(series), seen] as const];
      }),
    );
  const storedByKey = viewByKey(await world.readAllSeries());
  const truthByKey = viewByKey(world.groundTruth());
  const keys = new Set([...storedByKey.keys(), ...truthByKey.keys()]);
  const mismatched = [...keys].filter((key) => storedByKey.get(key) !== truthByKey.get(key));
  return { series: keys.size, mismatched: mismatched.length };
}
