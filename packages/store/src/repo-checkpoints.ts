import {
  isScrapeResource,
  SCRAPE_CATALOG,
  SCRAPE_RESOURCES,
  toEventId,
  type ScrapeResource,
} from '@gse/activity';
import type { Redis } from 'ioredis';

import { execOrThrow } from './redis-transaction.js';
import { createStoreKeys, ORG_KEYS_TTL_MS, toRepoId, type RepoRef } from './store-keys.js';

/** The checkpoint each resource of `SCRAPE_CATALOG` declares (`commitsSyncedAtMs`, …). */
type ResourceCheckpoint = (typeof SCRAPE_CATALOG)[ScrapeResource]['checkpoint'];

/**
 * How far each resource of a repo has been read completely. A checkpoint moves only after
 * its resource was read without error, so a failed read is re-covered by the next scrape.
 * One per resource of the scrape catalog (epoch ms: commits when last read completely;
 * pulls, comments: `updated_at` of the newest item then; LOC: when last refreshed), plus
 * what the commits, pulls and LOC collectors keep beside theirs.
 */
export type RepoCheckpoints = {
  readonly [K in ResourceCheckpoint]?: number;
} & {
  /** PRs updated exactly at `pullsUpdatedAtMs` whose reviews were read then (no need to again). */
  readonly pullsReadAtCheckpoint?: readonly number[];
  /**
   * PRs whose reviews the last scrape read in the second of their `updated_at` (the
   * checkpoint's): a review submitted later in that second leaves `updated_at` as it was,
   * so the next scrape reads these PRs' reviews once more (conditionally: free if unchanged).
   */
  readonly pullsReviewRecheck?: readonly number[];
  /**
   * PR number → the review page its next review lands on, for PRs with more than one page
   * of reviews (GitHub lists them oldest first, 100 a page): a changed PR's reviews are read
   * from that page on, since page 1 keeps its ETag when a review lands on a later page.
   */
  readonly pullsReviewPages?: Readonly<Record<number, number>>;
  /** The default branch's head sha at the last complete commits read (a force-push test). */
  readonly commitsHeadSha?: string;
  /** When a commits read last found the default branch's history rewritten (force-push). */
  readonly commitsRewrittenAtMs?: number;
  /** Consecutive stats refreshes that reported zero lines despite commits (10,000+ commits). */
  readonly locZeroLineRefreshes?: number;
  /** Until when the repo takes its LOC from per-commit details instead of the stats. */
  readonly locFallbackUntilMs?: number;
  /**
   * When the LOC fallback's spent budget renews and the truncated week is read again (0:
   * the last refresh was complete). Until then the refresh is not due: no request each cycle.
   */
  readonly locRetryAtMs?: number;
  /**
   * When each comment list's ledger was last proven equal to GitHub's listing back to
   * retention (`github.comment_reconcile_interval`), and where the list's first page reached
   * at its last `200` (`created_at` from which it holds every comment; 0: the whole list), so
   * a `304` of that page can prove it again for free.
   */
  readonly commentsReconciledAtMs?: number;
  readonly commentsFirstPageFromMs?: number;
  readonly reviewCommentsReconciledAtMs?: number;
  readonly reviewCommentsFirstPageFromMs?: number;
  /**
   * Resources GitHub refuses for good (`github_rejected`: 403 for a missing App permission,
   * 404, …) as of the last scrape that tried them: a refusal is reported when it starts, not
   * every cycle it lasts.
   */
  readonly refusedResources?: readonly ScrapeResource[];
  /**
   * Set by a repo's first read, which reads only the last 24 h: the ledger holds every event
   * after this instant (epoch ms), and the history before it (back to retention) is read by
   * the backfill worker. 0 once every resource's history is in. The series count only
   * events after it until then (`tallyRepoActivity`'s `completeFromMs`).
   */
  readonly historyReadFromMs?: number;
  /** The resources whose history before `historyReadFromMs` is still to be read. */
  readonly historyPendingResources?: readonly ScrapeResource[];
};

