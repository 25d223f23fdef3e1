import type { SimDataset, SimOrg, SimRepo } from '../model.js';
import { findOrgRepo, type ApiRoute } from './api-route.js';
import { githubError, notFound, type ApiResult } from './github-errors.js';
import { isApiResult, pagedResult, parsePageRequest } from './pagination.js';
import { compareIso, readEnum, readTimestamp } from './query-params.js';
import { toUserJson } from './render-account.js';
import { nodeId, stableId, type RenderContext } from './render-context.js';
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
function listRepoComments<T extends { id: number; createdAt: string; updatedAt: string }>(
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

/** A path parameter that must be a positive integer (an issue number, a comment id). */
export function readNumberParam(raw: string | undefined): number | undefined {
  return raw !== undefined && /^\d+$/.test(raw) ? Number(raw) : undefined;
}

/** A comment of one kind as the model keeps it, and its JSON. */
interface RepoCommentKind<T> {
  readonly commentsOf: (repo: SimRepo) => readonly T[];
  readonly toJson: (
    render: RenderContext,
    org: SimOrg,
    repo: SimRepo,
    comment: T,
  ) => Record<string, unknown>;
}

/**
 * `GET {listTemplate}`, a repo's comments of one kind filtered and ordered by
 * {@link listRepoComments}, and `GET {listTemplate}/{comment_id}`, one of them; `404` when the
 * repo or the comment is not there (a moved repo's `301` is answered before any route).
 */
export function createRepoCommentRoutes<
  T extends { id: number; createdAt: string; updatedAt: string },
>(dataset: SimDataset, listTemplate: string, kind: RepoCommentKind<T>): ApiRoute[] {
  return [
    {
      method: 'GET',
      template: listTemplate,
      auth: 'installation',
      handle({ params, query, url, render }) {
        const found = findOrgRepo(dataset, params['owner'] ?? '', params['repo'] ?? '');
        if (!found) return notFound();
        const page = parsePageRequest(query);
        if (isApiResult(page)) return page;
        const comments = listRepoComments(query, kind.commentsOf(found.repo));
        if (!Array.isArray(comments)) return comments;
        return pagedResult(comments, page, url, (comment) =>
          kind.toJson(render, found.org, found.repo, comment),
        );
      },
    },
    {
      method: 'GET',
      template: `${listTemplate}/{comment_id}`,
      auth: 'installation',
      handle({ params, render }) {
        const found = findOrgRepo(dataset, params['owner'] ?? '', params['repo'] ?? '');
        const id = readNumberParam(params['comment_id']);
        const comment =
          found && kind.commentsOf(found.repo).find((candidate) => candidate.id === id);
        if (!found || !comment) return notFound();
        return { status: 200, body: kind.toJson(render, found.org, found.repo, comment) };
      },
    },
  ];
}

/**
 * An issue (`issue`), or a PR as the issues endpoints show it (with `pull_request`). Issues
 * carry no id of their own in the model: a stable one is derived from the repo and number.
 */
function toIssueJson(
  render: RenderContext,
  org: SimOrg,
  repo: SimRepo,
  number: number,
): Record<string, unknown> | undefined {
  const issue = repo.issues.find((candidate) => candidate.number === number);
  const pull = repo.pulls.find((candidate) => candidate.number === number);
  const thread = issue ?? pull;
  if (thread === undefined) return undefined;
  const fullName = `${org.login}/${repo.name}`;
  const url = `${render.apiRoot}/repos/${fullName}/issues/${number}`;
  const id = stableId(`issue:${fullName}#${number}`);
  return {
    id,
    node_id: nodeId('Issue', id),
    url,
    repository_url: `${render.apiRoot}/repos/${fullName}`,
    labels_url: `${url}/labels{/name}`,
    comments_url: `${url}/comments`,
    events_url: `${url}/events`,
    html_url: `${render.webRoot}/${fullName}/${pull ? 'pull' : 'issues'}/${number}`,
    number,
    state: thread.state,
    title: thread.title,
    body: null,
    user: toUserJson(render, thread.user),
    labels: [],
    assignee: null,
    assignees: [],
    milestone: null,
    locked: false,
    comments: repo.comments.filter((comment) => comment.issueNumber === number).length,
    created_at: thread.createdAt,
    updated_at: thread.updatedAt,
    closed_at: pull ? pull.closedAt : null,
    author_association: 'MEMBER',
    ...(pull
      ? {
          pull_request: {
            url: `${render.apiRoot}/repos/${fullName}/pulls/${number}`,
            html_url: `${render.webRoot}/${fullName}/pull/${number}`,
            diff_url: `${render.webRoot}/${fullName}/pull/${number}.diff`,
            patch_url: `${render.webRoot}/${fullName}/pull/${number}.patch`,
            merged_at: pull.mergedAt,
          },
        }
      : {}),
  };
}

/**
 * Conversation comments: a repo's (`since` on `updated_at`, `sort`, `direction`), one by id,
 * and one issue's; and one issue, or the 301 of an issue transferred away.
 */
export function createIssueRoutes(dataset: SimDataset): ApiRoute[] {
  return [
    ...createRepoCommentRoutes(dataset, '/repos/{owner}/{repo}/issues/comments', {
      commentsOf: (repo) => repo.comments,
      toJson: toIssueCommentJson,
    }),
    {
      method: 'GET',
      template: '/repos/{owner}/{repo}/issues/{issue_number}',
      auth: 'installation',
      handle({ params, render }) {
        const found = findOrgRepo(dataset, params['owner'] ?? '', params['repo'] ?? '');
        const number = readNumberParam(params['issue_number']);
        if (!found || number === undefined) return notFound();
        const transfer = found.repo.transferredIssues?.find((moved) => moved.fromNumber === number);
        if (transfer) {
          const location = `${render.apiRoot}/repositories/${transfer.toRepoId}/issues/${transfer.toNumber}`;
          const moved = githubError(301, 'Moved Permanently');
          return {
            ...moved,
            body: { ...(moved.body as object), url: location },
            headers: { location },
          };
        }
        const issue = toIssueJson(render, found.org, found.repo, number);
        return issue ? { status: 200, body: issue } : notFound();
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
