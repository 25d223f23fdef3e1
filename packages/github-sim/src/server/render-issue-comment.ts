import type { SimIssueComment, SimOrg, SimRepo } from '../model.js';
import { toUserJson } from './render-account.js';
import { nodeId, type RenderContext } from './render-context.js';

/** A conversation comment on an issue or PR (`issue-comment`). */
export function toIssueCommentJson(
  context: RenderContext,
  org: SimOrg,
  repo: SimRepo,
  comment: SimIssueComment,
): Record<string, unknown> {
  const fullName = `${org.login}/${repo.name}`;
  const repoUrl = `${context.apiRoot}/repos/${fullName}`;
  const isPull = repo.pulls.some((pull) => pull.number === comment.issueNumber);
  const htmlKind = isPull ? 'pull' : 'issues';
  return {
    id: comment.id,
    node_id: nodeId('IssueComment', comment.id),
    url: `${repoUrl}/issues/comments/${comment.id}`,
    html_url: `${context.webRoot}/${fullName}/${htmlKind}/${comment.issueNumber}#issuecomment-${comment.id}`,
    body: comment.body,
    user: toUserJson(context, comment.user),
    created_at: comment.createdAt,
    updated_at: comment.updatedAt,
    issue_url: `${repoUrl}/issues/${comment.issueNumber}`,
    author_association: 'MEMBER',
    performed_via_github_app: null,
    reactions: {
      url: `${repoUrl}/issues/comments/${comment.id}/reactions`,
      total_count: 0,
      '+1': 0,
      '-1': 0,
      laugh: 0,
      hooray: 0,
      confused: 0,
      heart: 0,
      rocket: 0,
      eyes: 0,
    },
  };
}
