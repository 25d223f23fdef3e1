import { HOUR_MS } from '../dataset/sim-time.js';
import {
  createConcurrencyTracker,
  createRateLimiter,
  type ConcurrencyTracker,
  type RateLimiter,
  type RateLimitState,
} from './rate-limiter.js';

/**
 * Every limit GitHub puts on one installation (and on an App's JWT requests), with GitHub's
 * documented defaults ("Rate limits for the REST API" and "Rate limits and query limits for
 * the GraphQL API", docs.github.com). Where GitHub leaves the window's shape open, see
 * docs/github-limitations.md.
 */
export interface SimLimits {
  /** REST primary budget per window (1 h): 5,000; GitHub grants up to 15,000 (Enterprise Cloud). */
  readonly restPrimaryPerHour: number;
  /** Status of a REST request over the primary budget: 403 (default) or 429, as GitHub sends either. */
  readonly restPrimaryStatus: 403 | 429;
  /** REST secondary budget: 900 points a minute; GET/HEAD/OPTIONS cost 1, POST/PATCH/PUT/DELETE 5. */
  readonly restSecondaryPointsPerMinute: number;
  /** Requests in flight at once, REST and GraphQL together: 100; one more is a secondary hit. */
  readonly maxConcurrent: number;
  /** GraphQL primary budget per window (1 h): 5,000 points. */
  readonly graphqlPrimaryPointsPerHour: number;
  /** GraphQL secondary budget: 2,000 points a minute (a query 1, a mutation 5). */
  readonly graphqlSecondaryPointsPerMinute: number;
  /** Status of every secondary-limit hit: 403 (default) or 429. */
  readonly secondaryStatus: 403 | 429;
  /**
   * `retry-after` of a concurrency hit (60 s: GitHub asks to wait at least a minute when it
   * names no time). A points hit sends the seconds until its minute window ends instead.
   */
  readonly concurrencyRetryAfterSeconds: number;
}

export const DEFAULT_SIM_LIMITS: SimLimits = {
  restPrimaryPerHour: 5000,
  restPrimaryStatus: 403,
  restSecondaryPointsPerMinute: 900,
  maxConcurrent: 100,
  graphqlPrimaryPointsPerHour: 5000,
  graphqlSecondaryPointsPerMinute: 2000,
  secondaryStatus: 403,
  concurrencyRetryAfterSeconds: 60,
};

/** GitHub's highest REST primary budget (GitHub Enterprise Cloud installations). */
export const MAX_REST_PRIMARY_PER_HOUR = 15_000;

/** The secondary limits' window: GitHub states them per minute. */
export const SECONDARY_WINDOW_MS = 60_000;

type StatusField = 'restPrimaryStatus' | 'secondaryStatus';
type IntegerField = Exclude<keyof SimLimits, StatusField>;

const INTEGER_BOUNDS: Readonly<Record<IntegerField, { min: number; max: number }>> = {
  restPrimaryPerHour: { min: 1, max: MAX_REST_PRIMARY_PER_HOUR },
  // Not configurable on GitHub; tests that are not about limits raise these.
  restSecondaryPointsPerMinute: { min: 1, max: Number.MAX_SAFE_INTEGER },
  maxConcurrent: { min: 1, max: Number.MAX_SAFE_INTEGER },
  graphqlPrimaryPointsPerHour: { min: 1, max: Number.MAX_SAFE_INTEGER },
  graphqlSecondaryPointsPerMinute: { min: 1, max: Number.MAX_SAFE_INTEGER },
  concurrencyRetryAfterSeconds: { min: 0, max: 3600 },
};
const STATUS_FIELDS: readonly StatusField[] = ['restPrimaryStatus', 'secondaryStatus'];
const FIELDS = [...Object.keys(INTEGER_BOUNDS), ...STATUS_FIELDS];

/**
 * `base` with the fields of `patch` (outside input: options or a control body) applied.
 * @throws RangeError naming the field, its allowed values and what it got; unknown fields too.
 */
export function parseSimLimits(patch: unknown, base: SimLimits = DEFAULT_SIM_LIMITS): SimLimits {
  if (patch === undefined) return base;
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) {
    throw new RangeError('limits must be an object');
  }
  const given = patch as Readonly<Record<string, unknown>>;
  const unknownFields = Object.keys(given).filter((field) => !FIELDS.includes(field));
  if (unknownFields.length > 0) {
    throw new RangeError(
      `unknown limit(s) ${unknownFields.join(', ')}; known: ${FIELDS.join(', ')}`,
    );
  }
  const limits: Record<string, number> = { ...base };
  for (const [field, { min, max }] of Object.entries(INTEGER_BOUNDS)) {
    const value = given[field];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      throw new RangeError(
        `limits.${field} must be an integer from ${min} to ${max}; got ${JSON.stringify(value)}`,
      );
    }
    limits[field] = value;
  }
  for (const field of STATUS_FIELDS) {
    const value = given[field];
    if (value === undefined) continue;
    if (value !== 403 && value !== 429) {
      throw new RangeError(`limits.${field} must be 403 or 429; got ${JSON.stringify(value)}`);
    }
    limits[field] = value;
  }
  return limits as unknown as SimLimits;
}

