import type { Decode, GitHubClient } from '@gse/github';
import type { Redis } from 'ioredis';

/** A repo as discovery needs it from `GET /installation/repositories`. */
export interface DiscoveredRepo {
  readonly name: string;
  readonly archived: boolean;
  readonly disabled: boolean;
}

/** The org's repos split by what happens to them this cycle. */
export interface RepoDiscovery {
  /** Allowed, not archived, not disabled: each gets a repo job. */
  readonly scrape: readonly string[];
  /** Allowed but archived: nothing in them can change; their series age out with retention. */
  readonly archived: readonly string[];
  /** Allowed but disabled (GitHub blocked access). */
  readonly disabled: readonly string[];
  /** Visible to the installation but not in `repo_allowlist`. */
  readonly notAllowed: readonly string[];
}

const REPOS_ROUTE = 'GET /installation/repositories';
/** GitHub's page cap: one page of this size is one request for most orgs. */
const PER_PAGE = 100;
/**
 * How long a stored list outlives its last full read: longer than the stored ETag that
 * could answer `304` for it (24 h, `createRedisEtagCache`), so a `304` never outlives its
 * list. Lists are read in full at least hourly anyway (ETags are bound to the token:
 * docs/github-limitations.md#etags-are-bound-to-the-token); the TTL removes the lists of
 * orgs that left the config.
 */
const REPO_LIST_TTL_MS = 48 * 3_600_000;

/**
 * Lists every repo the org's installation can see (forks included) and splits it by
 * `repo_allowlist` (`['*']` = all) and state. The list is asked conditionally when it fit
 * in one page last time: a `304` (free) then reuses the stored list. A longer list is read
 * in full, since an unchanged first page says nothing about the others.
 */
export async function discoverRepos(options: {
  readonly client: GitHubClient;
  readonly org: string;
  readonly allowlist: readonly string[];
  readonly redis: Redis;
  /** Where the last list is kept (`orgRepos(org)` of the store's key builder). */
  readonly listKey: string;
}): Promise<RepoDiscovery> {
  const { client, org, redis, listKey } = options;
  let repos: DiscoveredRepo[] = [];
  let firstPage: { readonly url: string; readonly etag: string | undefined } | undefined;
  let pages = 0;
  for await (const page of client.paginate(REPOS_ROUTE, { per_page: PER_PAGE }, decodeRepoPage)) {
    if (page.status === 304) {
      const stored = await redis.get(listKey);
      if (stored === null) throw new Error(`no stored repo list of ${org} to reuse on a 304`);
      repos = decodeStoredList(stored);
      break;
    }
    pages += 1;
    if (page.index === 0) firstPage = page;
    repos.push(...page.items);
  }
  if (firstPage) {
    await redis.set(listKey, JSON.stringify(repos), 'PX', REPO_LIST_TTL_MS);
    // Remembered only now the list is stored, and only for a one-page list (see above).
    if (pages === 1) await client.rememberEtag(firstPage);
  }
  return splitRepos(repos, options.allowlist);
}

function splitRepos(repos: readonly DiscoveredRepo[], allowlist: readonly string[]): RepoDiscovery {
  const allowAll = allowlist.includes('*');
  const allowed = new Set(allowlist);
  const split = { scrape: [], archived: [], disabled: [], notAllowed: [] } as {
    [K in keyof RepoDiscovery]: string[];
  };
  for (const repo of [...repos].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (!allowAll && !allowed.has(repo.name)) split.notAllowed.push(repo.name);
    else if (repo.archived) split.archived.push(repo.name);
    else if (repo.disabled) split.disabled.push(repo.name);
    else split.scrape.push(repo.name);
  }
  return split;
}

const decodeRepoPage: Decode<readonly DiscoveredRepo[]> = (data) => {
  const repositories = (data as { repositories?: unknown } | null)?.repositories;
  if (!Array.isArray(repositories)) throw new TypeError('expected { repositories: [...] }');
  return repositories.map((item: unknown) => {
    const repo = item as { name?: unknown; archived?: unknown; disabled?: unknown } | null;
    if (typeof repo?.name !== 'string') {
      throw new TypeError(`repository without a name: ${JSON.stringify(item)}`);
    }
    return {
      name: repo.name,
      archived: repo.archived === true,
      disabled: repo.disabled === true,
    };
  });
};

function decodeStoredList(stored: string): DiscoveredRepo[] {
  const value: unknown = JSON.parse(stored);
  if (!Array.isArray(value)) throw new TypeError('stored repo list is not an array');
  return value as DiscoveredRepo[];
}
