import type { Redis } from 'ioredis';

import { createStoreKeys, type RepoRef } from './store-keys.js';

const HOUR_MS = 3_600_000;
const WEEK_MS = 7 * 24 * HOUR_MS;

/** Whether the LOC fallback may fetch one more commit detail, and if not which budget is spent. */
export type LocBudgetDecision = 'granted' | 'repo_week_exhausted' | 'org_hour_exhausted';

/**
 * When a spent budget renews: the org's at the next clock hour; the repo's for the week never
 * (that week stays truncated), so a retry is due when the next week is the last complete one.
 */
export function toLocBudgetRenewalMs(
  decision: Exclude<LocBudgetDecision, 'granted'>,
  weekStartMs: number,
  nowMs: number,
): number {
  return decision === 'org_hour_exhausted'
    ? nowMs - (nowMs % HOUR_MS) + HOUR_MS
    : weekStartMs + 2 * WEEK_MS;
}

export interface LocFallbackBudget {
  /** Takes one commit-detail call from both budgets, atomically, or none if either is spent. */
  take(ref: RepoRef, weekStartMs: number, nowMs: number): Promise<LocBudgetDecision>;
}

export interface LocFallbackBudgetOptions {
  readonly redis: Redis;
  readonly keyPrefix: string;
  /** `loc.fallback_max_commits_per_repo_per_week`. */
  readonly maxCommitsPerRepoPerWeek: number;
  /** `loc.fallback_max_commit_detail_calls_per_org_per_hour`. */
  readonly maxCommitDetailCallsPerOrgPerHour: number;
}

// KEYS: repo-week counter, org-hour counter. ARGV: repo limit, org limit, repo ttl ms, org ttl ms.
const TAKE_SCRIPT = `
if tonumber(redis.call('GET', KEYS[1]) or '0') >= tonumber(ARGV[1]) then return 'repo_week_exhausted' end
if tonumber(redis.call('GET', KEYS[2]) or '0') >= tonumber(ARGV[2]) then return 'org_hour_exhausted' end
if redis.call('INCR', KEYS[1]) == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[3]) end
if redis.call('INCR', KEYS[2]) == 1 then redis.call('PEXPIRE', KEYS[2], ARGV[4]) end
return 'granted'
`;

/**
 * The LOC fallback's budgets in Redis, shared by every process of the fleet: commit details
 * per repo per week and per org per clock hour. Counters expire once their period is over.
 */
export function createRedisLocFallbackBudget(options: LocFallbackBudgetOptions): LocFallbackBudget {
  const keys = createStoreKeys(options.keyPrefix);
  return {
    take: async (ref, weekStartMs, nowMs) => {
      const hourStartMs = nowMs - (nowMs % HOUR_MS);
      const decision = await options.redis.eval(
        TAKE_SCRIPT,
        2,
        keys.repoLocBudget(ref, weekStartMs),
        keys.orgLocBudget(ref.org, hourStartMs),
        options.maxCommitsPerRepoPerWeek,
        options.maxCommitDetailCallsPerOrgPerHour,
        2 * WEEK_MS,
        2 * HOUR_MS,
      );
      return decision as LocBudgetDecision;
    },
  };
}
