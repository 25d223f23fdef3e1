import { Writable } from 'node:stream';

import { test } from 'vitest';

import { OPTIONAL_RESOURCES, toNoreplyDomain, type ScrapeResource } from '@gse/activity';
import { createGitHubClient, type GitHubClient, type GitHubRequestReport } from '@gse/github';
import {
  createGitHubSimulator,
  generateDataset,
  type GitHubSimulator,
  type GitHubSimulatorOptions,
  type GroundTruthSeries,
  type SimDataset,
} from '@gse/github-sim';
import { createLogger } from '@gse/logging';
import {
  createActivityStore,
  createRedisEtagCache,
  createRedisInstallationSemaphore,
  createRedisInstallationTokenCache,
  createRedisLocFallbackBudget,
  createRepoCheckpointStore,
  type ActivityStore,
  type LocFallbackBudgetOptions,
} from '@gse/store';
import { createRedisFixture, type RedisFixture } from '@gse/testing';

import {
  scrapeRepo,
  type RepoScrapeOutcome,
  type ScrapeOptions,
  type ScrapeWindow,
} from '../src/index.js';

export { DEFAULT_PLAN_CONFIG, TEN_THOUSAND_REPO_ORG } from './default-plan-config.js';

const DAY_MS = 86_400_000;

/** The scrape options of the tests; the noreply domain follows the simulator's URL. */
export const TEST_SCRAPE_OPTIONS: Omit<ScrapeOptions, 'noreplyDomain'> = {
  retentionMs: 30 * DAY_MS,
  commentReconcileIntervalMs: 3_600_000,
  loc: {
    refreshIntervalMs: DAY_MS,
    statsPollAttempts: 8,
    statsPollInitialDelayMs: 10,
    fallbackEnabled: true,
    // One zero-line answer is proof enough in tests: the repo is known to be large.
    zeroDetectionRefreshes: 1,
    largeRepoCooldownMs: 7 * DAY_MS,
  },
};

export interface FixtureOptions {
  readonly simulator?: Partial<GitHubSimulatorOptions>;
  readonly scrape?: Partial<ScrapeOptions>;
  readonly locBudget?: Partial<Omit<LocFallbackBudgetOptions, 'redis' | 'keyPrefix'>>;
  /** `github.exclude_bots` of the store (default false). */
  readonly excludeBots?: boolean;
  /** Scrape at Redis's clock, as production does, instead of the fixture's `nowMs`. */
  readonly redisClock?: boolean;
}

/** One scraping process: its own client per org, store and ports, on a shared Redis prefix. */
export interface Scraper {
  readonly store: ActivityStore;
  readonly reports: GitHubRequestReport[];
  /** The org's GitHub client (discovery, or a request of the test's own). */
  client(org: string): GitHubClient;
  /** `repo` by name, or by name and GitHub id as a repo job scrapes it (ETags by id). */
  scrape(
    org: string,
    repo: string | { readonly name: string; readonly id: number },
    window?: ScrapeWindow,
    resources?: readonly ScrapeResource[],
  ): Promise<RepoScrapeOutcome>;
  /** Scrapes every repo the fleet would (not archived, not disabled) of every org. */
  scrapeAll(): Promise<RepoScrapeOutcome[]>;
  close(): Promise<void>;
}

/** The whole product path of repo scrapes, against a simulator and a real Redis. */
export interface ScrapeFixture extends Scraper {
  readonly simulator: GitHubSimulator;
  readonly dataset: SimDataset;
  readonly redis: RedisFixture;
  /** The scrapers' clock: the dataset's end unless a test moves it. */
  nowMs: number;
  /**
   * Another scraper, as another process would be: same Redis keys, same simulator; its
   * store may be configured otherwise (`excludeBots`).
   */
  sharingRedisAndSimulator(store?: { readonly excludeBots?: boolean }): Promise<Scraper>;
  /** Every stored series, in the ground truth's shape and order. */
  readAllSeries(): Promise<GroundTruthSeries[]>;
  groundTruth(): GroundTruthSeries[];
}

const quietLogger = createLogger({
  service: 'scrape-test',
  version: '0',
  level: 'error',
  stream: new Writable({
    write: (_chunk, _encoding, done) => {
      done();
    },
  }),
});

// The apps' RSA keys of the file's first dataset, reused by the next ones: generating them is
// most of generateDataset's time (1.5 s of 2 s on the loaded 2-core machine, measured), and
// every test builds a dataset.
let previousApps: SimDataset['apps'] = [];

