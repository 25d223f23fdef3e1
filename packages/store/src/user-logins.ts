import { toUserIdOfKey, toUserLabel, type LoginSighting, type SeenLogin } from '@gse/activity';
import type { ChainableCommander, Redis } from 'ioredis';

import { execOrThrow } from './redis-transaction.js';
import { createStoreKeys, type StoreKeys } from './store-keys.js';

/**
 * Records login sightings, the newest per id winning (a sighting older than the id's stored
 * one changes nothing, so a worker that read a page before a rename and wrote it after cannot
 * bring the old login back). The login's holder becomes the id, unless another id was seen
 * with that login later. A login the id leaves stops pointing at it.
 * KEYS: 1 logins (id → login), 2 seen-at (ZSET id → ms), 3 holders (lower login → id),
 * 4 known-at (ZSET id → ms, only moved forward). ARGV: id, login, seenAtMs triples.
 */
export const RECORD_LOGIN_SIGHTINGS_SCRIPT = `
for i = 1, #ARGV, 3 do
  local id, login, at = ARGV[i], ARGV[i + 1], tonumber(ARGV[i + 2])
  local seen = redis.call('ZSCORE', KEYS[2], id)
  if not seen or at >= tonumber(seen) then
    local previous = redis.call('HGET', KEYS[1], id)
    local lower = string.lower(login)
    if previous and string.lower(previous) ~= lower
      and redis.call('HGET', KEYS[3], string.lower(previous)) == id then
      redis.call('HDEL', KEYS[3], string.lower(previous))
    end
    redis.call('HSET', KEYS[1], id, login)
    redis.call('ZADD', KEYS[2], at, id)
    redis.call('ZADD', KEYS[4], 'GT', at, id)
    local holder = redis.call('HGET', KEYS[3], lower)
    local keep = false
    if holder and holder ~= id then
      local held = redis.call('HGET', KEYS[1], holder)
      local heldAt = redis.call('ZSCORE', KEYS[2], holder)
      keep = held ~= false and string.lower(held) == lower and heldAt ~= false
        and tonumber(heldAt) > at
    end
    if not keep then redis.call('HSET', KEYS[3], lower, id) end
  end
end
return 0
`;

/**
 * Forgets the logins of ids nobody saw since the cutoff: an id with an event in a ledger was
 * seen when that event was recorded (at or after the event), so such an id has no event
 * within retention left to label.
 * KEYS: as above. ARGV: cutoff ms, then ids. Returns how many ids it forgot.
 */
export const FORGET_LOGINS_SCRIPT = `
local cutoff = tonumber(ARGV[1])
local forgotten = 0
for i = 2, #ARGV do
  local id = ARGV[i]
  local seen = redis.call('ZSCORE', KEYS[2], id)
  if seen and tonumber(seen) < cutoff then
    local login = redis.call('HGET', KEYS[1], id)
    if login and redis.call('HGET', KEYS[3], string.lower(login)) == id then
      redis.call('HDEL', KEYS[3], string.lower(login))
    end
    redis.call('HDEL', KEYS[1], id)
    redis.call('ZREM', KEYS[2], id)
    redis.call('ZREM', KEYS[4], id)
    forgotten = forgotten + 1
  end
end
return forgotten
`;

/** Appends the sightings (the newest per id, as one page may show a user many times) to `transaction`. */
export function recordLoginSightings(
  transaction: ChainableCommander,
  keys: StoreKeys,
  sightings: readonly LoginSighting[],
): ChainableCommander {
  if (sightings.length === 0) return transaction;
  const newest = new Map<number, LoginSighting>();
  for (const sighting of sightings) {
    const known = newest.get(sighting.userId);
    if (!known || sighting.seenAtMs >= known.seenAtMs) newest.set(sighting.userId, sighting);
  }
  return transaction.eval(
    RECORD_LOGIN_SIGHTINGS_SCRIPT,
    4,
    keys.userLogins,
    keys.userLoginSeenAt,
    keys.loginHolders,
    keys.userLoginKnownAt,
    ...[...newest.values()].flatMap((sighting) => [
      sighting.userId,
      sighting.login,
      sighting.seenAtMs,
    ]),
  );
}

