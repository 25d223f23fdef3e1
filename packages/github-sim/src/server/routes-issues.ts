import type { SimDataset } from '../model.js';
import { findOrgRepo, type ApiRoute } from './api-route.js';
import { notFound, type ApiResult } from './github-errors.js';
import { isApiResult, pagedResult, parsePageRequest } from './pagination.js';
import { compareIso, readEnum, readTimestamp } from './query-params.js';
import { toIssueCommentJson } from './render-issue-comment.js';

// `created_at` is an alias of `created` that only the review-comment list documents; the
// simulator takes it on both lists.
const COMMENT_SORTS = ['created', 'updated', 'created_at'] as const;
const DIRECTIONS = ['asc', 'desc'] as const;

/**
 * A repo-wide comment list as GitHub filters and orders it: `since` on `updated_at`, `sort`
 * (`created` by default), `direction` (ignored without `sort`; oldest first either way),
 * ties by id. Answers the 422 of a bad parameter instead.
 */
export function listRepoComments<T extends { id: number; createdAt: string; updatedAt: string }>(
  query: URLSearchParams,
  comments: readonly T[],
): T[] | ApiResult {
  const since = readTimestamp(query, 'since');
  if (typeof since === 'object') return since;
  const sort = readEnum(query, 'sort', COMMENT_SORTS, 'created');
  if (typeof sort === 'object') return sort;
  const direction = query.has('sort') ? readEnum(query, 'direction', DIRECTIONS, 'asc') : 'asc';
  if (typeof direction === 'object') return direction;
  const sign = direction === 'asc' ? 1 : -1;
  return comments
    .filter((comment) => since === undefined || Date.parse(comment.updatedAt) >= since)
    .sort((a, b) => {
      const byKey =
        sort === 'updated'
          ? compareIso(a.updatedAt, b.updatedAt)
          : compareIso(a.createdAt, b.createdAt);
      return sign * (byKey !== 0 ? byKey : a.id - b.id);
    });
}

/** Conversation comments: a repo's (`since` on `updated_at`, `sort`, `direction`) and one issue's. */
export function createIssueRoutes(dataset: SimDataset): ApiRoute[] {
  return [
    {
      method: 'GET',
      template: '/repos/{owner}/{repo}/issues/comments',
      auth: 'installation',
      handle({ params, query, url, render }) {
        const found = findOrgRepo(dataset, params['owner'] ?? '', params['repo'] ?? '');
        if (!found) return notFound();
        const page = parsePageRequest(query);
        if (isApiResult(page)) return page;
        const comments = listRepoComments(query, found.repo.comments);
        if (!Array.isArray(comments)) return comments;
        return pagedResult(comments, page, url, (comment) =>
          toIssueCommentJson(render, found.org, found.repo, comment),
        );
      },
    },
    {
      method: 'GET',
      template: '/repos/{owner}/{repo}/issues/{issue_number}/comments',
      auth: 'installation',
      handle({ params, query, url, render }) {
        const found = findOrgRepo(dataset, params['owner'] ?? '', params['repo'] ?? '');
        if (!found) return notFound();
        const raw = params['issue_number'] ?? '';
        const number = /^\d+$/.test(raw) ? Number(raw) : undefined;
        const exists =
          found.repo.issues.some((issue) => issue.number === number) ||
          found.repo.pulls.some((pull) => pull.number === number);
        if (!exists) return notFound();
        const page = parsePageRequest(query);
        if (isApiResult(page)) return page;
        const since = readTimestamp(query, 'since');
        if (typeof since === 'object') return since;
        const comments = found.repo.comments
          .filter(
            (comment) =>
              comment.issueNumber === number &&
              (since === undefined || Date.parse(comment.updatedAt) >= since),
          )
          .sort((a, b) => compareIso(a.createdAt, b.createdAt) || a.id - b.id);
        return pagedResult(comments, page, url, (comment) =>
          toIssueCommentJson(render, found.org, found.repo, comment),
        );
      },
    },
  ];
}
