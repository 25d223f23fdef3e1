import type { SimDataset } from '../model.js';
import { findOrgRepo, type ApiRoute } from './api-route.js';
import { rateLimitBucket } from './api-pipeline.js';
import { computeContributorStats, type ContributorStatsCache } from './contributor-stats.js';
import { notFound } from './github-errors.js';
import type { RateLimiter, RateLimitState } from './rate-limiter.js';
import { toUserJson } from './render-account.js';

export interface StatsMetaRouteDeps {
  readonly dataset: SimDataset;
  readonly now: () => number;
  readonly statsCache: ContributorStatsCache;
  readonly rateLimiter: RateLimiter;
  /** GraphQL's primary budget (points per hour), reported as `resources.graphql`. */
  readonly graphqlRateLimiter: RateLimiter;
}

/** GitHub's search limit, reported by `/rate_limit` (the simulator serves no REST search). */
const SEARCH_LIMIT = 30;

/** `/stats/contributors` (202 while computing, 204 when empty), `/rate_limit`, `/meta`. */
export function createStatsMetaRoutes(deps: StatsMetaRouteDeps): ApiRoute[] {
  return [
    {
      method: 'GET',
      template: '/repos/{owner}/{repo}/stats/contributors',
      auth: 'installation',
      handle({ params, render }) {
        const found = findOrgRepo(deps.dataset, params['owner'] ?? '', params['repo'] ?? '');
        if (!found) return notFound();
        const { org, repo } = found;
        if (repo.commits.length === 0) return { status: 204 };
        const nowMs = deps.now();
        if (!deps.statsCache.isReady(`${org.login}/${repo.name}`, repo, nowMs)) {
          return { status: 202, body: {} };
        }
        const stats = computeContributorStats(repo, nowMs).map((entry) => ({
          author: toUserJson(render, entry.login),
          total: entry.total,
          weeks: entry.weeks,
        }));
        return { status: 200, body: stats };
      },
    },
    {
      method: 'GET',
      template: '/rate_limit',
      auth: 'none',
      free: true,
      handle({ caller }) {
        const nowMs = deps.now();
        const bucket = rateLimitBucket(caller);
        const toJson = (state: RateLimitState) => ({
          limit: state.limit,
          used: state.used,
          remaining: state.remaining,
          reset: state.resetUnixSeconds,
        });
        const coreJson = toJson(deps.rateLimiter.peek(bucket, nowMs));
        const graphql = toJson(deps.graphqlRateLimiter.peek(bucket, nowMs));
        const search = {
          limit: SEARCH_LIMIT,
          used: 0,
          remaining: SEARCH_LIMIT,
          reset: Math.ceil(nowMs / 1000) + 60,
        };
        return {
          status: 200,
          body: { resources: { core: coreJson, search, graphql }, rate: coreJson },
        };
      },
    },
    {
      method: 'GET',
      template: '/meta',
      auth: 'none',
      handle() {
        return {
          status: 200,
          body: {
            verifiable_password_authentication: false,
            hooks: ['127.0.0.1/32'],
            web: ['127.0.0.1/32'],
            api: ['127.0.0.1/32'],
            git: ['127.0.0.1/32'],
          },
        };
      },
    },
  ];
}
