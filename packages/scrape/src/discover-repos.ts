import type { Decode, GitHubClient } from '@gse/github';
import type { AdmittedRepo, ListedRepo, OrgRepoListStore } from '@gse/store';

/** A repo discovery admitted, with GitHub's `updated_at` (epoch ms). */
export interface DiscoveredRepo extends AdmittedRepo {
  readonly updatedAtMs: number;
}

/** The org's repos split by what happens to them this cycle. */
export interface RepoDiscovery {
  /**
   * Every repo `repo_allowlist` admits (scraped, archived and disabled), by GitHub id and
   * current name: what the store keeps data of (`OrgRepoSync`).
   */
  readonly admitted: readonly DiscoveredRepo[];
  /** Allowed, not archived, not disabled: each gets a repo job. */
  readonly scrape: readonly string[];
  /**
   * Allowed but archived: nothing in them can change, so no request; their series are
   * recomputed from the ledger.
   */
  readonly archived: readonly string[];
  /** Allowed but disabled (GitHub blocked access). */
  readonly disabled: readonly string[];
  /** Visible to the installation but not in `repo_allowlist`. */
  readonly notAllowed: readonly string[];
}

export interface DiscoverReposRequest {
  readonly client: GitHubClient;
  readonly org: string;
  /** `repo_allowlist` of the org (`['*']` = all). */
  readonly allowlist: readonly string[];
  /**
   * Where the last list is kept, so the list can be asked conditionally. Without it every
   * page is read in full and a `304` is an error (a client that sends no conditional
   * requests never gets one).
   */
  readonly lists?: OrgRepoListStore;
}

const REPOS_ROUTE = 'GET /installation/repositories';
/** GitHub's page cap: one page of this size is one request for most orgs. */
const PER_PAGE = 100;

/**
 * Lists every repo the org's installation can see (forks included) and splits it by
 * `repo_allowlist` and state: the one discovery of the scheduled cycle and of an org-wide
 * backfill. With a list store, the list is asked conditionally when it fit in one page last
 * time: a `304` (free) then reuses the stored list. A longer list is read in full, since an
 * unchanged first page says nothing about the others.
 */
export async function discoverRepos(request: DiscoverReposRequest): Promise<RepoDiscovery> {
  const { client, org, lists } = request;
  // Without a list to reuse (Redis lost it, or an earlier release stored it without ids) a
  // `304` would leave nothing to go on: the list is asked unconditionally then.
  const stored = await lists?.read(org);
  let repos: ListedRepo[] = [];
  let firstPage: { readonly url: string; readonly etag: string | undefined } | undefined;
  let pages = 0;
  for await (const page of client.paginate(REPOS_ROUTE, { per_page: PER_PAGE }, decodeRepoPage, {
    conditional: stored !== undefined,
  })) {
    if (page.status === 304) {
      if (stored === undefined) throw new Error(`no stored repo list of ${org} to reuse on a 304`);
      repos = [...stored];
      break;
    }
    pages += 1;
    if (page.index === 0) firstPage = page;
    repos.push(...page.items);
  }
  if (firstPage && lists) {
    await lists.write(org, repos);
    // Remembered only now the list is stored, and only for a one-page list (see above).
    if (pages === 1) await client.rememberEtag(firstPage);
  }
  return splitRepos(repos, request.allowlist);
}

/** Splits the repos the installation sees by `repo_allowlist` and state, sorted by name. */
export function splitRepos(
  repos: readonly ListedRepo[],
  allowlist: readonly string[],
): RepoDiscovery {
  const allowAll = allowlist.includes('*');
  const allowed = new Set(allowlist);
  const split = { scrape: [], archived: [], disabled: [], notAllowed: [] } as {
    [K in Exclude<keyof RepoDiscovery, 'admitted'>]: string[];
  };
  const admitted: DiscoveredRepo[] = [];
  for (const repo of [...repos].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (!allowAll && !allowed.has(repo.name)) {
      split.notAllowed.push(repo.name);
      continue;
    }
    admitted.push({ id: repo.id, name: repo.name, updatedAtMs: repo.updatedAtMs });
    if (repo.archived) split.archived.push(repo.name);
    else if (repo.disabled) split.disabled.push(repo.name);
    else split.scrape.push(repo.name);
  }
  return { admitted, ...split };
}

const decodeRepoPage: Decode<readonly ListedRepo[]> = (data) => {
  const repositories = (data as { repositories?: unknown } | null)?.repositories;
  if (!Array.isArray(repositories)) throw new TypeError('expected { repositories: [...] }');
  return repositories.map((item: unknown) => {
    const repo = item as {
      id?: unknown;
      name?: unknown;
      updated_at?: unknown;
      archived?: unknown;
      disabled?: unknown;
    } | null;
    const updatedAtMs = typeof repo?.updated_at === 'string' ? Date.parse(repo.updated_at) : NaN;
    if (typeof repo?.name !== 'string' || !Number.isSafeInteger(repo.id) || isNaN(updatedAtMs)) {
      throw new TypeError(
        `repository without a name, an id or updated_at: ${JSON.stringify(item)}`,
      );
    }
    return {
      id: repo.id as number,
      name: repo.name,
      updatedAtMs,
      archived: repo.archived === true,
      disabled: repo.disabled === true,
    };
  });
};
