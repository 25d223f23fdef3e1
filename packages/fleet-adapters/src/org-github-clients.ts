import { readFile } from 'node:fs/promises';

import {
  createGitHubClient,
  type BudgetPriority,
  type BudgetWaitObserver,
  type EtagCache,
  type GitHubClient,
  type GitHubRequestObserver,
  type RateLimitOptions,
  type RetryOptions,
} from '@gse/github';
import type { Logger } from '@gse/logging';
import {
  createRedisEtagCache,
  createRedisInstallationSemaphore,
  createRedisInstallationTokenCache,
  createRedisRequestBudget,
} from '@gse/store';
import type { Redis } from 'ioredis';

/** One `github.orgs[]` entry, as the config package hands it out. */
export interface OrgInstallation {
  readonly org: string;
  readonly appId: number;
  readonly installationId: number;
  /** Absolute path of the App's PEM key. */
  readonly privateKeyPath: string;
}

export interface OrgGitHubClientsOptions<O extends OrgInstallation = OrgInstallation> {
  /** `github.*`; `orgs` are handed back as given by `installationOf` (e.g. `OrgConfig`). */
  readonly github: {
    readonly orgs: readonly O[];
    readonly apiBaseUrl: string;
    readonly requestTimeoutMs: number;
  };
  /** `rate_limit.*`; the request slots are shared by the fleet. */
  readonly rateLimit: {
    readonly minRemainingThreshold: number;
    readonly minResetBufferMs: number;
    readonly secondaryLimitBackoffMs: number;
    readonly maxConcurrentRequestsPerInstallation: number;
    readonly restPointsPerMinute: number;
    readonly graphqlPointsPerMinute: number;
    readonly scheduledPointsReserve: number;
  };
  /**
   * What the clients draw from the fleet's per-minute budgets as: `scheduled` (the schedule's
   * scrapes, probes, Copilot syncs) may spend all of them, `background` (backfills, history
   * reads) leaves `rate_limit.scheduled_points_reserve` to the schedule.
   */
  readonly priority: BudgetPriority;
  /**
   * `backfill.rate_limit_reserve` for the backfill-worker: its requests leave that share of
   * each installation's primary limit to the schedule and fail (retryable) instead of waiting
   * for a reset, so a message goes up its retry ladder rather than sitting unacked. Absent
   * for the schedule's clients, which spend the whole budget and wait at its floor.
   */
  readonly scheduleReserve?: number;
  readonly retry: RetryOptions;
  /**
   * `true` for the scheduled scrape, whose stable first-page URLs answer 304 when unchanged.
   * `false` where an answer must carry a body every time: health probes, and backfills,
   * which re-read a window exactly and have no stored body to go with a 304.
   */
  readonly conditionalRequests: boolean;
  readonly redis: Redis;
  /** `store.key_prefix`. */
  readonly keyPrefix: string;
  readonly onRequest: GitHubRequestObserver;
  /** Every request that waited for the per-minute budget (`recordBudgetWait`). */
  readonly onBudgetWait: BudgetWaitObserver;
  readonly logger: Logger;
  /** Aborts every wait and request in flight: the service is stopping. */
  readonly signal: AbortSignal;
}

/** The GitHub client of each configured org. */
export interface OrgGitHubClients<O extends OrgInstallation = OrgInstallation> {
  /** The org's installation, or `undefined` if this fleet does not scrape it. */
  installationOf(org: string): O | undefined;
  /** The org's client, made on first use (a process never reads keys it does not need). */
  clientOf(org: OrgInstallation): Promise<GitHubClient>;
  /** Every org's client by org name, each App key read now (fails fast on a bad key). */
  all(): Promise<ReadonlyMap<string, GitHubClient>>;
}

const NO_ETAGS: EtagCache = {
  get: () => Promise.resolve(undefined),
  set: () => Promise.resolve(),
};

/**
 * One client per org installation, sharing the fleet's installation tokens, per-installation
 * request slots and points budgets (and, for conditional requests, ETags) through Redis, so
 * the whole fleet stays inside each installation's limits and every process gets the 304s
 * another one earned (docs/github-limitations.md#etags-are-bound-to-the-token).
 */
export function createOrgGitHubClients<O extends OrgInstallation>(
  options: OrgGitHubClientsOptions<O>,
): OrgGitHubClients<O> {
  const { redis, keyPrefix, logger, github, rateLimit } = options;
  const ports = { redis, keyPrefix };
  const etagCache = options.conditionalRequests ? createRedisEtagCache(ports) : NO_ETAGS;
  const tokenCache = createRedisInstallationTokenCache(ports);
  const semaphore = createRedisInstallationSemaphore({
    ...ports,
    maxConcurrent: rateLimit.maxConcurrentRequestsPerInstallation,
    logger,
  });
  const budget = {
    port: createRedisRequestBudget({
      ...ports,
      pointsPerWindow: {
        rest: rateLimit.restPointsPerMinute,
        graphql: rateLimit.graphqlPointsPerMinute,
      },
      scheduledReserve: rateLimit.scheduledPointsReserve,
    }),
    priority: options.priority,
  };
  const installations = new Map(github.orgs.map((org) => [org.org, org]));
  const rateLimitOptions: RateLimitOptions = {
    minRemaining: rateLimit.minRemainingThreshold,
    minResetBufferMs: rateLimit.minResetBufferMs,
    secondaryLimitBackoffMs: rateLimit.secondaryLimitBackoffMs,
    ...(options.scheduleReserve === undefined
      ? {}
      : { reservedShare: options.scheduleReserve, onPrimaryHold: 'fail' }),
  };
  const clients = new Map<string, Promise<GitHubClient>>();

  const create = async (org: OrgInstallation): Promise<GitHubClient> =>
    createGitHubClient({
      org: org.org,
      baseUrl: github.apiBaseUrl,
      appId: org.appId,
      installationId: org.installationId,
      privateKeyPem: await readFile(org.privateKeyPath, 'utf8'),
      requestTimeoutMs: github.requestTimeoutMs,
      userAgent: 'github-stats-exporter',
      rateLimit: rateLimitOptions,
      retry: options.retry,
      etagCache,
      semaphore,
      budget,
      tokenCache,
      onRequest: options.onRequest,
      onBudgetWait: options.onBudgetWait,
      logger: logger.child({ org: org.org }),
      signal: options.signal,
    });

  const clientOf = (org: OrgInstallation): Promise<GitHubClient> => {
    let client = clients.get(org.org);
    if (!client) {
      client = create(org);
      // A failed key read is tried again on the next use, not cached.
      client.catch(() => clients.delete(org.org));
      clients.set(org.org, client);
    }
    return client;
  };
  return {
    installationOf: (org) => installations.get(org),
    clientOf,
    all: async () =>
      new Map(
        await Promise.all(
          github.orgs.map(async (org): Promise<[string, GitHubClient]> => [
            org.org,
            await clientOf(org),
          ]),
        ),
      ),
  };
}
