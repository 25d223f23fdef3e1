import {
  isActivityKind,
  lastCompleteWeek,
  tallyRepoActivity,
  toEventId,
  type ActivityEvent,
  type ActivityKind,
  type CommitLoc,
  type LoginSighting,
  type UserActivity,
  type WeeklyLoc,
} from '@gse/activity';
import type { ChainableCommander, Redis } from 'ioredis';

import { APPLY_SERIES_SCRIPT } from './apply-series-script.js';
import { RECONCILE_EVENTS_SCRIPT } from './reconcile-events-script.js';
import {
  decodeCommitLocWeekStartMs,
  decodeStoredLoc,
  REPLACE_WEEKLY_LOC_SCRIPT,
  toCommitLocFields,
  toWeeklyLocFields,
} from './loc-codec.js';
import { withLedgerSpan, withRedisSpan } from './ledger-span.js';
import { execOrThrow, execPipeline } from './redis-transaction.js';
import { decodeUserActivity, encodeUserActivity } from './series-codec.js';
import { createStoreKeys, toRepoId, type RepoRef } from './store-keys.js';
import { readUserLabels, recordLoginSightings } from './user-logins.js';

export interface ActivityStoreOptions {
  readonly redis: Redis;
  /** `store.key_prefix`. */
  readonly keyPrefix: string;
  /** `store.retention`: events older than this leave the ledger; users without events lose their series. */
  readonly retentionMs: number;
  /** `store.max_series_budget`: new series beyond it are refused (existing ones still update). */
  readonly maxSeriesBudget: number;
  /** Optimistic-lock retries when another process changes the same repo's ledger meanwhile. */
  readonly maxConflictRetries?: number;
  /** Repos `refreshSeriesOfRepos` refreshes in one WATCH/MULTI. Default 100. */
  readonly refreshBatchSize?: number;
  /** Refreshes (batches) in flight at once, each on a Redis connection of its own. Default 4. */
  readonly refreshConcurrency?: number;
  /**
   * The event kinds the series count (`toActivityScope(github.optional_resources).kinds`);
   * the ledger keeps the others. Default: every kind.
   */
  readonly countedKinds?: ReadonlySet<ActivityKind>;
  /**
   * `github.exclude_bots`: bots get no series. Applied when series are computed; the ledger
   * keeps their events, so the switch takes effect either way at each repo's next refresh.
   */
  readonly excludeBots?: boolean;
  /** The clock of the ledger index (`repoLedgers`) that retention GC reads (`Date.now`). */
  readonly now?: () => number;
}

export interface RecordEventsResult {
  /** Events the ledger did not have yet. */
  readonly added: number;
  /** Events it already had (a retry, an overlapping window, another process). */
  readonly duplicates: number;
}

/** A closed time range `[fromMs, toMs]` in epoch ms. */
export interface LedgerRange {
  readonly fromMs: number;
  readonly toMs: number;
}

export interface ReconcileEventsResult {
  /** Listed events the ledger did not have. */
  readonly added: number;
  /** Ledger events of the kind in the range that GitHub no longer listed. */
  readonly removed: number;
}

export interface RefreshSeriesResult {
  /** The window end the series were computed for: the latest successful scrape of the repo. */
  readonly scrapedAtMs: number;
  readonly series: number;
  readonly added: number;
  readonly removed: number;
  /** Users whose new series the budget refused. */
  readonly refusedByBudget: readonly string[];
}

/** Thrown when a repo's ledger kept changing under a refresh for every retry. */
export class StoreConflictError extends Error {
  constructor(
    readonly repoId: string,
    readonly attempts: number,
  ) {
    super(`ledger of ${repoId} changed during ${attempts} consecutive series refreshes`);
    this.name = 'StoreConflictError';
  }
}

