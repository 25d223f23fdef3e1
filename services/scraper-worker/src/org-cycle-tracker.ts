import type { StoreKeys } from '@gse/store';
import type { Redis } from 'ioredis';

/**
 * How one repo of a cycle ended for good; `collapsed`: its job of an earlier cycle was still
 * pending, and that job reads this cycle's changes too (scrapes read up to the moment they run).
 */
export type RepoJobResult = 'done' | 'partial' | 'failed' | 'collapsed';

/** A cycle whose every repo job ended: reported exactly once, by whoever ended the last. */
export interface CycleCompletion {
  readonly startedAtMs: number;
  readonly repos: number;
  readonly done: number;
  readonly partial: number;
  readonly failed: number;
  readonly collapsed: number;
  /** `success`: every repo done or collapsed; `failure`: every repo failed; else `partial`. */
  readonly result: 'success' | 'partial' | 'failure';
}

/**
 * Follows an org cycle across every worker process, so its run and duration are reported
 * once: the org job records how many repo jobs it fanned out, each repo job its result.
 * Both are idempotent (a job retried after a crash records nothing new).
 */
export interface OrgCycleTracker {
  /** Records the fan-out (the first call wins); completes at once for an org with no repos. */
  begin(
    org: string,
    slotStartMs: number,
    repos: number,
    startedAtMs: number,
  ): Promise<CycleCompletion | undefined>;
  /** Records one repo's result; the completion when it was the cycle's last. */
  finish(
    org: string,
    slotStartMs: number,
    repo: string,
    result: RepoJobResult,
  ): Promise<CycleCompletion | undefined>;
}

/** A cycle's record outlives any sane cycle, then goes. */
const CYCLE_TTL_MS = 24 * 3_600_000;

// Shared tail: reports the cycle once every expected repo finished (HSETNX 'reported').
const COMPLETE_IF_DONE = `
local expected = tonumber(redis.call('HGET', KEYS[1], 'expected') or '-1')
local finished = tonumber(redis.call('HGET', KEYS[1], 'finished') or '0')
if expected < 0 or finished < expected then return false end
if redis.call('HSETNX', KEYS[1], 'reported', '1') == 0 then return false end
return redis.call('HMGET', KEYS[1], 'startedAtMs', 'expected', 'done', 'partial', 'failed', 'collapsed')
`;

// ARGV: expected, startedAtMs, ttl ms.
const BEGIN_SCRIPT = `
redis.call('HSETNX', KEYS[1], 'expected', ARGV[1])
redis.call('HSETNX', KEYS[1], 'startedAtMs', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
${COMPLETE_IF_DONE}`;

// ARGV: repo, result, ttl ms. A repo counts once, whatever its retries.
const FINISH_SCRIPT = `
if redis.call('HSETNX', KEYS[1], 'repo:' .. ARGV[1], ARGV[2]) == 0 then return false end
redis.call('HINCRBY', KEYS[1], 'finished', 1)
redis.call('HINCRBY', KEYS[1], ARGV[2], 1)
redis.call('PEXPIRE', KEYS[1], ARGV[3])
${COMPLETE_IF_DONE}`;

export function createOrgCycleTracker(options: {
  readonly redis: Redis;
  readonly keys: StoreKeys;
}): OrgCycleTracker {
  const { redis, keys } = options;
  return {
    async begin(org, slotStartMs, repos, startedAtMs) {
      const key = keys.orgCycle(org, slotStartMs);
      return toCompletion(await redis.eval(BEGIN_SCRIPT, 1, key, repos, startedAtMs, CYCLE_TTL_MS));
    },
    async finish(org, slotStartMs, repo, result) {
      const key = keys.orgCycle(org, slotStartMs);
      return toCompletion(await redis.eval(FINISH_SCRIPT, 1, key, repo, result, CYCLE_TTL_MS));
    },
  };
}

function toCompletion(reply: unknown): CycleCompletion | undefined {
  if (!Array.isArray(reply)) return undefined;
  const [startedAtMs = 0, repos = 0, done = 0, partial = 0, failed = 0, collapsed = 0] = reply.map(
    (value) => Number(value ?? 0),
  );
  const counts = { startedAtMs, repos, done, partial, failed, collapsed };
  const result = done + collapsed === repos ? 'success' : failed === repos ? 'failure' : 'partial';
  return { ...counts, result };
}