/** A checkpoint that holds one number (epoch ms, or a count). */
export type NumericCheckpoint = Exclude<
  keyof RepoCheckpoints,
  | 'pullsReadAtCheckpoint'
  | 'pullsReviewRecheck'
  | 'pullsReviewPages'
  | 'commitsHeadSha'
  | 'refusedResources'
  | 'historyPendingResources'
>;

const CHECKPOINT_FIELDS: readonly NumericCheckpoint[] = [
  ...SCRAPE_RESOURCES.map((resource): NumericCheckpoint => SCRAPE_CATALOG[resource].checkpoint),
  'commitsRewrittenAtMs',
  'locZeroLineRefreshes',
  'locFallbackUntilMs',
  'locRetryAtMs',
  'commentsReconciledAtMs',
  'commentsFirstPageFromMs',
  'reviewCommentsReconciledAtMs',
  'reviewCommentsFirstPageFromMs',
  'historyReadFromMs',
];
type ListCheckpoint = 'pullsReadAtCheckpoint' | 'pullsReviewRecheck';
const LIST_FIELDS: readonly ListCheckpoint[] = ['pullsReadAtCheckpoint', 'pullsReviewRecheck'];
const REVIEW_PAGES_FIELD = 'pullsReviewPages';
const HEAD_SHA_FIELD = 'commitsHeadSha';
const REFUSED_FIELD = 'refusedResources';
// In the repo's state hash, so a rename moves it and a departure or retention removes it
// with the repo's other keys: ~100 bytes a repo, 1 MB for 10,000.
const FINGERPRINT_FIELD = 'changeFingerprint';
const FINGERPRINT_AT_FIELD = 'changeFingerprintAtMs';

/**
 * What change detection compares a repo against: the fingerprint of its last complete
 * scrape (an opaque string from `@gse/scrape`) and when it was stored, with the checkpoints
 * that make a LOC refresh due whatever the fingerprint says.
 */
export interface RepoChangeState extends Pick<
  RepoCheckpoints,
  'locRefreshedAtMs' | 'locRetryAtMs' | 'commitsRewrittenAtMs' | 'refusedResources'
> {
  readonly fingerprint?: string;
  readonly fingerprintAtMs?: number;
  /** Some resource of the repo was ever read (a checkpoint of `SCRAPE_CATALOG` is set). */
  readonly everRead?: true;
}

/** The checkpoint of each resource of `SCRAPE_CATALOG`, once each. */
const RESOURCE_CHECKPOINTS: readonly ResourceCheckpoint[] = [
  ...new Set(SCRAPE_RESOURCES.map((resource) => SCRAPE_CATALOG[resource].checkpoint)),
];

/** The change-state fields that are numeric checkpoints, read as such. */
const CHANGE_STATE_CHECKPOINTS = [
  'locRefreshedAtMs',
  'locRetryAtMs',
  'commitsRewrittenAtMs',
] as const satisfies readonly NumericCheckpoint[];

/** Every commit's ledger id starts with this. */
const COMMIT_EVENT_PREFIX = toEventId({ kind: 'commit', sourceId: '' });

// One field per resource, so two backfill workers finishing two resources' history at once
// each delete their own (a list rewritten by both would lose one).
const HISTORY_PENDING_FIELDS = SCRAPE_RESOURCES.map((resource) => `historyPending:${resource}`);
/**
 * The GitHub id the repo has in its org's pending set (`StoreKeys.orgHistoryPending`),
 * written with its pending-history fields: what takes it out of the set when they are gone
 * (here, or with the repo's keys in `removeRepo`). In the state hash, so a rename moves it.
 */
export const HISTORY_REPO_ID_FIELD = 'historyRepoId';

