import { createHash } from 'node:crypto';

/** An org and one of its repositories, by GitHub name. */
export interface RepoRef {
  readonly org: string;
  readonly repo: string;
}

/** Every Redis key the store uses, built in this one place. */
export interface StoreKeys {
  /** ZSET eventId → occurredAtMs: the repo's ledger, trimmed to retention. */
  repoEvents(ref: RepoRef): string;
  /** HASH eventId → user: who each ledger event counts for. */
  repoEventUsers(ref: RepoRef): string;
  /** HASH `<weekStartMs>|<user>` → `<additions>,<deletions>`: weekly LOC snapshots. */
  repoWeeklyLoc(ref: RepoRef): string;
  /** HASH sha → `<weekStartMs>,<additions>,<deletions>,<user>`: LOC fallback per commit. */
  repoCommitLoc(ref: RepoRef): string;
  /** STRING counter: commit details the LOC fallback fetched for the repo's week. */
  repoLocBudget(ref: RepoRef, weekStartMs: number): string;
  /** STRING counter: commit details the LOC fallback fetched for the org in the hour. */
  orgLocBudget(org: string, hourStartMs: number): string;
  /** HASH user → encoded `UserActivity`: the repo's current series. */
  repoSeries(ref: RepoRef): string;
  /** HASH of the repo's scrape state (`scrapedAtMs`, …). */
  repoState(ref: RepoRef): string;
  /**
   * Every key of the repo's ledger, series and scrape state, its series hash first: what
   * retention GC removes, what follows a renamed repo and what goes with a repo that left.
   * The LOC budget counters are not among them: they expire within a week on their own.
   */
  repoKeys(ref: RepoRef): readonly string[];
  /** ZSET `org/repo` → scrapedAtMs of every repo that has series. */
  readonly repoIndex: string;
  /**
   * ZSET `org/repo` → ms of the last write to any of the repo's ledger keys (events, LOC,
   * state): how retention GC finds a repo without series (quiet, never scraped completely,
   * or written again by a backfill after GC removed it).
   */
  readonly repoLedgers: string;
  /** STRING: number of series fleet-wide, checked against `store.max_series_budget`. */
  readonly seriesCount: string;
  /** HASH user id → the login most recently seen for it: the `user` label of its series. */
  readonly userLogins: string;
  /** ZSET user id → when (epoch ms) that login was seen: newest wins; retention GC by it. */
  readonly userLoginSeenAt: string;
  /** HASH lower-case login → the id most recently seen with it (who holds the login now). */
  readonly loginHolders: string;
  /**
   * ZSET user id → when (epoch ms) its login was last known current: its newest sighting,
   * or the last check of it (`createUserLoginChecks`). The hourly login check reads the oldest.
   */
  readonly userLoginKnownAt: string;
  /** HASH of one fleet metric (`@gse/telemetry`): encoded label values → value. */
  telemetryMetric(metricName: string): string;
  /** HASH day → the day's Copilot users-report records (JSON) of one scope (`org/acme`). */
  copilotDays(scopeKey: string): string;
  /** STRING: the 28-day window (JSON) a Copilot scope's series cover or are due to cover. */
  copilotWindow(scopeKey: string): string;
  /**
   * STRING: the ETag GitHub last sent for `url` to the installation's token; `url` is the
   * client's key (`etagKeyOf`: a repo's URLs by its id when the scrape knows it).
   */
  installationEtag(installationId: number, url: string): string;
  /** ZSET leaseId → lease expiry (Redis clock, ms): the installation's request slots. */
  installationSemaphore(installationId: number): string;
  /** STRING: the installation's access token shared by the fleet (JSON), expiring with it. */
  installationToken(installationId: number): string;
  /**
   * ZSET `<id>:<points>` → when taken (Redis clock, ms): the points of the resource's
   * budget (`rest`, `graphql`) taken within the last window; expires a window after the last.
   */
  installationBudgetLog(installationId: number, resource: string): string;
  /** HASH `limit`, `remaining`, `resetAtMs`: the resource's primary budget as the fleet last saw it. */
  installationPrimaryView(installationId: number, resource: string): string;
  /** STRING with a TTL (`backfill.dedup_ttl`): a backfill window enqueued recently, by digest. */
  backfillDedup(digest: string): string;
  /** STRING counter: backfill windows the org enqueued in the minute (the per-org cap). */
  backfillOrgEnqueues(org: string, minuteStartMs: number): string;
  /** LIST of message ids over the org's cap, oldest first, waiting for a sweep. */
  backfillOrgOverflow(org: string): string;
  /**
   * LIST of the org's history windows' message ids (reason `history`), oldest first: held
   * in Redis until no other window of the org waits and the main queue is nearly empty.
   */
  backfillOrgHistory(org: string): string;
  /** SET of orgs with a non-empty backfill overflow or history list. */
  readonly backfillOverflowOrgs: string;
  /** HASH id → `org\npayload`: backfill messages waiting in Redis (outbox and overflow). */
  readonly backfillMessages: string;
  /** ZSET id → due ms: admitted backfill messages not yet confirmed by RabbitMQ. */
  readonly backfillOutbox: string;
  /** ZSET id → ms it entered: the age index of one RabbitMQ backfill queue. */
  backfillQueueAge(queue: string): string;
  /** STRING: owner id of the scheduler holding the leader lock, expiring with its lease. */
  readonly leaderLock: string;
  /** STRING counter: the leader lock's fencing token, incremented on every acquisition. */
  readonly leaderFencingToken: string;
  /** HASH org → start ms of the last interval slot the leader scheduled (or skipped). */
  readonly scheduledSlots: string;
  /** HASH org → encoded GitHub health of the org (healthy, or cooldown), kept by the leader. */
  readonly orgHealth: string;
  /** STRING with a TTL: one service instance's latest heartbeat (JSON). */
  instanceHeartbeat(instanceId: string): string;
  /** ZSET instance id → ms of its latest heartbeat: which heartbeat keys to read. */
  readonly instances: string;
  /** STRING: JSON of the org's repos from its last discovery, for a `304` on the next one. */
  orgRepos(org: string): string;
  /**
   * HASH GitHub repo id → the name the store keeps the repo's keys under: how a rename is
   * told from a departure plus an arrival (`createOrgRepoSync`); expires
   * {@link ORG_KEYS_TTL_MS} after the org's last sync.
   */
  orgRepoNames(org: string): string;
  /**
   * SET: GitHub ids of the org's repos whose history read (first read → retention) is
   * pending, changed only with the repo's pending-history fields (`RepoCheckpointStore`) and
   * by `removeRepo`; expires {@link ORG_KEYS_TTL_MS} after the org's last sync or first read.
   */
  orgHistoryPending(org: string): string;
  /** HASH of one org cycle: expected repo count, start, and each repo's result. */
  orgCycle(org: string, slotStartMs: number): string;
  /** ZSET of the org's scrape jobs deferred for want of a scrape slot (`<queue>|<jobId>` → when). */
  orgDeferredJobs(org: string): string;
  /** Key prefix of the per-org repo-scrape semaphore (`per_org_concurrency`), fleet-wide. */
  readonly orgScrapeSlotsPrefix: string;
}