export interface ActivityStore {
  /**
   * Adds events to the repo's ledger; an event already there changes nothing. In the same
   * step it records the logins the page they came from showed for user ids (the newest
   * sighting of an id wins, fleet-wide), so an event keyed by an id never lands without a
   * login to label it.
   */
  recordEvents(
    ref: RepoRef,
    events: readonly ActivityEvent[],
    sightings?: readonly LoginSighting[],
  ): Promise<RecordEventsResult>;
  /**
   * Makes the ledger's `kind` events inside `range` exactly `listed`, in one step: GitHub
   * returned every such event that still exists (a complete listing of the range), so one
   * it did not return was deleted or rewritten away and stops counting. `listed` is
   * recorded like `recordEvents`, with its `sightings` (events of another kind are refused).
   */
  reconcileEvents(
    ref: RepoRef,
    kind: ActivityKind,
    range: LedgerRange,
    listed: readonly ActivityEvent[],
    sightings?: readonly LoginSighting[],
  ): Promise<ReconcileEventsResult>;
  /**
   * Stores one `/stats/contributors` answer: in one step it replaces the values of **every**
   * user for each week from `sinceWeekStartMs` on (the weeks the answer covers), so a user
   * the answer no longer lists keeps no old value. For a (user, week) it lists, the stats
   * value wins over the fallback's per-commit lines (they never add up).
   */
  replaceWeeklyLoc(
    ref: RepoRef,
    sinceWeekStartMs: number,
    weeks: readonly WeeklyLoc[],
  ): Promise<void>;
  /** Stores the LOC fallback's per-commit lines; a commit stored twice counts once. */
  recordCommitLoc(ref: RepoRef, commits: readonly CommitLoc[]): Promise<void>;
  /** For each sha, whether its per-commit lines are stored (so its details need no request). */
  hasCommitLoc(ref: RepoRef, shas: readonly string[]): Promise<boolean[]>;
  /**
   * Forgets the per-commit lines of commits a force-push dropped: those of a week starting
   * at or after `fromWeekStartMs` whose sha is not in `keptShas` (the default branch's
   * complete listing since then). Older weeks are kept: the listing does not cover them.
   * Returns how many were removed.
   */
  pruneCommitLoc(
    ref: RepoRef,
    fromWeekStartMs: number,
    keptShas: ReadonlySet<string>,
  ): Promise<number>;
  /**
   * Recomputes the repo's series from its ledger for the window ending at the later of
   * `scrapedAtMs` and the repo's previous scrape, so a backfill of an older window never
   * moves the window back. Trims ledger entries older than retention. Each series is
   * labelled with its user's latest login (`toUserLabel`): a rename seen anywhere in the
   * fleet moves the user's series at the repo's next refresh.
   */
  refreshSeries(ref: RepoRef, scrapedAtMs: number): Promise<RefreshSeriesResult>;
  /**
   * `refreshSeries` of many repos of the org at once, in the order given: a batch of repos
   * costs a few Redis round trips instead of a few per repo (`refreshBatchSize`).
   */
  refreshSeriesOfRepos(
    org: string,
    repos: readonly string[],
    scrapedAtMs: number,
  ): Promise<RefreshSeriesResult[]>;
  /** The repo's current series by user. */
  readSeries(ref: RepoRef): Promise<Map<string, UserActivity>>;
  /**
   * Redis's clock (`TIME`) in epoch ms: the one clock every process shares, so the anchor
   * of a repo's 24 h window does not depend on which worker's clock scraped it.
   */
  readClockMs(): Promise<number>;
  /** Closes the store's own connection (not the one passed in). Idempotent. */
  close(): Promise<void>;
}

const SCRAPED_AT_FIELD = 'scrapedAtMs';
/** `RepoCheckpoints.historyReadFromMs`: while > 0, events before it do not count yet. */
const HISTORY_READ_FROM_FIELD = 'historyReadFromMs';