export async function createScrapeFixture(options: FixtureOptions = {}): Promise<ScrapeFixture> {
  const dataset = generateDataset({
    seed: 42,
    generatedAtMs: Date.now(),
    keyPairs: previousApps,
  });
  previousApps = dataset.apps;
  const simulator = createGitHubSimulator({
    dataset,
    statsComputeDelayMs: 30,
    // These tests are about what a scrape stores, not its pacing: two scrapers reading the
    // same repos at once pass GitHub's 900 REST points a minute within seconds. A test that
    // is about limits sets its own `limits`.
    limits: { restSecondaryPointsPerMinute: 1_000_000 },
    ...options.simulator,
  });
  await simulator.start();
  const redis = await createRedisFixture();
  const scrapeOptions: ScrapeOptions = {
    ...TEST_SCRAPE_OPTIONS,
    noreplyDomain: toNoreplyDomain(simulator.url),
    ...options.scrape,
  };
  const clock = { nowMs: dataset.generatedAtMs };
  const openScraper = (excludeBots = options.excludeBots ?? false): Scraper =>
    createScraper({ simulator, redis, dataset, scrapeOptions, clock, options, excludeBots });
  const scraper = openScraper();

  return {
    ...scraper,
    simulator,
    dataset,
    redis,
    get nowMs() {
      return clock.nowMs;
    },
    set nowMs(value: number) {
      clock.nowMs = value;
    },
    sharingRedisAndSimulator: (store) => Promise.resolve(openScraper(store?.excludeBots)),
    readAllSeries: async () => {
      const rows: GroundTruthSeries[] = [];
      for (const org of dataset.orgs) {
        for (const repo of org.repos) {
          for (const [user, activity] of await scraper.store.readSeries({
            org: org.login,
            repo: repo.name,
          })) {
            rows.push({ org: org.login, repo: repo.name, user, ...activity });
          }
        }
      }
      return rows.sort(compareSeries);
    },
    groundTruth: () =>
      simulator.groundTruth(clock.nowMs, {
        retentionMs: scrapeOptions.retentionMs,
        excludeBots: options.excludeBots ?? false,
        optionalResources: (scrapeOptions.resources ?? []).filter((resource) =>
          OPTIONAL_RESOURCES.includes(resource),
        ),
      }),
    close: async () => {
      await scraper.close();
      await simulator.stop();
      await redis.cleanup();
    },
  };
}

function createScraper(context: {
  readonly simulator: GitHubSimulator;
  readonly redis: RedisFixture;
  readonly dataset: SimDataset;
  readonly scrapeOptions: ScrapeOptions;
  readonly clock: { readonly nowMs: number };
  readonly options: FixtureOptions;
  readonly excludeBots: boolean;
}): Scraper {
  const { simulator, dataset, scrapeOptions, clock, options } = context;
  const ports = { redis: context.redis.redis, keyPrefix: context.redis.keyPrefix };
  const store = createActivityStore({
    ...ports,
    retentionMs: scrapeOptions.retentionMs,
    maxSeriesBudget: 1_000_000,
    excludeBots: context.excludeBots,
  });
  const checkpoints = createRepoCheckpointStore(ports);
  const locBudget = createRedisLocFallbackBudget({
    ...ports,
    maxCommitsPerRepoPerWeek: options.locBudget?.maxCommitsPerRepoPerWeek ?? 10_000,
    maxCommitDetailCallsPerOrgPerHour:
      options.locBudget?.maxCommitDetailCallsPerOrgPerHour ?? 10_000,
  });
  const semaphore = createRedisInstallationSemaphore({
    ...ports,
    maxConcurrent: 4,
    logger: quietLogger,
  });
  const shutdown = new AbortController();
  const reports: GitHubRequestReport[] = [];
  const clients = new Map<string, GitHubClient>();
  for (const app of simulator.apps) {
    clients.set(
      app.org,
      createGitHubClient({
        org: app.org,
        baseUrl: simulator.url,
        appId: app.appId,
        installationId: app.installationId,
        privateKeyPem: app.privateKeyPem,
        requestTimeoutMs: 10_000,
        userAgent: 'gse-scrape-test',
        rateLimit: { minRemaining: 0, minResetBufferMs: 0, secondaryLimitBackoffMs: 100 },
        retry: { maxAttempts: 3, initialBackoffMs: 10, maxBackoffMs: 50, jitter: true },
        etagCache: createRedisEtagCache(ports),
        semaphore,
        tokenCache: createRedisInstallationTokenCache(ports),
        onRequest: (report) => reports.push(report),
        logger: quietLogger,
        signal: shutdown.signal,
      }),
    );
  }
  const clientOf = (org: string): GitHubClient => {
    const client = clients.get(org);
    if (!client) throw new Error(`no client for ${org}`);
    return client;
  };
  const scraper: Scraper = {
    store,
    reports,
    client: clientOf,
    scrape: (org, repo, window, resources) =>
      scrapeRepo(
        {
          client: clientOf(org),
          store,
          checkpoints,
          locBudget,
          options: scrapeOptions,
          logger: quietLogger,
          signal: shutdown.signal,
          ...(options.redisClock === true ? {} : { now: () => clock.nowMs }),
        },
        {
          org,
          ...(typeof repo === 'string' ? { repo } : { repo: repo.name, repoId: repo.id }),
          ...(window ? { window } : {}),
          ...(resources ? { resources } : {}),
        },
      ),
    scrapeAll: async () => {
      const outcomes: RepoScrapeOutcome[] = [];
      for (const org of dataset.orgs) {
        for (const repo of org.repos) {
          if (repo.archived || repo.disabled) continue;
          outcomes.push(await scraper.scrape(org.login, repo.name));
        }
      }
      return outcomes;
    },
    close: async () => {
      shutdown.abort(new Error('test finished'));
      await store.close();
    },
  };
  return scraper;
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const compareSeries = (a: GroundTruthSeries, b: GroundTruthSeries): number =>
  compare(a.org, b.org) || compare(a.repo, b.repo) || compare(a.user, b.user);

/**
 * `it` with a `world` fixture: a simulator, a Redis prefix and a scraper of the test's own
 * (`createScrapeFixture()`), closed after the test whatever happened.
 */
export const scrapeWorldTest = test.extend<{ world: ScrapeFixture }>({
  // eslint-disable-next-line no-empty-pattern -- vitest reads the fixtures a test uses from this pattern
  world: async ({}, use) => {
    const world = await createScrapeFixture();
    try {
      await use(world);
    } finally {
      await world.close();
    }
  },
});
