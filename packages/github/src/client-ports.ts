/**
 * What the client needs from shared storage, as ports: `@gse/store` implements them on Redis
 * so the whole fleet shares them, and a service wires the two together.
 */

/**
 * ETags by (installation, URL); the client passes `etagKeyOf(url)` as the URL, so a repo's
 * ETags may be keyed by its id. GitHub's ETags are bound to the token that fetched them, so
 * they only help processes sharing that token
 * (docs/github-limitations.md#etags-are-bound-to-the-token).
 */
export interface EtagCache {
  /** The ETag last stored for `url`, or `undefined`. */
  get(installationId: number, url: string): Promise<string | undefined>;
  /** Stores `etag` for `url`, replacing any earlier one. */
  set(installationId: number, url: string, etag: string): Promise<void>;
}

/** A held slot of an {@link InstallationSemaphore}. */
export interface SemaphoreLease {
  /** Frees the slot. Idempotent. */
  release(): Promise<void>;
}

/**
 * Caps the requests in flight per installation across every process of the fleet
 * (`rate_limit.max_concurrent_requests_per_installation`), so the fleet as a whole stays
 * under GitHub's concurrency secondary limit. A slot held by a process that dies must come
 * free on its own (a lease that expires).
 */
export interface InstallationSemaphore {
  /**
   * Resolves once a slot is held. Rejects with `signal.reason` when `signal` aborts first.
   */
  acquire(installationId: number, signal: AbortSignal): Promise<SemaphoreLease>;
}

/**
 * GitHub's API families, each with limits of its own: REST (900 points a minute, the `core`
 * primary window) and GraphQL (2,000 points a minute, its own primary window).
 */
export type BudgetResource = 'rest' | 'graphql';

/**
 * Who a request serves. `scheduled`: the schedule's scrapes, which may spend a whole budget.
 * `background`: history reads and backfills, which leave `rate_limit.scheduled_points_reserve`
 * of each minute's points (and `backfill.rate_limit_reserve` of the hour's) to the schedule.
 */
export type BudgetPriority = 'scheduled' | 'background';

/** What one request draws from its installation's budget. */
export interface BudgetDraw {
  readonly resource: BudgetResource;
  readonly priority: BudgetPriority;
  /** Secondary-limit points (`toSecondaryPoints`): a GET 1, a mutation 5, a GraphQL query 1. */
  readonly points: number;
}

/** An installation's primary budget of one resource as GitHub last reported it. */
export interface PrimaryBudgetView {
  readonly limit: number;
  readonly remaining: number;
  /** `x-ratelimit-reset`, epoch ms. */
  readonly resetAtMs: number;
}

/** The budget's answer to a draw. */
export type BudgetAnswer = (
  | { readonly granted: true }
  /** The points are not free: ask again in `retryInMs`, when enough of them will have left. */
  | { readonly granted: false; readonly retryInMs: number }
) & {
  /**
   * The fleet's newest view of the resource's primary budget (any process's latest response),
   * or `undefined` when no process reported one lately: a client merges it into its own
   * rate-limit gate, so it holds when the fleet nears exhaustion even if it sent nothing itself.
   */
  readonly primary: PrimaryBudgetView | undefined;
};

/**
 * Per installation and resource, the points every process of the fleet may spend in any
 * minute (`rate_limit.rest_points_per_minute`, `rate_limit.graphql_points_per_minute`, set
 * below GitHub's secondary limits), shared through storage, plus the fleet's view of the
 * primary budget. Together with {@link InstallationSemaphore} it keeps the fleet under every
 * secondary limit whatever the number of workers.
 */
export interface RequestBudget {
  /**
   * Takes the draw's points if the last minute leaves room for them at the draw's priority
   * (`background`: all but the schedule's reserve), else says when to ask again. Never
   * waits: the client draws while holding its semaphore slot, right before sending, so the
   * minute the budget counts is the minute GitHub sees, and lets the slot go to wait.
   */
  tryTake(installationId: number, draw: BudgetDraw): Promise<BudgetAnswer>;
  /**
   * Records a response's primary budget for the fleet: a later reset replaces the view, and
   * within one window the lowest `remaining` wins (responses arrive out of order).
   */
  observePrimary(
    installationId: number,
    resource: BudgetResource,
    view: PrimaryBudgetView,
  ): Promise<void>;
}

/** An installation access token as GitHub issued it. */
export interface CachedInstallationToken {
  readonly token: string;
  /** GitHub's `expires_at`, epoch ms. */
  readonly expiresAtMs: number;
  /** When it was minted, epoch ms; with `expiresAtMs` it gives the token's lifetime. */
  readonly issuedAtMs: number;
}

/**
 * Installation tokens shared by the fleet. Optional: without it each client mints its own,
 * which works, but an ETag stored by one process then never matches in another (ETags are
 * token-bound), so conditional requests stop saving rate limit once several workers scrape
 * the same installation.
 */
export interface InstallationTokenCache {
  get(installationId: number): Promise<CachedInstallationToken | undefined>;
  set(installationId: number, token: CachedInstallationToken): Promise<void>;
  /** Forgets the installation's token if it is still `token` (GitHub refused it). */
  delete(installationId: number, token: string): Promise<void>;
}
