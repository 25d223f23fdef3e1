import type { Redis } from 'ioredis';

import { createStoreKeys } from './store-keys.js';

/** GitHub's API families, each with limits of its own (`BudgetResource` of `@gse/github`). */
export type RequestBudgetResource = 'rest' | 'graphql';

/** `scheduled` may spend a whole minute's points; `background` leaves the reserve. */
export type RequestBudgetPriority = 'scheduled' | 'background';

export interface RedisRequestBudgetOptions {
  readonly redis: Redis;
  /** `store.key_prefix`. */
  readonly keyPrefix: string;
  /**
   * Points every process together may spend per installation in any window, by resource
   * (`rate_limit.rest_points_per_minute`, `rate_limit.graphql_points_per_minute`).
   */
  readonly pointsPerWindow: Readonly<Record<RequestBudgetResource, number>>;
  /**
   * `rate_limit.scheduled_points_reserve`, [0, 1): the share of each window's points only
   * `scheduled` draws may take; a `background` draw waits while no more than it is left.
   */
  readonly scheduledReserve: number;
  /** The sliding window: 60 s, as GitHub states its secondary limits (tests shorten it). */
  readonly windowMs?: number;
}

/** A draw on one installation's budget of one resource. */
export interface RequestBudgetDraw {
  readonly resource: RequestBudgetResource;
  readonly priority: RequestBudgetPriority;
  readonly points: number;
}

/** The primary budget of one resource as the fleet last saw it. */
export interface PrimaryBudgetSnapshot {
  readonly limit: number;
  readonly remaining: number;
  /** `x-ratelimit-reset`, epoch ms. */
  readonly resetAtMs: number;
}

/** Granted, or when to ask again; with the fleet's primary view either way. */
export type RequestBudgetAnswer = (
  | { readonly granted: true }
  /** Enough points leave the window in `retryInMs`. */
  | { readonly granted: false; readonly retryInMs: number }
) & { readonly primary: PrimaryBudgetSnapshot | undefined };

/** One installation's budget of one resource right now (for status pages). */
export interface RequestBudgetUsage {
  /** Points taken within the last window. */
  readonly usedPoints: number;
  readonly pointsPerWindow: number;
  readonly primary: PrimaryBudgetSnapshot | undefined;
}

/** The `RequestBudget` port of `@gse/github` on Redis (same shape; a service joins them). */
export interface RedisRequestBudget {
  /**
   * Takes `draw.points` if the window has room for them at the draw's priority; otherwise
   * takes nothing and answers how long until enough of the oldest points leave, so a caller
   * sleeps exactly that long instead of polling.
   * @throws RangeError when the draw can never fit (more points than its priority may take).
   */
  tryTake(installationId: number, draw: RequestBudgetDraw): Promise<RequestBudgetAnswer>;
  /** Records a response's primary budget: a later reset wins; in one window, the lower remaining. */
  observePrimary(
    installationId: number,
    resource: RequestBudgetResource,
    view: PrimaryBudgetSnapshot,
  ): Promise<void>;
  /** What the window and the primary view hold now; reads only. */
  readUsage(installationId: number, resource: RequestBudgetResource): Promise<RequestBudgetUsage>;
}

// A sliding window log: every grant is a ZSET member `<id>:<points>` scored by when it was
// taken (Redis's clock, so processes with skewed clocks agree; `id` is that time in µs, made
// unique). The points in the window are summed from the log itself on each draw: a running
// total kept in another key could outlive the log, or lose it, to eviction or expiry and
// then over-grant or refuse for ever. A window holds at most the points per minute (900),
// so the sum stays cheap. A fixed window would let twice the budget through in the minute
// straddling a boundary; a sliding one keeps every minute under it, whatever window GitHub
// counts in (docs/github-limitations.md#secondary-limit-windows). The log expires a window
// after the last grant, so an idle installation leaves nothing.
// KEYS: log ZSET, primary HASH. ARGV: points, allowed points, window ms.
// Returns { granted 0|1, wait ms, limit, remaining, resetAtMs } (primary fields false if none).
const TAKE_SCRIPT = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local points = tonumber(ARGV[1])
local allowed = tonumber(ARGV[2])
local windowMs = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - windowMs)
local entries = redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES')
local used = 0
for i = 1, #entries, 2 do
  used = used + tonumber(string.match(entries[i], ':(%d+)$'))
