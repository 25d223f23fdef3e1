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
  /** ZSET `org/repo` → scrapedAtMs of every repo that has series. */
  readonly repoIndex: string;
  /** STRING: number of series fleet-wide, checked against `store.max_series_budget`. */
  readonly seriesCount: string;
  /** HASH of one fleet metric (`@gse/telemetry`): encoded label values → value. */
  telemetryMetric(metricName: string): string;
  /** STRING: the ETag GitHub last sent for `url` to the installation's token. */
  installationEtag(installationId: number, url: string): string;
  /** ZSET leaseId → lease expiry (Redis clock, ms): the installation's request slots. */
  installationSemaphore(installationId: number): string;
  /** STRING: the installation's access token shared by the fleet (JSON), expiring with it. */
  installationToken(installationId: number): string;
}

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
    repoIndex: `${prefix}:repos`,
    seriesCount: `${prefix}:series-count`,
    telemetryMetric: (metricName) => `${prefix}:telemetry:${metricName}`,
    // URLs are long and full of `:` and `/`; a digest keeps the key short and unambiguous.
    installationEtag: (installationId, url) =>
      `${installationKey(installationId)}:etag:${createHash('sha256').update(url).digest('hex').slice(0, 32)}`,
    installationSemaphore: (installationId) => `${installationKey(installationId)}:semaphore`,
    installationToken: (installationId) => `${installationKey(installationId)}:token`,
  };
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
