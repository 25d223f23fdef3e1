import type { Redis } from 'ioredis';

import { execOrThrow } from './redis-transaction.js';
import { createStoreKeys } from './store-keys.js';

const MINUTE_MS = 60_000;
// The cap's counter outlives its minute a little, for clocks a few seconds apart.
const ORG_ENQUEUES_TTL_MS = 2 * MINUTE_MS;

/** The limits `@gse/queues` passes (`backfill.*`). */
export interface BackfillStateLimits {
  readonly dedupTtlMs: number;
  readonly maxEnqueuesPerOrgPerMinute: number;
  readonly claimAfterMs: number;
}

/** An encoded backfill message waiting in Redis. */
export interface StoredBackfillMessage {
  readonly id: string;
  readonly org: string;
  readonly payload: string;
}

/**
 * The backfill queue's state in Redis (the `BackfillStateStore` port of `@gse/queues`): dedup
 * markers, the per-org cap and its overflow, the outbox of messages RabbitMQ has not
 * confirmed yet, and the age index of each RabbitMQ queue. See `@gse/queues` for the
 * contract of each method; every multi-key change is one Lua script or transaction.
 */
export interface RedisBackfillState {
  admit(
    entries: readonly (StoredBackfillMessage & {
      readonly dedupDigest: string;
      readonly coveringDigests?: readonly string[];
      readonly history?: boolean;
    })[],
    limits: BackfillStateLimits,
    nowMs: number,
  ): Promise<('admitted' | 'deduped' | 'capped' | 'held')[]>;
  releaseOverflow(
    limits: BackfillStateLimits,
    nowMs: number,
    historyRoom: number,
  ): Promise<StoredBackfillMessage[]>;
  claimOutbox(
    limits: BackfillStateLimits,
    nowMs: number,
    limit: number,
  ): Promise<StoredBackfillMessage[]>;
  completeOutbox(ids: readonly string[]): Promise<void>;
  releaseOutbox(ids: readonly string[], nowMs: number): Promise<void>;
  forgetDedup(digests: readonly string[]): Promise<void>;
  claimDedup(
    claims: readonly { readonly digest: string; readonly id: string }[],
    ttlMs: number,
  ): Promise<('claimed' | 'ours' | 'taken')[]>;
  pendingCounts(): Promise<{ readonly outbox: number; readonly overflow: number }>;
  recordQueueMoves(
    moves: readonly {
      readonly id: string;
      readonly leave?: string;
      readonly enter?: readonly { readonly queue: string; readonly atMs: number }[];
    }[],
  ): Promise<void>;
  oldestInQueue(
    queue: string,
    range: {
      readonly notBeforeMs?: number;
      readonly notAfterMs: number;
      readonly messages: number;
    },
  ): Promise<number | undefined>;
  forgetQueueAges(queue: string): Promise<void>;
}

// KEYS: messages, outbox, overflow orgs, then per entry: dedup, org enqueues, org overflow,
// org history and the markers of COVERING_SLOTS windows that contain it (padded with its own
// marker). ARGV: count, dedup ttl, cap, enqueues ttl, due ms, then per entry: id, org,
// payload, '1' for a history window. A new entry never overtakes its org's overflow: it
// queues behind it. A history window is held in its org's history list, and the others never
// queue behind that list. One whose window is contained in a pending one (an org-wide window
// of the same slot) is deduped.
const COVERING_SLOTS = 3;
const ADMIT_SCRIPT = `
local results = {}
for i = 1, tonumber(ARGV[1]) do
  local base = 7 * i - 4
  local dedup, enqueues, overflow = KEYS[base + 1], KEYS[base + 2], KEYS[base + 3]
  local id, org, payload = ARGV[4 * i + 2], ARGV[4 * i + 3], ARGV[4 * i + 4]
  if redis.call('EXISTS', KEYS[base + 5], KEYS[base + 6], KEYS[base + 7]) > 0
    or not redis.call('SET', dedup, id, 'NX', 'PX', ARGV[2]) then
    results[i] = 'deduped'
  elseif ARGV[4 * i + 5] == '1' then
    redis.call('HSET', KEYS[1], id, org .. '\\n' .. payload)
    redis.call('RPUSH', KEYS[base + 4], id)
    redis.call('SADD', KEYS[3], org)
    results[i] = 'held'
  else
    redis.call('HSET', KEYS[1], id, org .. '\\n' .. payload)
    local used = tonumber(redis.call('GET', enqueues) or '0')
    if used >= tonumber(ARGV[3]) or redis.call('LLEN', overflow) > 0 then
      redis.call('RPUSH', overflow, id)
      redis.call('SADD', KEYS[3], org)
      results[i] = 'capped'
    else
      if redis.call('INCR', enqueues) == 1 then redis.call('PEXPIRE', enqueues, ARGV[4]) end
      redis.call('ZADD', KEYS[2], ARGV[5], id)
      results[i] = 'admitted'
    end
  end
end
return results
`;