end
local primary = redis.call('HMGET', KEYS[2], 'limit', 'remaining', 'resetAtMs')
local granted = 0
local waitMs = 0
if used + points <= allowed then
  local id = time[1] .. string.format('%06d', tonumber(time[2]))
  local member = id .. ':' .. points
  local n = 0
  while redis.call('ZSCORE', KEYS[1], member) do
    n = n + 1
    member = id .. '.' .. n .. ':' .. points
  end
  redis.call('ZADD', KEYS[1], now, member)
  redis.call('PEXPIRE', KEYS[1], windowMs)
  granted = 1
else
  -- The oldest points leave first: wait until enough of them have.
  local excess = used + points - allowed
  for i = 1, #entries, 2 do
    excess = excess - tonumber(string.match(entries[i], ':(%d+)$'))
    if excess <= 0 then
      waitMs = tonumber(entries[i + 1]) + windowMs - now
      break
    end
  end
end
return { granted, waitMs, primary[1], primary[2], primary[3] }
`;

// Same rule as the client's gate: a later window replaces, a lower remaining in the same
// window wins. The view expires a window after its reset: by then it says nothing.
// KEYS: primary HASH. ARGV: limit, remaining, resetAtMs, grace ms.
const OBSERVE_PRIMARY_SCRIPT = `
local resetAtMs = tonumber(ARGV[3])
local remaining = tonumber(ARGV[2])
local current = redis.call('HMGET', KEYS[1], 'remaining', 'resetAtMs')
local currentReset = tonumber(current[2])
if currentReset ~= nil and (resetAtMs < currentReset or (resetAtMs == currentReset and remaining >= tonumber(current[1]))) then
  return 0
end
redis.call('HSET', KEYS[1], 'limit', ARGV[1], 'remaining', ARGV[2], 'resetAtMs', ARGV[3])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
redis.call('PEXPIRE', KEYS[1], math.max(resetAtMs - now, 0) + tonumber(ARGV[4]))
return 1
`;

// KEYS: log ZSET, primary HASH. ARGV: window ms. Returns { used points, limit, remaining, resetAtMs }.
const READ_USAGE_SCRIPT = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local used = 0
for _, member in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. (now - tonumber(ARGV[1])), '+inf')) do
  used = used + tonumber(string.match(member, ':(%d+)$'))
end
local primary = redis.call('HMGET', KEYS[2], 'limit', 'remaining', 'resetAtMs')
return { used, primary[1], primary[2], primary[3] }
`;

type PrimaryFields = [limit: string | null, remaining: string | null, resetAtMs: string | null];

/**
 * The scripts as ioredis commands (`defineCommand`): sent by SHA1 (`EVALSHA`), the text only
 * when Redis does not have it yet (after a restart), not on every request.
 */
interface BudgetCommands {
  gseBudgetTake(
    log: string,
    primary: string,
    points: number,
    allowed: number,
    windowMs: number,
  ): Promise<[granted: number, waitMs: number, ...PrimaryFields]>;
  gseBudgetObservePrimary(
    primary: string,
    limit: number,
    remaining: number,
    resetAtMs: number,
    graceMs: number,
  ): Promise<number>;
  gseBudgetReadUsage(
    log: string,
    primary: string,
    windowMs: number,
  ): Promise<[used: number, ...PrimaryFields]>;
}

