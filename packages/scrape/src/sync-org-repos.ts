import type { ActivityStore, OrgRepoSync, OrgRepoSyncResult } from '@gse/store';

import type { RepoDiscovery } from './discover-repos.js';

export interface SyncOrgReposDeps {
  readonly repos: OrgRepoSync;
  readonly store: ActivityStore;
}

export interface SyncOrgReposResult extends Omit<OrgRepoSyncResult, 'stored'> {
  /** Archived or disabled repos whose series were recomputed from their ledger. */
  readonly recomputed: readonly string[];
}

/**
 * What an org cycle does to the store after discovery, before any repo job: the store
 * follows the repos by id (a renamed repo's data moves to its new name, a repo that left
 * loses its data; `OrgRepoSync`), and every archived or disabled repo the store has data of
 * gets its series recomputed from its ledger at Redis's clock, without a request to GitHub:
 * nothing can change in it, but its 24 h window moves on, so its gauges fall to 0 on time
 * (packages/activity/README.md, "Archived and disabled repos").
 */
export async function syncOrgRepos(
  deps: SyncOrgReposDeps,
  org: string,
  discovery: RepoDiscovery,
): Promise<SyncOrgReposResult> {
  const { stored, ...synced } = await deps.repos.sync(org, discovery.admitted);
  const hasData = new Set(stored);
  const unread = [...discovery.archived, ...discovery.disabled].filter((repo) => hasData.has(repo));
  if (unread.length === 0) return { ...synced, recomputed: [] };
  const nowMs = await deps.store.readClockMs();
  for (const repo of unread) await deps.store.refreshSeries({ org, repo }, nowMs);
  return { ...synced, recomputed: unread };
}