/**
 * How long an org's own keys (repo names, pending history) outlive its last sync: an org
 * that left the config leaves nothing behind. A gap that long (the org's cycles failing for
 * a week) costs at most a re-read of a repo renamed during it: its old name's data goes as
 * departed.
 */
export const ORG_KEYS_TTL_MS = 7 * 86_400_000;

// GitHub names never contain these; refusing them keeps every key unambiguous.
const UNSAFE_NAME = /[\s/:{}*?[\]]/;

/** Builds the store's keys under `prefix` (`store.key_prefix`). */
export function createStoreKeys(prefix: string): StoreKeys {
  const repoKey = (ref: RepoRef, suffix: string): string =>
    `${prefix}:repo:${toRepoId(ref)}:${suffix}`;
  const installationKey = (installationId: number): string => {
    if (!Number.isSafeInteger(installationId) || installationId <= 0) {
      throw new TypeError(
        `invalid installation id for a store key: ${JSON.stringify(installationId)}`,
      );
    }
    return `${prefix}:installation:${installationId}`;
  };
  return {
    repoEvents: (ref) => repoKey(ref, 'events'),
    repoEventUsers: (ref) => repoKey(ref, 'event-users'),
    repoWeeklyLoc: (ref) => repoKey(ref, 'weekly-loc'),
    repoCommitLoc: (ref) => repoKey(ref, 'commit-loc'),
    repoLocBudget: (ref, weekStartMs) => repoKey(ref, `loc-budget:${weekStartMs}`),
    orgLocBudget: (org, hourStartMs) =>
      `${prefix}:org:${checkName('org', org)}:loc-budget:${hourStartMs}`,
    repoSeries: (ref) => repoKey(ref, 'series'),
    repoState: (ref) => repoKey(ref, 'state'),
    repoKeys: (ref) =>
      ['series', 'events', 'event-users', 'weekly-loc', 'commit-loc', 'state'].map((suffix) =>
        repoKey(ref, suffix),
      ),
    repoIndex: `${prefix}:repos`,
    repoLedgers: `${prefix}:repo-ledgers`,
    seriesCount: `${prefix}:series-count`,
    userLogins: `${prefix}:users:logins`,
    userLoginSeenAt: `${prefix}:users:login-seen-at`,
    loginHolders: `${prefix}:users:login-holders`,
    userLoginKnownAt: `${prefix}:users:login-known-at`,
    telemetryMetric: (metricName) => `${prefix}:telemetry:${metricName}`,
    copilotDays: (scopeKey) => `${prefix}:copilot:${scopeKey}:days`,
    copilotWindow: (scopeKey) => `${prefix}:copilot:${scopeKey}:window`,
    // URLs are long and full of `:` and `/`; a digest keeps the key short and unambiguous.
    installationEtag: (installationId, url) =>
      `${installationKey(installationId)}:etag:${createHash('sha256').update(url).digest('hex').slice(0, 32)}`,
    installationSemaphore: (installationId) => `${installationKey(installationId)}:semaphore`,
    installationToken: (installationId) => `${installationKey(installationId)}:token`,
    installationBudgetLog: (installationId, resource) =>
      `${installationKey(installationId)}:budget:${resource}:log`,
    installationPrimaryView: (installationId, resource) =>
      `${installationKey(installationId)}:budget:${resource}:primary`,
    backfillDedup: (digest) => `${prefix}:backfill:dedup:${checkDigest(digest)}`,
    backfillOrgEnqueues: (org, minuteStartMs) =>
      `${prefix}:org:${checkName('org', org)}:backfill-enqueues:${minuteStartMs}`,
    backfillOrgOverflow: (org) => `${prefix}:org:${checkName('org', org)}:backfill-overflow`,
    backfillOrgHistory: (org) => `${prefix}:org:${checkName('org', org)}:backfill-history`,
    backfillOverflowOrgs: `${prefix}:backfill:overflow-orgs`,
    backfillMessages: `${prefix}:backfill:messages`,
    backfillOutbox: `${prefix}:backfill:outbox`,
    backfillQueueAge: (queue) => `${prefix}:backfill:queue-age:${checkName('queue', queue)}`,
    leaderLock: `${prefix}:leader:lock`,
    leaderFencingToken: `${prefix}:leader:fencing-token`,
    scheduledSlots: `${prefix}:schedule:slots`,
    orgHealth: `${prefix}:schedule:org-health`,
    instanceHeartbeat: (instanceId) => `${prefix}:instances:${instanceId}`,
    instances: `${prefix}:instances`,
    orgRepos: (org) => `${prefix}:org:${checkName('org', org)}:repos`,
    orgRepoNames: (org) => `${prefix}:org:${checkName('org', org)}:repo-names`,
    orgHistoryPending: (org) => `${prefix}:org:${checkName('org', org)}:history-pending`,
    orgCycle: (org, slotStartMs) => `${prefix}:org:${checkName('org', org)}:cycle:${slotStartMs}`,
    orgDeferredJobs: (org) => `${prefix}:org:${checkName('org', org)}:deferred-jobs`,
    orgScrapeSlotsPrefix: `${prefix}:org-scrape-slots`,
  };
}

function checkDigest(digest: string): string {
  if (!/^[0-9a-f]{32}$/.test(digest)) {
    throw new TypeError(`invalid backfill digest for a store key: ${JSON.stringify(digest)}`);
  }
  return digest;
}

/** `org/repo`, after checking both are names GitHub could have issued. */
export function toRepoId(ref: RepoRef): string {
  return `${checkName('org', ref.org)}/${checkName('repo', ref.repo)}`;
}

function checkName(field: string, name: unknown): string {
  if (typeof name !== 'string' || name.length === 0 || UNSAFE_NAME.test(name)) {
    throw new TypeError(`invalid ${field} name for a store key: ${JSON.stringify(name)}`);
  }
  return name;
}

/** Inverse of {@link toRepoId}. */
export function parseRepoId(repoId: string): RepoRef {
  const slash = repoId.indexOf('/');
  if (slash <= 0 || slash === repoId.length - 1) {
    throw new TypeError(`not an org/repo id: ${JSON.stringify(repoId)}`);
  }
  return { org: repoId.slice(0, slash), repo: repoId.slice(slash + 1) };
}