// KEYS: messages, outbox, overflow orgs, org overflow, org enqueues, org history.
// ARGV: cap, enqueues ttl, due ms, org, history room. History windows move only once the
// org's overflow is empty, at most history room of them, and count against the cap too.
// Returns the number of history windows moved, then id, value, id, value, …
const RELEASE_OVERFLOW_SCRIPT = `
local room = tonumber(ARGV[1]) - tonumber(redis.call('GET', KEYS[5]) or '0')
local moved = {0}
local function release(list, limit)
  local count = 0
  while room > 0 and count < limit do
    local id = redis.call('LPOP', list)
    if not id then break end
    local value = redis.call('HGET', KEYS[1], id)
    if value then
      redis.call('ZADD', KEYS[2], ARGV[3], id)
      if redis.call('INCR', KEYS[5]) == 1 then redis.call('PEXPIRE', KEYS[5], ARGV[2]) end
      room = room - 1
      count = count + 1
      moved[#moved + 1] = id
      moved[#moved + 1] = value
    end
  end
  return count
end
release(KEYS[4], math.huge)
if redis.call('LLEN', KEYS[4]) == 0 then
  moved[1] = release(KEYS[6], tonumber(ARGV[5]))
  if redis.call('LLEN', KEYS[6]) == 0 then redis.call('SREM', KEYS[3], ARGV[4]) end
end
return moved
`;

// KEYS: dedup markers. ARGV: ttl, then one id per marker. Per marker: 'claimed' (set now),
// 'ours' (already set for this id: a redelivery) or 'taken' (another window holds it).
const CLAIM_DEDUP_SCRIPT = `
local results = {}
for i, key in ipairs(KEYS) do
  if redis.call('SET', key, ARGV[i + 1], 'NX', 'PX', ARGV[1]) then
    results[i] = 'claimed'
  elseif redis.call('GET', key) == ARGV[i + 1] then
    results[i] = 'ours'
  else
    results[i] = 'taken'
  end
end
return results
`;

// KEYS: outbox, messages. ARGV: now ms, new due ms, limit. Returns id, value, id, value, …
const CLAIM_OUTBOX_SCRIPT = `
local claimed = {}
for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[3])) do
  local value = redis.call('HGET', KEYS[2], id)
  if value then
    redis.call('ZADD', KEYS[1], ARGV[2], id)
    claimed[#claimed + 1] = id
    claimed[#claimed + 1] = value
  else
    redis.call('ZREM', KEYS[1], id)
  end
end
return claimed
`;

// KEYS: the queue's age index. ARGV: not before ('-inf' for none), not after, messages.
// Drops entries older than not-before, then the oldest in range beyond the queue's depth;
// returns the oldest entry's time left in range, or nil.
const RECONCILE_QUEUE_AGES_SCRIPT = `
if ARGV[1] ~= '-inf' then redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[1]) end
local excess = redis.call('ZCOUNT', KEYS[1], ARGV[1], ARGV[2]) - tonumber(ARGV[3])
while excess > 0 do
  local stale = redis.call('ZRANGEBYSCORE', KEYS[1], ARGV[1], ARGV[2], 'LIMIT', 0, math.min(excess, 500))
  redis.call('ZREM', KEYS[1], unpack(stale))
  excess = excess - #stale
end
local oldest = redis.call('ZRANGEBYSCORE', KEYS[1], ARGV[1], ARGV[2], 'WITHSCORES', 'LIMIT', 0, 1)
return oldest[2]
`;