/** The `user` label of each key (`toUserLabel`), from what the fleet has seen of its id. */
export async function readUserLabels(
  redis: Redis,
  keys: StoreKeys,
  userKeys: Iterable<string>,
): Promise<Map<string, string>> {
  const labels = new Map<string, string>();
  const ids: number[] = [];
  for (const key of userKeys) {
    const userId = toUserIdOfKey(key);
    if (userId === undefined) labels.set(key, key);
    else if (!labels.has(key)) {
      labels.set(key, key);
      ids.push(userId);
    }
  }
  if (ids.length === 0) return labels;
  const logins = await redis.hmget(keys.userLogins, ...ids.map(String));
  const lowered = logins.map((login) => login?.toLowerCase() ?? '');
  const holders = await redis.hmget(keys.loginHolders, ...lowered);
  ids.forEach((userId, index) => {
    const login = logins[index];
    const holder = holders[index];
    const seen: SeenLogin | undefined =
      login === null || login === undefined
        ? undefined
        : { login, holderId: holder === null || holder === undefined ? undefined : Number(holder) };
    labels.set(`#${userId}`, toUserLabel(`#${userId}`, seen));
  });
  return labels;
}

/**
 * Claims the ids whose login was last known current at or before the cutoff, the oldest
 * first, at most `ceil(2 × ids × share)` (twice their fair share of the check interval):
 * each is marked known now, so no other org's cycle checks it again within the interval
 * (a failed check waits for the next interval). Ids retention GC forgot are dropped. A
 * fleet that ran before the known-at set existed starts it from the sightings.
 * KEYS: 1 seen-at, 2 known-at, 3 logins. ARGV: cutoff ms, now ms, share. Returns id,
 * seenAtMs, login triples.
 */
export const CLAIM_LOGIN_CHECKS_SCRIPT = `
if redis.call('EXISTS', KEYS[2]) == 0 then redis.call('ZUNIONSTORE', KEYS[2], 1, KEYS[1]) end
local max = math.ceil(2 * redis.call('ZCARD', KEYS[2]) * tonumber(ARGV[3]))
local ids = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[1], 'LIMIT', 0, max)
local claimed = {}
for _, id in ipairs(ids) do
  local seen = redis.call('ZSCORE', KEYS[1], id)
  if seen then
    redis.call('ZADD', KEYS[2], ARGV[2], id)
    table.insert(claimed, id)
    table.insert(claimed, seen)
    table.insert(claimed, redis.call('HGET', KEYS[3], id) or '')
  else
    redis.call('ZREM', KEYS[2], id)
  end
end
return claimed
`;

/** A user id whose login is due for a check: when it was last seen in a listing, and as whom. */
export interface LoginCheck {
  readonly userId: number;
  readonly seenAtMs: number;
  readonly login: string;
}

/**
 * The hourly check of the logins of users no listing showed lately: a rename moves no field
 * change detection watches, and a quiet repo's lists are not read (docs/decisions/0017).
 */
export interface UserLoginChecks {
  /**
   * Claims the ids not known current within `intervalMs`, at most twice their fair share
   * of one cycle (`cycleIntervalMs / intervalMs` of all ids).
   */
  claim(request: {
    readonly nowMs: number;
    readonly intervalMs: number;
    readonly cycleIntervalMs: number;
  }): Promise<LoginCheck[]>;
  /**
   * Records the login a check found, dated at the id's last sighting (`seenAtMs` of its
   * claim): retention GC forgets an id by its last sighting in a listing, which a check is
   * not, and a later listing still wins over it.
   */
  record(found: readonly LoginSighting[]): Promise<void>;
}

export function createUserLoginChecks(options: {
  readonly redis: Redis;
  readonly keyPrefix: string;
}): UserLoginChecks {
  const { redis } = options;
  const keys = createStoreKeys(options.keyPrefix);
  return {
    claim: async ({ nowMs, intervalMs, cycleIntervalMs }) => {
      const reply = (await redis.eval(
        CLAIM_LOGIN_CHECKS_SCRIPT,
        3,
        keys.userLoginSeenAt,
        keys.userLoginKnownAt,
        keys.userLogins,
        nowMs - intervalMs,
        nowMs,
        String(cycleIntervalMs / intervalMs),
      )) as string[];
      const claimed: LoginCheck[] = [];
      for (let index = 0; index + 2 < reply.length; index += 3) {
        claimed.push({
          userId: Number(reply[index]),
          seenAtMs: Number(reply[index + 1]),
          login: reply[index + 2] ?? '',
        });
      }
      return claimed;
    },
    record: async (found) => {
      await execOrThrow(recordLoginSightings(redis.multi(), keys, found));
    },
  };
}