/**
 * Deletes the given resources' pending-history fields (KEYS[1] the state hash); when none
 * is left, the repo leaves its org's pending set (KEYS[2]) in the same step, and if the
 * history was pending, sets `historyReadFromMs` to 0 and answers 1 (only the call that
 * completes it does).
 */
const COMPLETE_HISTORY_SCRIPT = `
local done = tonumber(ARGV[1])
for index = 2, done + 1 do redis.call('HDEL', KEYS[1], ARGV[index]) end
for index = done + 2, #ARGV do
  if redis.call('HEXISTS', KEYS[1], ARGV[index]) == 1 then return 0 end
end
local repoId = redis.call('HGET', KEYS[1], '${HISTORY_REPO_ID_FIELD}')
if repoId then
  redis.call('SREM', KEYS[2], repoId)
  redis.call('HDEL', KEYS[1], '${HISTORY_REPO_ID_FIELD}')
end
local readFrom = tonumber(redis.call('HGET', KEYS[1], 'historyReadFromMs') or '0') or 0
if readFrom == 0 then return 0 end
redis.call('HSET', KEYS[1], 'historyReadFromMs', 0)
return 1
`;

export interface RepoCheckpointStore {
  read(ref: RepoRef): Promise<RepoCheckpoints>;
  /**
   * Sets the given checkpoints; the others keep their values. With
   * `historyPendingResources` and the repo's GitHub id, the repo joins its org's pending set
   * (`gh_exporter_history_repos_pending`) in the same step; `completeHistory` takes it out.
   */
  write(ref: RepoRef, checkpoints: RepoCheckpoints, repoId?: number): Promise<void>;
  /**
   * The change state of each of `repos` of `org`, in one round trip (a page of change
   * detection: up to 100 repos).
   */
  readChangeStates(org: string, repos: readonly string[]): Promise<Map<string, RepoChangeState>>;
  /**
   * Of `repos` of `org`, those whose ledger holds a commit dated at or after `fromMs`, in
   * one round trip: the repos whose LOC gauges a refresh can move.
   */
  readReposWithCommitsSince(
    org: string,
    repos: readonly string[],
    fromMs: number,
  ): Promise<Set<string>>;
  /**
   * Some numeric checkpoints of many repos of an org, in one round trip (a repo without
   * any of them maps to `{}`).
   */
  readNumericCheckpoints(
    org: string,
    repos: readonly string[],
    fields: readonly NumericCheckpoint[],
  ): Promise<Map<string, RepoCheckpoints>>;
  /** Stores the fingerprint of a complete scrape, dated `atMs`. */
  writeFingerprint(ref: RepoRef, fingerprint: string, atMs: number): Promise<void>;
  /** Forgets the repo's fingerprint: change detection then reads it at its next cycle. */
  deleteFingerprint(ref: RepoRef): Promise<void>;
  /**
   * Marks these resources' history (before `historyReadFromMs`) as read. Resolves true
   * exactly once per repo: for the call after which no resource's history is pending
   * (`historyReadFromMs` is then 0, so the next series refresh counts every event); the
   * repo leaves its org's pending set with that same step.
   */
  completeHistory(ref: RepoRef, resources: readonly ScrapeResource[]): Promise<boolean>;
}

