import type { SimDataset, SimPull } from '../model.js';
import { findOrgRepo, type ApiRoute } from './api-route.js';
import { notFound } from './github-errors.js';
import { isApiResult, pagedResult, parsePageRequest } from './pagination.js';
import { compareIso, readEnum } from './query-params.js';
import { toPullJson, toPullSimpleJson, toReviewJson, type PullScope } from './render-pull.js';
import type { RenderContext } from './render-context.js';
import { toRepositoryJson } from './render-repo.js';

const PULL_STATES = ['open', 'closed', 'all'] as const;
// GitHub also knows `popularity` and `long-running`; the collectors use neither, and the
// model has no comment counts to order by, so the simulator refuses them with a 422.
const PULL_SORTS = ['created', 'updated'] as const;
const DIRECTIONS = ['asc', 'desc'] as const;

function positiveInt(raw: string | undefined): number | undefined {
  return raw !== undefined && /^\d+$/.test(raw) ? Number(raw) : undefined;
}

/** Pull request endpoints: the list (`state`, `sort`, `direction`, `base`, `head`), one PR, its reviews. */
export function createPullRoutes(dataset: SimDataset): ApiRoute[] {
  const scopeOf = (
    owner: string,
    repoName: string,
    render: RenderContext,
  ): PullScope | undefined => {
    const found = findOrgRepo(dataset, owner, repoName);
    return found
      ? { ...found, repoJson: toRepositoryJson(render, found.org, found.repo) }
      : undefined;
  };
  const pullIn = (scope: PullScope, number: string | undefined): SimPull | undefined => {
    const wanted = positiveInt(number);
    return scope.repo.pulls.find((pull) => pull.number === wanted);
  };

  return [
    {
      method: 'GET',
      template: '/repos/{owner}/{repo}/pulls',
      auth: 'installation',
      handle({ params, query, url, render }) {
        const scope = scopeOf(params['owner'] ?? '', params['repo'] ?? '', render);
        if (!scope) return notFound();
        const page = parsePageRequest(query);
        if (isApiResult(page)) return page;
        const state = readEnum(query, 'state', PULL_STATES, 'open');
        if (typeof state === 'object') return state;
        const sort = readEnum(query, 'sort', PULL_SORTS, 'created');
        if (typeof sort === 'object') return sort;
        const direction = readEnum(query, 'direction', DIRECTIONS, 'desc');
        if (typeof direction === 'object') return direction;
        const base = query.get('base');
        // `head` is `user:ref` (or `org:ref`); only the ref part can be checked in the model.
        const headRef = query.get('head')?.split(':').pop();
        const sign = direction === 'asc' ? 1 : -1;
        const pulls = scope.repo.pulls
          .filter(
            (pull) =>
              (state === 'all' || pull.state === state) &&
              (base === null || pull.baseRef === base) &&
              (headRef === undefined || pull.headRef === headRef),
          )
          .sort((a, b) => {
            const byKey =
              sort === 'created'
                ? compareIso(a.createdAt, b.createdAt)
                : compareIso(a.updatedAt, b.updatedAt);
            return sign * (byKey !== 0 ? byKey : a.number - b.number);
          });
        return pagedResult(pulls, page, url, (pull) => toPullSimpleJson(render, scope, pull));
      },
    },
    {
      method: 'GET',
      template: '/repos/{owner}/{repo}/pulls/{pull_number}',
      auth: 'installation',
      handle({ params, render }) {
        const scope = scopeOf(params['owner'] ?? '', params['repo'] ?? '', render);
        const pull = scope && pullIn(scope, params['pull_number']);
        if (!scope || !pull) return notFound();
        return { status: 200, body: toPullJson(render, scope, pull) };
      },
    },
    {
      method: 'GET',
      template: '/repos/{owner}/{repo}/pulls/{pull_number}/reviews',
      auth: 'installation',
      handle({ params, query, url, render }) {
        const scope = scopeOf(params['owner'] ?? '', params['repo'] ?? '', render);
        const pull = scope && pullIn(scope, params['pull_number']);
        if (!scope || !pull) return notFound();
        const page = parsePageRequest(query);
        if (isApiResult(page)) return page;
        // Chronological, as GitHub lists reviews; PENDING ones included (see README).
        const reviews = [...pull.reviews].sort((a, b) => a.id - b.id);
        return pagedResult(reviews, page, url, (review) =>
          toReviewJson(render, scope, pull, review),
        );
      },
    },
  ];
}
