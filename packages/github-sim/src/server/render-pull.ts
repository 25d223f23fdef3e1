import type { SimOrg, SimPull, SimRepo, SimReview } from '../model.js';
import { toUserJson } from './render-account.js';
import { derivedSha, nodeId, type RenderContext } from './render-context.js';

/** Where a PR lives; `repoJson` is rendered once per response, it is embedded twice per PR. */
export interface PullScope {
  readonly org: SimOrg;
  readonly repo: SimRepo;
  readonly repoJson: Record<string, unknown>;
}

/** PR and issue ids share no space with the dataset's ids: derived from repo id and number. */
function pullId(repo: SimRepo, pull: SimPull): number {
  return repo.id * 100_000 + pull.number;
}

function branchJson(
  context: RenderContext,
  scope: PullScope,
  ref: string,
  sha: string,
): Record<string, unknown> {
  return {
    label: `${scope.org.login}:${ref}`,
    ref,
    sha,
    user: toUserJson(context, scope.org.login),
    repo: scope.repoJson,
  };
}

/** A PR as `GET /repos/{owner}/{repo}/pulls` lists it (`pull-request-simple`). */
export function toPullSimpleJson(
  context: RenderContext,
  scope: PullScope,
  pull: SimPull,
): Record<string, unknown> {
  const fullName = `${scope.org.login}/${scope.repo.name}`;
  const repoUrl = `${context.apiRoot}/repos/${fullName}`;
  const url = `${repoUrl}/pulls/${pull.number}`;
  const htmlUrl = `${context.webRoot}/${fullName}/pull/${pull.number}`;
  const issueUrl = `${repoUrl}/issues/${pull.number}`;
  const headSha = derivedSha('head', fullName, String(pull.number));
  const statusesUrl = `${repoUrl}/statuses/${headSha}`;
  const link = (href: string): { href: string } => ({ href });
  return {
    url,
    id: pullId(scope.repo, pull),
    node_id: nodeId('PullRequest', pullId(scope.repo, pull)),
    html_url: htmlUrl,
    diff_url: `${htmlUrl}.diff`,
    patch_url: `${htmlUrl}.patch`,
    issue_url: issueUrl,
    commits_url: `${url}/commits`,
    review_comments_url: `${url}/comments`,
    review_comment_url: `${repoUrl}/pulls/comments{/number}`,
    comments_url: `${issueUrl}/comments`,
    statuses_url: statusesUrl,
    number: pull.number,
    state: pull.state,
    locked: false,
    title: pull.title,
    user: toUserJson(context, pull.user),
    body: null,
    labels: [],
    milestone: null,
    active_lock_reason: null,
    created_at: pull.createdAt,
    updated_at: pull.updatedAt,
    closed_at: pull.closedAt,
    merged_at: pull.mergedAt,
    merge_commit_sha:
      pull.mergedAt === null ? null : derivedSha('merge', fullName, String(pull.number)),
    assignee: null,
    assignees: [],
    requested_reviewers: [],
    requested_teams: [],
    head: branchJson(context, scope, pull.headRef, headSha),
    base: branchJson(
      context,
      scope,
      pull.baseRef,
      derivedSha('base', fullName, String(pull.number)),
    ),
    _links: {
      self: link(url),
      html: link(htmlUrl),
      issue: link(issueUrl),
      comments: link(`${issueUrl}/comments`),
      review_comments: link(`${url}/comments`),
      review_comment: link(`${repoUrl}/pulls/comments{/number}`),
      commits: link(`${url}/commits`),
      statuses: link(statusesUrl),
    },
    author_association: 'MEMBER',
    auto_merge: null,
    draft: pull.draft,
  };
}

/** `GET /repos/{owner}/{repo}/pulls/{pull_number}` (`pull-request`): adds merge state and counts. */
export function toPullJson(
  context: RenderContext,
  scope: PullScope,
  pull: SimPull,
): Record<string, unknown> {
  const merged = pull.mergedAt !== null;
  return {
    ...toPullSimpleJson(context, scope, pull),
    merged,
    mergeable: pull.state === 'open' ? true : null,
    rebaseable: pull.state === 'open' ? true : null,
    mergeable_state: pull.state === 'open' ? 'clean' : 'unknown',
    merged_by: pull.mergedBy === null ? null : toUserJson(context, pull.mergedBy),
    comments: scope.repo.comments.filter((comment) => comment.issueNumber === pull.number).length,
    review_comments: scope.repo.reviewComments.filter(
      (comment) => comment.pullNumber === pull.number,
    ).length,
    maintainer_can_modify: false,
    // The model carries no PR diff; GitHub's counts would come from the head branch's commits.
    commits: 0,
    additions: 0,
    deletions: 0,
    changed_files: 0,
  };
}

/** A review (`pull-request-review`); `submitted_at` is absent while PENDING, as on GitHub. */
export function toReviewJson(
  context: RenderContext,
  scope: PullScope,
  pull: SimPull,
  review: SimReview,
): Record<string, unknown> {
  const fullName = `${scope.org.login}/${scope.repo.name}`;
  const pullUrl = `${context.apiRoot}/repos/${fullName}/pulls/${pull.number}`;
  const htmlUrl = `${context.webRoot}/${fullName}/pull/${pull.number}#pullrequestreview-${review.id}`;
  return {
    id: review.id,
    node_id: nodeId('PullRequestReview', review.id),
    user: toUserJson(context, review.user),
    body: review.body,
    state: review.state,
    html_url: htmlUrl,
    pull_request_url: pullUrl,
    author_association: 'MEMBER',
    _links: { html: { href: htmlUrl }, pull_request: { href: pullUrl } },
    ...(review.submittedAt === null ? {} : { submitted_at: review.submittedAt }),
    commit_id: review.commitId,
  };
}
