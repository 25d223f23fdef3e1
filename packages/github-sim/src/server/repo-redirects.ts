import type { SimDataset, SimOrg, SimRepo } from '../model.js';
import type { ApiResult } from './github-errors.js';

/**
 * Where GitHub still answers for a repo under a name it no longer has: after a rename, and
 * after a transfer to another owner, the old `/repos/{owner}/{repo}/…` answers `301 Moved
 * Permanently` with a `Location` on `/repositories/{id}/…` (GitHub's REST guide, "Follow
 * redirects"). A deleted repo has no redirect: `404`. A new repo taking the old name ends the
 * redirect (the lookup by name finds it first).
 */
export interface RepoRedirects {
  /** Remembers that `org/name` now means the repo `repoId`. */
  add(org: string, name: string, repoId: number): void;
  /** The repo id `org/name` redirects to, if it does. */
  find(org: string, name: string): number | undefined;
}

export function createRepoRedirects(): RepoRedirects {
  const byName = new Map<string, number>();
  const key = (org: string, name: string): string => `${org}/${name}`.toLowerCase();
  return {
    add: (org, name, repoId) => {
      byName.set(key(org, name), repoId);
    },
    find: (org, name) => byName.get(key(org, name)),
  };
}

/** The repo with GitHub id `repoId` and its org, in whichever org holds it now. */
export function findRepoById(
  dataset: SimDataset,
  repoId: number,
): { readonly org: SimOrg; readonly repo: SimRepo } | undefined {
  for (const org of dataset.orgs) {
    const repo = org.repos.find((candidate) => candidate.id === repoId);
    if (repo) return { org, repo };
  }
  return undefined;
}

/** GitHub's `301` for a moved repo: the body names the new URL, as `Location` does. */
export function movedPermanently(location: string): ApiResult {
  return {
    status: 301,
    body: {
      message: 'Moved Permanently',
      url: location,
      documentation_url:
        'https://docs.github.com/rest/guides/best-practices-for-using-the-rest-api#follow-redirects',
    },
    headers: { location },
  };
}