/** Checkpoints live in the repo's state hash, beside the scrape time the series use. */
export function createRepoCheckpointStore(options: {
  readonly redis: Redis;
  readonly keyPrefix: string;
  /** The clock of the ledger index retention GC reads (`Date.now`). */
  readonly now?: () => number;
}): RepoCheckpointStore {
  const keys = createStoreKeys(options.keyPrefix);
  const now = options.now ?? Date.now;
  const finite = (value: string | null | undefined): number | undefined => {
    const parsed = Number(value ?? Number.NaN);
    return Number.isFinite(parsed) ? parsed : undefined;
  };
  return {
    readChangeStates: async (org, repos) => {
      const pipeline = options.redis.pipeline();
      for (const repo of repos) {
        pipeline.hmget(
          keys.repoState({ org, repo }),
          FINGERPRINT_FIELD,
          FINGERPRINT_AT_FIELD,
          REFUSED_FIELD,
          ...CHANGE_STATE_CHECKPOINTS,
          ...RESOURCE_CHECKPOINTS,
        );
      }
      const results = (await pipeline.exec()) ?? [];
      const states = new Map<string, RepoChangeState>();
      repos.forEach((repo, index) => {
        const [error, values] = results[index] ?? [new Error('no reply'), null];
        if (error) throw error;
        const [fingerprint, atMs, refused, ...numbers] = values as (string | null)[];
        const state: { -readonly [K in keyof RepoChangeState]: RepoChangeState[K] } = {};
        if (fingerprint !== null && fingerprint !== undefined) state.fingerprint = fingerprint;
        const fingerprintAtMs = finite(atMs);
        if (fingerprintAtMs !== undefined) state.fingerprintAtMs = fingerprintAtMs;
        if (refused !== null && refused !== undefined) {
          state.refusedResources = decodeRefused(refused);
        }
        CHANGE_STATE_CHECKPOINTS.forEach((field, at) => {
          const value = finite(numbers[at]);
          if (value !== undefined) state[field] = value;
        });
        if (numbers.slice(CHANGE_STATE_CHECKPOINTS.length).some((value) => value != null)) {
          state.everRead = true;
        }
        states.set(repo, state);
      });
      return states;
    },
    readReposWithCommitsSince: async (org, repos, fromMs) => {
      const pipeline = options.redis.pipeline();
      for (const repo of repos)
        pipeline.zrangebyscore(keys.repoEvents({ org, repo }), fromMs, '+inf');
      const results = (await pipeline.exec()) ?? [];
      return new Set(
        repos.filter((_, index) => {
          const [error, ids] = results[index] ?? [new Error('no reply'), null];
          if (error) throw error;
          return (ids as string[]).some((id) => id.startsWith(COMMIT_EVENT_PREFIX));
        }),
      );
    },
    readNumericCheckpoints: async (org, repos, fields) => {
      const pipeline = options.redis.pipeline();
      for (const repo of repos) pipeline.hmget(keys.repoState({ org, repo }), ...fields);
      const results = (await pipeline.exec()) ?? [];
      return new Map(
        repos.map((repo, index) => {
          const [error, values] = results[index] ?? [new Error('no reply'), null];
          if (error) throw error;
          const checkpoints: { -readonly [K in NumericCheckpoint]?: number } = {};
          fields.forEach((field, fieldIndex) => {
            const value = finite((values as (string | null)[])[fieldIndex]);
            if (value !== undefined) checkpoints[field] = value;
          });
          return [repo, checkpoints];
        }),
      );
    },
    writeFingerprint: async (ref, fingerprint, atMs) => {
      await options.redis.hset(
        keys.repoState(ref),
        FINGERPRINT_FIELD,
        fingerprint,
        FINGERPRINT_AT_FIELD,
        String(atMs),
      );
    },
    deleteFingerprint: async (ref) => {
      await options.redis.hdel(keys.repoState(ref), FINGERPRINT_FIELD, FINGERPRINT_AT_FIELD);
    },
    read: async (ref) => {
      const values = await options.redis.hmget(
        keys.repoState(ref),
        ...CHECKPOINT_FIELDS,
        ...LIST_FIELDS,
        REVIEW_PAGES_FIELD,
        HEAD_SHA_FIELD,
        REFUSED_FIELD,
        ...HISTORY_PENDING_FIELDS,
      );
      const checkpoints: { -readonly [K in keyof RepoCheckpoints]: RepoCheckpoints[K] } = {};
      CHECKPOINT_FIELDS.forEach((field, index) => {
        const value = Number(values[index] ?? Number.NaN);
        if (Number.isFinite(value)) checkpoints[field] = value;
      });
      let next = CHECKPOINT_FIELDS.length;
      for (const field of LIST_FIELDS) {
        const list = values[next++];
        if (list !== null && list !== undefined) {
          checkpoints[field] = list === '' ? [] : list.split(',').map(Number);
        }
      }
      const reviewPages = values[next++];
      if (reviewPages !== null && reviewPages !== undefined) {
        checkpoints.pullsReviewPages = decodeReviewPages(reviewPages);
      }
      const headSha = values[next++];
      if (headSha !== null && headSha !== undefined) checkpoints.commitsHeadSha = headSha;
      const refused = values[next++];
      if (refused !== null && refused !== undefined) {
        checkpoints.refusedResources = decodeRefused(refused);
      }
      const pending = SCRAPE_RESOURCES.filter((_, index) => values[next + index] != null);
      if (pending.length > 0) checkpoints.historyPendingResources = pending;
      return checkpoints;
    },
    write: async (ref, checkpoints, repoId) => {
      const fields = CHECKPOINT_FIELDS.flatMap((field) => {
        const value = checkpoints[field];
        return value === undefined ? [] : [field, String(value)];
      });
      for (const field of LIST_FIELDS) {
        const list = checkpoints[field];
        if (list !== undefined) fields.push(field, list.join(','));
      }
      if (checkpoints.pullsReviewPages !== undefined) {
        fields.push(REVIEW_PAGES_FIELD, encodeReviewPages(checkpoints.pullsReviewPages));
      }
      if (checkpoints.commitsHeadSha !== undefined) {
        fields.push(HEAD_SHA_FIELD, checkpoints.commitsHeadSha);
      }
      if (checkpoints.refusedResources !== undefined) {
        fields.push(REFUSED_FIELD, checkpoints.refusedResources.join(','));
      }
      const pending = checkpoints.historyPendingResources ?? [];
      for (const resource of pending) fields.push(`historyPending:${resource}`, '1');
      const joinsPending = pending.length > 0 && repoId !== undefined;
      if (joinsPending) fields.push(HISTORY_REPO_ID_FIELD, String(repoId));
      if (fields.length === 0) return;
      // Dated in the ledger index with the write: retention GC finds the state of a repo
      // that never gets series too.
      const transaction = options.redis
        .multi()
        .zadd(keys.repoLedgers, now(), toRepoId(ref))
        .hset(keys.repoState(ref), ...fields);
      if (joinsPending) {
        const pendingKey = keys.orgHistoryPending(ref.org);
        transaction.sadd(pendingKey, String(repoId)).pexpire(pendingKey, ORG_KEYS_TTL_MS);
      }
      await execOrThrow(transaction);
    },
    completeHistory: async (ref, resources) => {
      const fields = resources.map((resource) => `historyPending:${resource}`);
      const completed = await options.redis.eval(
        COMPLETE_HISTORY_SCRIPT,
        2,
        keys.repoState(ref),
        keys.orgHistoryPending(ref.org),
        fields.length,
        ...fields,
        ...HISTORY_PENDING_FIELDS,
      );
      return completed === 1;
    },
  };
}

/** The refused resources' list; a resource this code does not know (a newer replica's) is left out. */
function decodeRefused(encoded: string): ScrapeResource[] {
  return encoded.split(',').filter(isScrapeResource);
}

/** `pull:page` pairs, comma-separated (`481:2,502:3`). */
function encodeReviewPages(pages: Readonly<Record<number, number>>): string {
  return Object.entries(pages)
    .map(([pull, page]) => `${pull}:${page}`)
    .join(',');
}

function decodeReviewPages(encoded: string): Record<number, number> {
  const pages: Record<number, number> = {};
  for (const pair of encoded === '' ? [] : encoded.split(',')) {
    const [pull, page] = pair.split(':').map(Number);
    if (Number.isInteger(pull) && Number.isInteger(page)) pages[pull ?? 0] = page ?? 1;
  }
  return pages;
}
