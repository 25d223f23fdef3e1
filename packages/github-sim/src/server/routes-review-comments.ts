import type { SimDataset } from '../model.js';
import { findOrgRepo, type ApiRoute } from './api-route.js';
import { notFound } from './github-errors.js';
import { isApiResult, pagedResult, parsePageRequest } from './pagination.js';
import { toUserJson } from './render-account.js';
import { derivedSha, nodeId } from './render-context.js';
import { listRepoComments } from './routes-issues.js';

/**
 * `GET /repos/{owner}/{repo}/pulls/comments`: every PR review comment of a repo, filtered and
 * ordered like the issue-comment list. Registered before
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
        const fullName = `${found.org.login}/${found.repo.name}`;
        const repoUrl = `${render.apiRoot}/repos/${fullName}`;
        return pagedResult(comments, page, url, (comment) => {
          const pullUrl = `${repoUrl}/pulls/${comment.pullNumber}`;
          const htmlUrl = `${render.webRoot}/${fullName}/pull/${comment.pullNumber}#discussion_r${comment.id}`;
          const selfUrl = `${repoUrl}/pulls/comments/${comment.id}`;
          const commitId = derivedSha('review-comment', fullName, String(comment.id));
          // `pull-request-review-comment`; the model keeps no diff, so the hunk is a stand-in.
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
        });
      },
    },
  ];
}