/** Creates the Redis implementation of the backfill queue's state. */
export function createRedisBackfillState(options: {
  readonly redis: Redis;
  readonly keyPrefix: string;
}): RedisBackfillState {
  const { redis } = options;
  const keys = createStoreKeys(options.keyPrefix);
  const minuteOf = (nowMs: number): number => nowMs - (nowMs % MINUTE_MS);

  return {
    admit: async (entries, limits, nowMs) => {
      if (entries.length === 0) return [];
      const minuteStartMs = minuteOf(nowMs);
      const entryKeys = entries.flatMap((entry) => {
        const own = keys.backfillDedup(entry.dedupDigest);
        const covering = (entry.coveringDigests ?? []).map((digest) => keys.backfillDedup(digest));
        if (covering.length > COVERING_SLOTS) {
          throw new RangeError(`at most ${COVERING_SLOTS} covering windows per backfill entry`);
        }
        return [
          own,
          keys.backfillOrgEnqueues(entry.org, minuteStartMs),
          keys.backfillOrgOverflow(entry.org),
          keys.backfillOrgHistory(entry.org),
          ...covering,
          ...Array.from({ length: COVERING_SLOTS - covering.length }, () => own),
        ];
      });
      const results = (await redis.eval(
        ADMIT_SCRIPT,
        3 + entryKeys.length,
        keys.backfillMessages,
        keys.backfillOutbox,
        keys.backfillOverflowOrgs,
        ...entryKeys,
        entries.length,
        limits.dedupTtlMs,
        limits.maxEnqueuesPerOrgPerMinute,
        ORG_ENQUEUES_TTL_MS,
        nowMs + limits.claimAfterMs,
        ...entries.flatMap((entry) => [
          entry.id,
          entry.org,
          entry.payload,
          entry.history === true ? '1' : '0',
        ]),
      )) as ('admitted' | 'deduped' | 'capped' | 'held')[];
      return results;
    },
    releaseOverflow: async (limits, nowMs, historyRoom) => {
      const orgs = await redis.smembers(keys.backfillOverflowOrgs);
      const released: StoredBackfillMessage[] = [];
      let historyLeft = historyRoom;
      for (const org of orgs.sort()) {
        const [historyMoved, ...flat] = (await redis.eval(
          RELEASE_OVERFLOW_SCRIPT,
          6,
          keys.backfillMessages,
          keys.backfillOutbox,
          keys.backfillOverflowOrgs,
          keys.backfillOrgOverflow(org),
          keys.backfillOrgEnqueues(org, minuteOf(nowMs)),
          keys.backfillOrgHistory(org),
          limits.maxEnqueuesPerOrgPerMinute,
          ORG_ENQUEUES_TTL_MS,
          nowMs + limits.claimAfterMs,
          org,
          historyLeft,
        )) as [number, ...string[]];
        historyLeft -= historyMoved;
        released.push(...toStoredMessages(flat));
      }
      return released;
    },
    claimOutbox: async (limits, nowMs, limit) => {
      const flat = (await redis.eval(
        CLAIM_OUTBOX_SCRIPT,
        2,
        keys.backfillOutbox,
        keys.backfillMessages,
        nowMs,
        nowMs + limits.claimAfterMs,
        limit,
      )) as string[];
      return toStoredMessages(flat);
    },
    completeOutbox: async (ids) => {
      if (ids.length === 0) return;
      await execOrThrow(
        redis
          .multi()
          .zrem(keys.backfillOutbox, ...ids)
          .hdel(keys.backfillMessages, ...ids),
      );
    },
    releaseOutbox: async (ids, nowMs) => {
      if (ids.length === 0) return;
      await redis.zadd(keys.backfillOutbox, 'XX', ...ids.flatMap((id) => [nowMs, id]));
    },
    forgetDedup: async (digests) => {
      if (digests.length === 0) return;
      await redis.unlink(...digests.map((digest) => keys.backfillDedup(digest)));
    },
    claimDedup: async (claims, ttlMs) => {
      if (claims.length === 0) return [];
      return (await redis.eval(
        CLAIM_DEDUP_SCRIPT,
        claims.length,
        ...claims.map((claim) => keys.backfillDedup(claim.digest)),
        ttlMs,
        ...claims.map((claim) => claim.id),
      )) as ('claimed' | 'ours' | 'taken')[];
    },
    pendingCounts: async () => {
      const [outbox = 0, messages = 0] = await execOrThrow(
        redis.multi().zcard(keys.backfillOutbox).hlen(keys.backfillMessages),
      );
      return { outbox, overflow: Math.max(0, messages - outbox) };
    },
    recordQueueMoves: async (moves) => {
      if (moves.length === 0) return;
      const transaction = redis.multi();
      for (const move of moves) {
        if (move.leave !== undefined) transaction.zrem(keys.backfillQueueAge(move.leave), move.id);
      }
      for (const move of moves) {
        for (const entry of move.enter ?? []) {
          transaction.zadd(keys.backfillQueueAge(entry.queue), entry.atMs, move.id);
        }
      }
      await execOrThrow(transaction);
    },
    oldestInQueue: async (queue, range) => {
      const oldest = (await redis.eval(
        RECONCILE_QUEUE_AGES_SCRIPT,
        1,
        keys.backfillQueueAge(queue),
        range.notBeforeMs ?? '-inf',
        range.notAfterMs,
        range.messages,
      )) as string | null;
      return oldest === null ? undefined : Number(oldest);
    },
    forgetQueueAges: async (queue) => {
      await redis.unlink(keys.backfillQueueAge(queue));
    },
  };
}

function toStoredMessages(flat: readonly string[]): StoredBackfillMessage[] {
  const messages: StoredBackfillMessage[] = [];
  for (let index = 0; index + 1 < flat.length; index += 2) {
    const value = flat[index + 1] ?? '';
    const newline = value.indexOf('\n');
    messages.push({
      id: flat[index] ?? '',
      org: value.slice(0, newline),
      payload: value.slice(newline + 1),
    });
  }
  return messages;
}