const DEFAULT_WINDOW_MS = 60_000;
const RESOURCES: readonly RequestBudgetResource[] = ['rest', 'graphql'];

/** The fleet's request budgets on Redis (atomic Lua, Redis's clock, keys that expire). */
export function createRedisRequestBudget(options: RedisRequestBudgetOptions): RedisRequestBudget {
  const redis = defineBudgetCommands(options.redis);
  const keys = createStoreKeys(options.keyPrefix);
  const windowMs = options.windowMs ?? DEFAULT_WINDOW_MS;
  if (
    !Number.isFinite(options.scheduledReserve) ||
    options.scheduledReserve < 0 ||
    options.scheduledReserve >= 1
  ) {
    throw new RangeError(`scheduledReserve must be in [0, 1), got ${options.scheduledReserve}`);
  }
  const allowance = {} as Record<RequestBudgetResource, Record<RequestBudgetPriority, number>>;
  for (const resource of RESOURCES) {
    const points = options.pointsPerWindow[resource];
    if (!Number.isInteger(points) || points < 1) {
      throw new RangeError(`pointsPerWindow.${resource} must be an integer ≥ 1, got ${points}`);
    }
    allowance[resource] = {
      scheduled: points,
      background: Math.floor(points * (1 - options.scheduledReserve)),
    };
  }

  const keysOf = (installationId: number, resource: RequestBudgetResource) => ({
    log: keys.installationBudgetLog(installationId, resource),
    primary: keys.installationPrimaryView(installationId, resource),
  });

  return {
    async tryTake(installationId, draw) {
      const allowed = allowance[draw.resource][draw.priority];
      if (!Number.isInteger(draw.points) || draw.points < 1 || draw.points > allowed) {
        throw new RangeError(
          `a ${draw.priority} ${draw.resource} draw may take 1 to ${allowed} points, got ${draw.points}`,
        );
      }
      const { log, primary } = keysOf(installationId, draw.resource);
      const [granted, waitMs, limit, remaining, resetAtMs] = await redis.gseBudgetTake(
        log,
        primary,
        draw.points,
        allowed,
        windowMs,
      );
      const view = toSnapshot(limit, remaining, resetAtMs);
      return granted === 1
        ? { granted: true, primary: view }
        : { granted: false, retryInMs: Math.max(1, waitMs), primary: view };
    },
    async observePrimary(installationId, resource, view) {
      await redis.gseBudgetObservePrimary(
        keysOf(installationId, resource).primary,
        view.limit,
        view.remaining,
        view.resetAtMs,
        windowMs,
      );
    },
    async readUsage(installationId, resource) {
      const { log, primary } = keysOf(installationId, resource);
      const [used, limit, remaining, resetAtMs] = await redis.gseBudgetReadUsage(
        log,
        primary,
        windowMs,
      );
      return {
        usedPoints: used,
        pointsPerWindow: allowance[resource].scheduled,
        primary: toSnapshot(limit, remaining, resetAtMs),
      };
    },
  };
}

/** Defines the budget's scripts on the connection (idempotent: same names, same scripts). */
function defineBudgetCommands(redis: Redis): Redis & BudgetCommands {
  redis.defineCommand('gseBudgetTake', { numberOfKeys: 2, lua: TAKE_SCRIPT });
  redis.defineCommand('gseBudgetObservePrimary', { numberOfKeys: 1, lua: OBSERVE_PRIMARY_SCRIPT });
  redis.defineCommand('gseBudgetReadUsage', { numberOfKeys: 2, lua: READ_USAGE_SCRIPT });
  return redis as Redis & BudgetCommands;
}

function toSnapshot(
  limit: string | null,
  remaining: string | null,
  resetAtMs: string | null,
): PrimaryBudgetSnapshot | undefined {
  if (limit === null || remaining === null || resetAtMs === null) return undefined;
  return { limit: Number(limit), remaining: Number(remaining), resetAtMs: Number(resetAtMs) };
}
