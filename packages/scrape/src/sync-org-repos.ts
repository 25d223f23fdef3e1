import type {
  ActivityStore,
  OrgRepoSync,
  OrgRepoSyncResult,
  RepoCheckpointStore,
} from '@gse/store';

import type { RepoDiscovery } from './discover-repos.js';

export interface SyncOrgReposDeps {
  readonly repos: OrgRepoSync;
  readonly store: ActivityStore;
  readonly checkpoints: RepoCheckpointStore;
}

export interface SyncOrgReposResult extends Omit<OrgRepoSyncResult, 'stored'> {
  /**
   * Archived repos changed on GitHub since their last read (archiving moves `updated_at`):
   * read once more, so what happened between the last cycle and the archival counts.
   */
  readonly lastReads: readonly string[];
  /**
   * Archived, disabled or quiet (unchanged, `detectRepoChanges`) repos with data, whose
   * series are to be recomputed from their ledger (`recomputeSeries`) once the repo jobs
   * are out.
   */
  readonly toRecompute: readonly string[];
}

/**
 * How close before a repo's last complete read its `updated_at` may be and still call for
 * another read: GitHub truncates its timestamps to whole seconds (an archival 0.9 s after a
 * read shows as before it), and its clock is not Redis's. A repo archived just before a
 * read is read once more; harmless.
 */
export const ARCHIVAL_CLOCK_MARGIN_MS = 2_000;

/**
 * What an org cycle does to the store after discovery, before any repo job: the store
 * follows the repos by id (a renamed repo's data moves to its new name, a repo that left
 * loses its data; `OrgRepoSync`), and every archived, disabled or quiet repo the store has
 * data of is handed out to have its series recomputed (`recomputeSeries`). An archived repo
 * changed since its last read (it was archived since) is handed back for one last read
 * instead.
 */
export async function syncOrgRepos(
  deps: SyncOrgReposDeps,
  org: string,
  discovery: RepoDiscovery,
  /** Repos change detection found unchanged: no request, but their window moves on too. */
  quiet: readonly string[] = [],
): Promise<SyncOrgReposResult> {
  const { stored, ...synced } = await deps.repos.sync(org, discovery.admitted);
  const hasData = new Set(stored);
  const updatedAtMs = new Map(discovery.admitted.map((repo) => [repo.name, repo.updatedAtMs]));
  const lastReads: string[] = [];
  const toRecompute: string[] = [];
  for (const repo of discovery.archived.filter((name) => hasData.has(name))) {
    const { commitsSyncedAtMs } = await deps.checkpoints.read({ org, repo });
    const changedSinceRead =
      commitsSyncedAtMs === undefined ||
      (updatedAtMs.get(repo) ?? 0) >= commitsSyncedAtMs - ARCHIVAL_CLOCK_MARGIN_MS;
    (changedSinceRead ? lastReads : toRecompute).push(repo);
  }
  // A disabled repo cannot be read (GitHub blocks access): recomputed only.
  toRecompute.push(...discovery.disabled.filter((name) => hasData.has(name)));
  toRecompute.push(...quiet.filter((name) => hasData.has(name)));
  return { ...synced, lastReads, toRecompute };
}

/**
 * Recomputes the series of repos no request reads this cycle (`toRecompute`) from their
 * ledgers at Redis's clock: nothing new is in them, but their 24 h window moves on, so
 * their gauges fall to 0 on time (packages/activity/README.md). In batches of repos, a few
 * Redis round trips each (`ActivityStore.refreshSeriesOfRepos`): 10,000 quiet repos one by
 * one took 31 s of a 5-minute cycle (docs/benchmarks.md).
 */
export async function recomputeSeries(
  store: ActivityStore,
  org: string,
  repos: readonly string[],
): Promise<void> {
  if (repos.length === 0) return;
  await store.refreshSeriesOfRepos(org, repos, await store.readClockMs());
}
