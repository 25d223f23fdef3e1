import type { OrgConfig } from '@gse/config';
import type { Decode, GitHubClient } from '@gse/github';

interface ListedRepo {
  readonly name: string;
  readonly archived: boolean;
  readonly disabled: boolean;
}

const REPOS_ROUTE = 'GET /installation/repositories';
const PER_PAGE = 100;

/**
 * The repos an org-wide backfill covers: those the scraper scrapes. Every repo the
 * installation can see (forks included) that `repo_allowlist` allows (`['*']` = all) and
 * that is neither archived nor disabled, by name.
 */
export async function discoverOrgRepos(client: GitHubClient, org: OrgConfig): Promise<string[]> {
  const allowAll = org.repoAllowlist.includes('*');
  const allowed = new Set(org.repoAllowlist);
  const names: string[] = [];
  for await (const page of client.paginate(REPOS_ROUTE, { per_page: PER_PAGE }, decodeRepoPage)) {
    // The worker's clients never send conditional requests (`conditionalRequests: false` in app.ts).
    if (page.status === 304) throw new Error(`unexpected 304 listing the repos of ${org.org}`);
    for (const repo of page.items) {
      if ((allowAll || allowed.has(repo.name)) && !repo.archived && !repo.disabled) {
        names.push(repo.name);
      }
    }
  }
  return names.sort();
}

const decodeRepoPage: Decode<readonly ListedRepo[]> = (data) => {
  const repositories = (data as { repositories?: unknown } | null)?.repositories;
  if (!Array.isArray(repositories)) throw new TypeError('expected { repositories: [...] }');
  return repositories.map((item: unknown) => {
    const repo = item as { name?: unknown; archived?: unknown; disabled?: unknown } | null;
    if (typeof repo?.name !== 'string') {
      throw new TypeError(`repository without a name: ${JSON.stringify(item)}`);
    }
    return { name: repo.name, archived: repo.archived === true, disabled: repo.disabled === true };
  });
};
