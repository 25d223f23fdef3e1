import type { SimDataset, SimOrg, SimRepo } from '../model.js';
import { findRepo, type RepoRef } from './mutate-dataset.js';
import { SimConflictError, SimNotFoundError } from './sim-errors.js';
import { toIsoSeconds } from './sim-time.js';

/**
 * Run-time changes to a repo itself (not its activity), for the control API: rename, delete,
 * transfer to another owner, archive and unarchive. Each moves the repo's `updated_at` as
 * GitHub does for a change of the repository object. How the server answers afterwards (a
 * `301` on a renamed repo's old name, `404` on a deleted one) is the server's business
 * (`server/repo-redirects.ts`); these only change the dataset.
 */

/**
 * Renames a repo; its id, history and everything else stay. Refused when the org already has
 * a repo of that name (GitHub's 422), or the name is not one GitHub allows.
 */
export function renameRepo(
  dataset: SimDataset,
  ref: RepoRef,
  newName: string,
  atMs: number,
): SimRepo {
  const repo = findRepo(dataset, ref);
  if (!/^[A-Za-z0-9._-]{1,100}$/.test(newName) || newName === '.' || newName === '..') {
    throw new SimConflictError(`${JSON.stringify(newName)} is not a valid repository name`);
  }
  const org = orgOf(dataset, ref);
  if (org.repos.some((r) => r !== repo && r.name.toLowerCase() === newName.toLowerCase())) {
    throw new SimConflictError(`${ref.org} already has a repository named ${newName}`);
  }
  repo.name = newName;
  repo.updatedAt = toIsoSeconds(atMs);
  return repo;
}

/**
 * Takes a repo out of its org: a deletion, or a transfer to another owner (which this
 * installation cannot see). Its activity leaves with it.
 */
export function removeRepo(dataset: SimDataset, ref: RepoRef): SimRepo {
  const repo = findRepo(dataset, ref);
  const org = orgOf(dataset, ref);
  org.repos.splice(org.repos.indexOf(repo), 1);
  return repo;
}

/**
 * Archives (read-only from then on) or unarchives a repo. An archived repo keeps `archivedAt`,
 * so the ground truth knows a fleet saw it before (its series live on); unarchiving clears it.
 */
export function setRepoArchived(
  dataset: SimDataset,
  ref: RepoRef,
  archived: boolean,
  atMs: number,
): SimRepo {
  const repo = findRepo(dataset, ref);
  if (repo.archived === archived) {
    throw new SimConflictError(
      `${ref.org}/${ref.repo} is ${archived ? 'already archived' : 'not archived'}`,
    );
  }
  const at = toIsoSeconds(atMs);
  repo.archived = archived;
  if (archived) repo.archivedAt = at;
  else delete repo.archivedAt;
  repo.updatedAt = at;
  return repo;
}

function orgOf(dataset: SimDataset, ref: RepoRef): SimOrg {
  const org = dataset.orgs.find((o) => o.login.toLowerCase() === ref.org.toLowerCase());
  if (!org) throw new SimNotFoundError(`no org "${ref.org}" in the simulated dataset`);
  return org;
}
