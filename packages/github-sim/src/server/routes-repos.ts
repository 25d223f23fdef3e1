import type { SimDataset, SimRepo } from '../model.js';
import { findOrg, findOrgRepo, type ApiRoute } from './api-route.js';
import { notFound } from './github-errors.js';
import { isApiResult, paginate, pagedResult, parsePageRequest } from './pagination.js';
import { compareIso, readEnum } from './query-params.js';
import { toFullRepositoryJson, toRepositoryJson } from './render-repo.js';

const REPO_TYPES = ['all', 'public', 'private', 'forks', 'sources', 'member'] as const;
const REPO_SORTS = ['created', 'updated', 'pushed', 'full_name'] as const;
const DIRECTIONS = ['asc', 'desc'] as const;

function ofType(repo: SimRepo, type: (typeof REPO_TYPES)[number]): boolean {
  switch (type) {
    case 'all':
    case 'member':
      return true;
    case 'public':
      return !repo.private;
    case 'private':
      return repo.private;
    case 'forks':
      return repo.fork;
    case 'sources':
      return !repo.fork;
  }
}

function sortKey(repo: SimRepo, sort: (typeof REPO_SORTS)[number]): string {
  switch (sort) {
    case 'created':
      return repo.createdAt;
    case 'updated':
      return repo.updatedAt;
    case 'pushed':
      return repo.pushedAt;
    case 'full_name':
      return repo.name.toLowerCase();
  }
}

/** Repo discovery endpoints: the installation's repos, an org's repos, one repo. */
export function createRepoRoutes(dataset: SimDataset): ApiRoute[] {
  return [
    {
      method: 'GET',
      template: '/installation/repositories',
      auth: 'installation',
      handle({ caller, render, query, url }) {
        if (caller.kind !== 'installation') return notFound();
        const page = parsePageRequest(query);
        if (isApiResult(page)) return page;
        const org = findOrg(dataset, caller.issued.org);
        if (!org) return notFound();
        const repos = [...org.repos].sort((a, b) => a.id - b.id);
        const { items, link } = paginate(repos, page, url);
        return {
          status: 200,
          body: {
            total_count: repos.length,
            repository_selection: 'all',
            repositories: items.map((repo) => toRepositoryJson(render, org, repo)),
          },
          ...(link ? { headers: { link } } : {}),
        };
      },
    },
    {
      method: 'GET',
      template: '/orgs/{org}/repos',
      auth: 'installation',
      handle({ params, render, query, url }) {
        const org = findOrg(dataset, params['org'] ?? '');
        if (!org) return notFound();
        const page = parsePageRequest(query);
        if (isApiResult(page)) return page;
        const type = readEnum(query, 'type', REPO_TYPES, 'all');
        if (typeof type === 'object') return type;
        const sort = readEnum(query, 'sort', REPO_SORTS, 'created');
        if (typeof sort === 'object') return sort;
        const direction = readEnum(
          query,
          'direction',
          DIRECTIONS,
          sort === 'full_name' ? 'asc' : 'desc',
        );
        if (typeof direction === 'object') return direction;
        const sign = direction === 'asc' ? 1 : -1;
        const repos = org.repos
          .filter((repo) => ofType(repo, type))
          .sort((a, b) => {
            const byKey =
              sort === 'full_name'
                ? sortKey(a, sort).localeCompare(sortKey(b, sort))
                : compareIso(sortKey(a, sort), sortKey(b, sort));
            return sign * (byKey !== 0 ? byKey : a.id - b.id);
          });
        return pagedResult(repos, page, url, (repo) => toRepositoryJson(render, org, repo));
      },
    },
    {
      method: 'GET',
      template: '/repos/{owner}/{repo}',
      auth: 'installation',
      handle({ params, render }) {
        const found = findOrgRepo(dataset, params['owner'] ?? '', params['repo'] ?? '');
        if (!found) return notFound();
        return { status: 200, body: toFullRepositoryJson(render, found.org, found.repo) };
      },
    },
  ];
}
