import type { SimDataset, SimOrg, SimRepo, SimReviewComment } from '../model.js';
import type { ApiRoute } from './api-route.js';
import { toUserJson } from './render-account.js';
import { derivedSha, nodeId, type RenderContext } from './render-context.js';
import { createRepoCommentRoutes } from './routes-issues.js';

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
  return createRepoCommentRoutes(dataset, '/repos/{owner}/{repo}/pulls/comments', {
    commentsOf: (repo) => repo.reviewComments,
    toJson: toReviewCommentJson,
  });
}