/** The Redis activity ledger and the series derived from it. */
export function createActivityStore(options: ActivityStoreOptions): ActivityStore {
  const { redis } = options;
  const keys = createStoreKeys(options.keyPrefix);
  const maxConflictRetries = options.maxConflictRetries ?? 20;
  const refreshBatchSize = options.refreshBatchSize ?? 100;
  // WATCH belongs to a connection, and concurrent callers would interleave on a shared one
  // (one EXEC unwatches the other's keys), so refreshes run one at a time on each of a few
  // connections of their own (lanes): one batch's round trips overlap another's work.
  const lanes = Array.from(
    { length: options.refreshConcurrency ?? 4 },
    (): { connection?: Redis; queue: Promise<unknown> } => ({ queue: Promise.resolve() }),
  );
  let nextLane = 0;
  const now = options.now ?? Date.now;
  // Every write of a repo key dates the repo in the ledger index, in the same transaction:
  // no ledger key exists that retention GC cannot find.
  const touched = (ref: RepoRef): ChainableCommander =>
    redis.multi().zadd(keys.repoLedgers, now(), toRepoId(ref));

  async function recordEvents(
    ref: RepoRef,
    events: readonly ActivityEvent[],
    sightings: readonly LoginSighting[] = [],
  ): Promise<RecordEventsResult> {
    if (events.length === 0) {
      if (sightings.length > 0) {
        await execOrThrow(recordLoginSightings(redis.multi(), keys, sightings));
      }
      return { added: 0, duplicates: 0 };
    }
    const scores: (string | number)[] = [];
    const users: string[] = [];
    for (const event of events) {
      const eventId = toEventId(event);
      scores.push(event.occurredAtMs, eventId);
      users.push(eventId, event.user);
    }
    const results = await withRedisSpan('MULTI zadd hset', () =>
      recordLoginSightings(
        touched(ref)
          .zadd(keys.repoEvents(ref), ...scores)
          .hset(keys.repoEventUsers(ref), ...users),
        keys,
        sightings,
      ).exec(),
    );
    const failed = results?.find(([error]) => error !== null);
    if (failed?.[0]) throw failed[0];
    const added = Number(results?.[1]?.[1] ?? 0);
    return { added, duplicates: events.length - added };
  }

  async function reconcileEvents(
    ref: RepoRef,
    kind: ActivityKind,
    range: LedgerRange,
    listed: readonly ActivityEvent[],
    sightings: readonly LoginSighting[] = [],
  ): Promise<ReconcileEventsResult> {
    const triples: (string | number)[] = [];
    for (const event of listed) {
      if (event.kind !== kind) {
        throw new TypeError(`reconcileEvents of ${kind} got a ${event.kind} event`);
      }
      triples.push(toEventId(event), event.occurredAtMs, event.user);
    }
    const results = await withRedisSpan('MULTI reconcile events', () =>
      recordLoginSightings(
        touched(ref).eval(
          RECONCILE_EVENTS_SCRIPT,
          2,
          keys.repoEvents(ref),
          keys.repoEventUsers(ref),
          toEventId({ kind, sourceId: '' }),
          range.fromMs,
          range.toMs,
          ...triples,
        ),
        keys,
        sightings,
      ).exec(),
    );
    const failed = results?.find(([error]) => error !== null);
    if (failed?.[0]) throw failed[0];
    const [added, removed] = results?.[1]?.[1] as [number, number];
    return { added, removed };
  }

  async function replaceWeeklyLoc(
    ref: RepoRef,
    sinceWeekStartMs: number,
    weeks: readonly WeeklyLoc[],
  ): Promise<void> {
    await execOrThrow(
      touched(ref).eval(
        REPLACE_WEEKLY_LOC_SCRIPT,
        1,
        keys.repoWeeklyLoc(ref),
        sinceWeekStartMs,
        ...toWeeklyLocFields(weeks),
      ),
    );
  }

  async function recordCommitLoc(ref: RepoRef, commits: readonly CommitLoc[]): Promise<void> {
    if (commits.length === 0) return;
    await execOrThrow(touched(ref).hset(keys.repoCommitLoc(ref), ...toCommitLocFields(commits)));
  }

  async function hasCommitLoc(ref: RepoRef, shas: readonly string[]): Promise<boolean[]> {
    if (shas.length === 0) return [];
    const stored = await withRedisSpan('HMGET', () =>
      redis.hmget(keys.repoCommitLoc(ref), ...shas),
    );
    return stored.map((value) => value !== null);
  }

  async function pruneCommitLoc(
    ref: RepoRef,
    fromWeekStartMs: number,
    keptShas: ReadonlySet<string>,
  ): Promise<number> {
    const stored = await withRedisSpan('HGETALL', () => redis.hgetall(keys.repoCommitLoc(ref)));
    const dropped = Object.entries(stored).flatMap(([sha, value]) =>
      !keptShas.has(sha) && decodeCommitLocWeekStartMs(value) >= fromWeekStartMs ? [sha] : [],
    );
    // Deleting a dropped sha is right whatever else changed meanwhile: no WATCH needed.
    if (dropped.length > 0) {
      await execOrThrow(touched(ref).hdel(keys.repoCommitLoc(ref), ...dropped));
    }
    return dropped.length;
  }

  /**
   * Refreshes `refs` in batches of `refreshBatchSize`, each batch queued on a lane of its
   * own, so a scrape's refresh waits for one batch, not for all of them.
   */
  async function refreshSeriesOfRepos(
    refs: readonly RepoRef[],
    scrapedAtMs: number,
  ): Promise<RefreshSeriesResult[]> {
    const batches: Promise<RefreshSeriesResult[]>[] = [];
    for (let index = 0; index < refs.length; index += refreshBatchSize) {
      const batch = refs.slice(index, index + refreshBatchSize);
      const lane = lanes[nextLane++ % lanes.length] as (typeof lanes)[number];
      const run = lane.queue.then(() => {
        if (!lane.connection) {
          lane.connection = redis.duplicate();
          // Its failures reach the caller through the refresh that failed; without a listener
          // ioredis would also print every reconnection error to stderr.
          lane.connection.on('error', () => undefined);
        }
        return refreshBatchOn(lane.connection, batch, scrapedAtMs);
      });
      lane.queue = run.catch(() => undefined);
      batches.push(run);
    }
    return (await Promise.all(batches)).flat();
  }

  /**
   * One batch: WATCH every repo's keys, read them in two pipelined round trips (and the
   * labels in two more), then one MULTI writes every repo's series. When another process
   * changed one of the ledgers meanwhile, the batch is split in halves, so the busy repo
   * ends up retrying alone and the others commit.
   */
  async function refreshBatchOn(
    redis: Redis,
    refs: readonly RepoRef[],
    scrapedAtMs: number,
  ): Promise<RefreshSeriesResult[]> {
    for (let attempt = 1; attempt <= maxConflictRetries; attempt++) {
      const results = await tryRefreshBatchOn(redis, refs, scrapedAtMs);
      if (results) return results;
      if (refs.length > 1) {
        const middle = Math.ceil(refs.length / 2);
        return [
          ...(await refreshBatchOn(redis, refs.slice(0, middle), scrapedAtMs)),
          ...(await refreshBatchOn(redis, refs.slice(middle), scrapedAtMs)),
        ];
      }
    }
    throw new StoreConflictError(toRepoId(refs[0] as RepoRef), maxConflictRetries);
  }

  /** The batch's refresh, or `undefined` when a watched key changed before its EXEC. */
  async function tryRefreshBatchOn(
    redis: Redis,
    refs: readonly RepoRef[],
    scrapedAtMs: number,
  ): Promise<RefreshSeriesResult[] | undefined> {
    try {
      // One round trip: WATCH, then everything the series are computed from.
      const reads = await execPipeline<(string | null)[] | string[] | Record<string, string>>(
        refs.reduce(
          (pipeline, ref) =>
            pipeline
              .hmget(keys.repoState(ref), SCRAPED_AT_FIELD, HISTORY_READ_FROM_FIELD)
              .zrange(keys.repoEvents(ref), '0', '-1', 'WITHSCORES')
              .hgetall(keys.repoEventUsers(ref))
              .hgetall(keys.repoWeeklyLoc(ref))
              .hgetall(keys.repoCommitLoc(ref)),
          redis
            .pipeline()
            .watch(
              ...refs.flatMap((ref) => [
                keys.repoEvents(ref),
                keys.repoEventUsers(ref),
                keys.repoWeeklyLoc(ref),
                keys.repoCommitLoc(ref),
                keys.repoState(ref),
              ]),
            ),
        ),
      );
      const ledgers = refs.map((ref, index) => {
        const at = 1 + index * 5;
        const [scrapedAt, historyReadFrom] = reads[at] as (string | null)[];
        const atMs = Math.max(Number(scrapedAt ?? 0), scrapedAtMs);
        const cutoffMs = atMs - options.retentionMs;
        const { kept, expiredEventIds } = splitAtCutoff(reads[at + 1] as string[], cutoffMs);
        return {
          ref,
          atMs,
          cutoffMs,
          completeFromMs: Number(historyReadFrom ?? 0),
          ledger: kept,
          eventUsers: reads[at + 2] as Record<string, string>,
          loc: decodeStoredLoc(
            reads[at + 3] as Record<string, string>,
            reads[at + 4] as Record<string, string>,
            lastCompleteWeek(atMs).startMs,
          ),
          expiredEventIds,
        };
      });
      // Not WATCHed: a login seen meanwhile relabels the series at the repo's next refresh.
      const labels = await readUserLabels(
        redis,
        keys,
        ledgers.flatMap(({ eventUsers, loc }) => [
          ...Object.values(eventUsers),
          ...loc.weeks.map((week) => week.user),
        ]),
      );
      const labelOf = (user: string): string => labels.get(user) ?? user;
      const transaction = redis.multi();
      let commands = 0;
      const tallies = ledgers.map(({ ref, atMs, cutoffMs, completeFromMs, ...ledger }) => {
        const events = [...toEvents(ledger.ledger, ledger.eventUsers)].map((event) => ({
          ...event,
          user: labelOf(event.user),
        }));
        const weeks = ledger.loc.weeks.map((week) => ({ ...week, user: labelOf(week.user) }));
        const tally = tallyRepoActivity(events, weeks, {
          scrapedAtMs: atMs,
          retentionMs: options.retentionMs,
          ...(options.countedKinds ? { kinds: options.countedKinds } : {}),
          excludeBots: options.excludeBots ?? false,
          // While the repo's history is pending, only the complete part of its ledger counts.
          completeFromMs,
        });
        if (ledger.expiredEventIds.length > 0) {
          transaction
            .zremrangebyscore(keys.repoEvents(ref), '-inf', cutoffMs)
            .hdel(keys.repoEventUsers(ref), ...ledger.expiredEventIds);
          commands += 2;
        }
        if (ledger.loc.staleWeeklyFields.length > 0) {
          transaction.hdel(keys.repoWeeklyLoc(ref), ...ledger.loc.staleWeeklyFields);
          commands += 1;
        }
        if (ledger.loc.staleCommitShas.length > 0) {
          transaction.hdel(keys.repoCommitLoc(ref), ...ledger.loc.staleCommitShas);
          commands += 1;
        }
        const repoId = toRepoId(ref);
        transaction
          .zadd(keys.repoLedgers, now(), repoId)
          .hset(keys.repoState(ref), SCRAPED_AT_FIELD, atMs)
          .eval(
            APPLY_SERIES_SCRIPT,
            3,
            keys.repoSeries(ref),
            keys.seriesCount,
            keys.repoIndex,
            options.maxSeriesBudget,
            repoId,
            atMs,
            ...[...tally].flatMap(([user, activity]) => [user, encodeUserActivity(activity)]),
          );
        commands += 3;
        // The script's reply is the last of the repo's commands.
        return { atMs, size: tally.size, replyAt: commands - 1 };
      });
      const results = await withRedisSpan('MULTI apply series', () => transaction.exec());
      if (results === null) return undefined;
      const failed = results.find(([error]) => error !== null);
      if (failed?.[0]) throw failed[0];
      return tallies.map(({ atMs, size, replyAt }) => {
        const [added, removed, ...refused] = results[replyAt]?.[1] as [number, number, ...string[]];
        return {
          scrapedAtMs: atMs,
          series: size - refused.length,
          added,
          removed,
          refusedByBudget: refused,
        };
      });
    } catch (error) {
      // A failure between WATCH and EXEC leaves the keys watched: the next batch must not
      // fail on this one's keys.
      await redis.unwatch().catch(() => undefined);
      throw error;
    }
  }

  async function readSeries(ref: RepoRef): Promise<Map<string, UserActivity>> {
    const stored = await redis.hgetall(keys.repoSeries(ref));
    return new Map(
      Object.entries(stored).map(([user, encoded]) => [user, decodeUserActivity(encoded)]),
    );
  }

  async function readClockMs(): Promise<number> {
    const [seconds, microseconds] = await redis.time();
    return Number(seconds) * 1000 + Math.floor(Number(microseconds) / 1000);
  }

  async function close(): Promise<void> {
    await Promise.all(
      lanes.map(async (lane) => {
        await lane.queue;
        const { connection } = lane;
        delete lane.connection;
        if (connection) await connection.quit();
      }),
    );
  }

  return {
    recordEvents: (ref, events, sightings) =>
      withLedgerSpan('record events', ref, events.length, () =>
        recordEvents(ref, events, sightings),
      ),
    reconcileEvents: (ref, kind, range, listed, sightings) =>
      withLedgerSpan('reconcile events', ref, listed.length, () =>
        reconcileEvents(ref, kind, range, listed, sightings),
      ),
    replaceWeeklyLoc: (ref, sinceWeekStartMs, weeks) =>
      withLedgerSpan('replace weekly loc', ref, weeks.length, () =>
        replaceWeeklyLoc(ref, sinceWeekStartMs, weeks),
      ),
    recordCommitLoc: (ref, commits) =>
      withLedgerSpan('record commit loc', ref, commits.length, () => recordCommitLoc(ref, commits)),
    hasCommitLoc,
    pruneCommitLoc: (ref, fromWeekStartMs, keptShas) =>
      withLedgerSpan('prune commit loc', ref, keptShas.size, () =>
        pruneCommitLoc(ref, fromWeekStartMs, keptShas),
      ),
    refreshSeries: (ref, scrapedAtMs) =>
      withLedgerSpan('refresh series', ref, 1, async () => {
        const [result] = await refreshSeriesOfRepos([ref], scrapedAtMs);
        return result as RefreshSeriesResult;
      }),
    refreshSeriesOfRepos: (org, repos, scrapedAtMs) =>
      withLedgerSpan('refresh series of repos', { org }, repos.length, () =>
        refreshSeriesOfRepos(
          repos.map((repo) => ({ org, repo })),
          scrapedAtMs,
        ),
      ),
    readSeries,
    readClockMs,
    close,
  };
}

