import type { SimDataset, SimOrg, SimRepo, SimReviewComment } from '../model.js';
import { findOrgRepo, type ApiRoute } from './api-route.js';
import { notFound } from './github-errors.js';
import { isApiResult, pagedResult, parsePageRequest } from './pagination.js';
import { toUserJson } from './render-account.js';
import { derivedSha, nodeId, type RenderContext } from './render-context.js';
import { listRepoComments, readNumberParam } from './routes-issues.js';

/** A review comment (`pull-request-review-comment`); the model keeps no diff, so the hunk is a stand-in. */
function toReviewCommentJson(
  render: RenderContext,
  org: SimOrg,
  repo: SimRepo,
  comment: SimReviewComment,
): Record<string, unknown> {
  const fullName = `${org.login}/${repo.name}`;
  const repoUrl = `${render.apiRoot}/repos/${fullName}`;
  const pullUrl = `${repoUrl}/pulls/${comment.pullNumber}`;
  const htmlUrl = `${render.webRoot}/${fullName}/pull/${comment.pullNumber}#discussion_r${comment.id}`;
  const selfUrl = `${repoUrl}/pulls/comments/${comment.id}`;
  const commitId = derivedSha('review-comment', fullName, String(comment.id));
  return {
    url: selfUrl,
    pull_request_review_id: null,
    id: comment.id,
    node_id: nodeId('PullRequestReviewComment', comment.id),
    diff_hunk: '@@ -1 +1 @@',
    path: comment.path,
    commit_id: commitId,
    original_commit_id: commitId,
    user: toUserJson(render, comment.user),
    body: comment.body,
    created_at: comment.createdAt,
    updated_at: comment.updatedAt,
    html_url: htmlUrl,
    pull_request_url: pullUrl,
    author_association: 'MEMBER',
    _links: {
      self: { href: selfUrl },
      html: { href: htmlUrl },
      pull_request: { href: pullUrl },
    },
    line: 1,
    side: 'RIGHT',
  };
}

/**
 * `GET /repos/{owner}/{repo}/pulls/comments`: every PR review comment of a repo, filtered and
 * ordered like the issue-comment list, and one by id. Registered before
 * `/pulls/{pull_number}`, which would otherwise take `comments` for a PR number.
 */
export function createReviewCommentRoutes(dataset: SimDataset): ApiRoute[] {
  return [
    {
      method: 'GET',
      template: '/repos/{owner}/{repo}/pulls/comments',
      auth: 'installation',
      handle({ params, query, url, render }) {
        const found = findOrgRepo(dataset, params['owner'] ?? '', params['repo'] ?? '');
        if (!found) return notFound();
        const page = parsePageRequest(query);
        if (isApiResult(page)) return page;
        const comments = listRepoComments(query, found.repo.reviewComments);
        if (!Array.isArray(comments)) return comments;
        return pagedResult(comments, page, url, (comment) =>
          toReviewCommentJson(render, found.org, found.repo, comment),
        );
      },
    },
    {
      method: 'GET',
      template: '/repos/{owner}/{repo}/pulls/comments/{comment_id}',
      auth: 'installation',
      handle({ params, render }) {
        const found = findOrgRepo(dataset, params['owner'] ?? '', params['repo'] ?? '');
        const id = readNumberParam(params['comment_id']);
        const comment = found?.repo.reviewComments.find((candidate) => candidate.id === id);
        if (!found || !comment) return notFound();
        return { status: 200, body: toReviewCommentJson(render, found.org, found.repo, comment) };
      },
    },
  ];
}