/**
 * The limits in force and every window drawn from them, shared by the REST pipeline, the
 * `/graphql` route and the control API. Buckets are the pipeline's (`installation:1001`,
 * `app:101`, `anonymous`); the limiters read `current()` on every call, so a change at
 * runtime applies to windows already open.
 */
export interface SimLimiters {
  current(): SimLimits;
  /** Applies a partial change (see `parseSimLimits`); returns the limits now in force. */
  update(patch: unknown): SimLimits;
  /** REST `core` budget per hour-long window. */
  readonly restPrimary: RateLimiter;
  /** REST secondary points per minute. */
  readonly restSecondary: RateLimiter;
  /** GraphQL primary points per hour-long window. */
  readonly graphqlPrimary: RateLimiter;
  /** GraphQL secondary points per minute. */
  readonly graphqlSecondary: RateLimiter;
  /** In-flight requests per bucket, REST and GraphQL together. */
  readonly concurrency: ConcurrencyTracker;
}

/** One installation's windows and concurrency now, as `GET /_sim/limits` reports them. */
export interface InstallationLimitsState {
  readonly installationId: number;
  readonly org: string;
  readonly restPrimary: RateLimitState;
  readonly restSecondary: RateLimitState;
  readonly graphqlPrimary: RateLimitState;
  readonly graphqlSecondary: RateLimitState;
  /** Requests (REST and GraphQL) in flight now. */
  readonly inFlight: number;
  /** Most in flight at once since the last counters reset. */
  readonly peakConcurrency: number;
}

/** The limits in force and, per installation id, where its windows stand. */
export interface SimLimitsReport {
  readonly limits: SimLimits;
  readonly installations: Readonly<Record<string, InstallationLimitsState>>;
}

/** Reads every window without opening one (observing must not move a window's start). */
export function toSimLimitsReport(
  limiters: SimLimiters,
  installations: readonly { readonly installationId: number; readonly org: string }[],
  nowMs: number,
): SimLimitsReport {
  return {
    limits: limiters.current(),
    installations: Object.fromEntries(
      installations.map(({ installationId, org }) => {
        const bucket = `installation:${installationId}`;
        return [
          String(installationId),
          {
            installationId,
            org,
            restPrimary: limiters.restPrimary.inspect(bucket, nowMs),
            restSecondary: limiters.restSecondary.inspect(bucket, nowMs),
            graphqlPrimary: limiters.graphqlPrimary.inspect(bucket, nowMs),
            graphqlSecondary: limiters.graphqlSecondary.inspect(bucket, nowMs),
            inFlight: limiters.concurrency.inFlight(bucket),
            peakConcurrency: limiters.concurrency.peak(bucket),
          },
        ];
      }),
    ),
  };
}

/** GitHub's limit for unauthenticated callers (per IP there; per simulator here). */
export const ANONYMOUS_RATE_LIMIT = 60;

export function createSimLimiters(options: {
  readonly limits: SimLimits;
  /** Length of both primary windows; 1 h as GitHub's (tests shorten it). */
  readonly primaryWindowMs?: number;
  /**
   * Length of both secondary points windows; a minute as GitHub's. A benchmark that
   * compresses time shortens it by the primary window's factor, so the limits keep their
   * ratio to each other.
   */
  readonly secondaryWindowMs?: number;
}): SimLimiters {
  let limits = options.limits;
  const primaryWindowMs = options.primaryWindowMs ?? HOUR_MS;
  const secondaryWindowMs = options.secondaryWindowMs ?? SECONDARY_WINDOW_MS;
  return {
    current: () => limits,
    update(patch) {
      limits = parseSimLimits(patch, limits);
      return limits;
    },
    restPrimary: createRateLimiter(
      (bucket) => (bucket === 'anonymous' ? ANONYMOUS_RATE_LIMIT : limits.restPrimaryPerHour),
      primaryWindowMs,
    ),
    restSecondary: createRateLimiter(() => limits.restSecondaryPointsPerMinute, secondaryWindowMs),
    graphqlPrimary: createRateLimiter(() => limits.graphqlPrimaryPointsPerHour, primaryWindowMs),
    graphqlSecondary: createRateLimiter(
      () => limits.graphqlSecondaryPointsPerMinute,
      secondaryWindowMs,
    ),
    concurrency: createConcurrencyTracker(),
  };
}