/**
 * A ledger read `WITHSCORES` (id, score, …) split at the retention cutoff: the entries after
 * it, in the same form, and the ids of those at or before it (what trimming removes).
 */
function splitAtCutoff(
  ledger: readonly string[],
  cutoffMs: number,
): { kept: string[]; expiredEventIds: string[] } {
  const kept: string[] = [];
  const expiredEventIds: string[] = [];
  for (let index = 0; index < ledger.length; index += 2) {
    const eventId = ledger[index] ?? '';
    const score = ledger[index + 1] ?? '';
    if (Number(score) > cutoffMs) kept.push(eventId, score);
    else expiredEventIds.push(eventId);
  }
  return { kept, expiredEventIds };
}

function* toEvents(
  ledger: readonly string[],
  eventUsers: Record<string, string>,
): Generator<ActivityEvent> {
  for (let index = 0; index < ledger.length; index += 2) {
    const eventId = ledger[index] ?? '';
    const user = eventUsers[eventId];
    const separator = eventId.indexOf(':');
    const kind = eventId.slice(0, Math.max(0, separator));
    // A kind this code does not know (a newer replica's, during a rollout) counts for nothing.
    if (user === undefined || !isActivityKind(kind)) continue;
    yield {
      kind,
      sourceId: eventId.slice(separator + 1),
      user,
      occurredAtMs: Number(ledger[index + 1]),
    };
  }
}
