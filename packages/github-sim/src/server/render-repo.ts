import type { SimOrg, SimRepo } from '../model.js';
import { toOrgAccountJson } from './render-account.js';
import { nodeId, type RenderContext } from './render-context.js';

/** Open issues and PRs, as GitHub's `open_issues_count` counts both. */
function openIssuesCount(repo: SimRepo): number {
  return (
    repo.issues.filter((issue) => issue.state === 'open').length +
    repo.pulls.filter((pull) => pull.state === 'open').length
  );
}

/**
 * A repository as the listing endpoints send it (`repository` / `minimal-repository`: every
 * URL template, counts, flags and timestamps).
 */
export function toRepositoryJson(
  context: RenderContext,
  org: SimOrg,
  repo: SimRepo,
): Record<string, unknown> {
  const fullName = `${org.login}/${repo.name}`;
  const url = `${context.apiRoot}/repos/${fullName}`;
  const host = new URL(context.webRoot).host;
  const openIssues = openIssuesCount(repo);
  return {
    id: repo.id,
    node_id: nodeId('Repository', repo.id),
    name: repo.name,
    full_name: fullName,
    private: repo.private,
    owner: toOrgAccountJson(context, org),
    html_url: `${context.webRoot}/${fullName}`,
    description: null,
    fork: repo.fork,
    url,
    archive_url: `${url}/{archive_format}{/ref}`,
    assignees_url: `${url}/assignees{/user}`,
    blobs_url: `${url}/git/blobs{/sha}`,
    branches_url: `${url}/branches{/branch}`,
    collaborators_url: `${url}/collaborators{/collaborator}`,
    comments_url: `${url}/comments{/number}`,
    commits_url: `${url}/commits{/sha}`,
    compare_url: `${url}/compare/{base}...{head}`,
    contents_url: `${url}/contents/{+path}`,
    contributors_url: `${url}/contributors`,
    deployments_url: `${url}/deployments`,
    downloads_url: `${url}/downloads`,
    events_url: `${url}/events`,
    forks_url: `${url}/forks`,
    git_commits_url: `${url}/git/commits{/sha}`,
    git_refs_url: `${url}/git/refs{/sha}`,
    git_tags_url: `${url}/git/tags{/sha}`,
    git_url: `git://${host}/${fullName}.git`,
    issue_comment_url: `${url}/issues/comments{/number}`,
    issue_events_url: `${url}/issues/events{/number}`,
    issues_url: `${url}/issues{/number}`,
    keys_url: `${url}/keys{/key_id}`,
    labels_url: `${url}/labels{/name}`,
    languages_url: `${url}/languages`,
    merges_url: `${url}/merges`,
    milestones_url: `${url}/milestones{/number}`,
    notifications_url: `${url}/notifications{?since,all,participating}`,
    pulls_url: `${url}/pulls{/number}`,
    releases_url: `${url}/releases{/id}`,
    ssh_url: `git@${host}:${fullName}.git`,
    stargazers_url: `${url}/stargazers`,
    statuses_url: `${url}/statuses/{sha}`,
    subscribers_url: `${url}/subscribers`,
    subscription_url: `${url}/subscription`,
    tags_url: `${url}/tags`,
    teams_url: `${url}/teams`,
    trees_url: `${url}/git/trees{/sha}`,
    clone_url: `${context.webRoot}/${fullName}.git`,
    mirror_url: null,
    hooks_url: `${url}/hooks`,
    svn_url: `${context.webRoot}/${fullName}`,
    homepage: null,
    language: null,
    forks_count: 0,
    forks: 0,
    stargazers_count: 0,
    watchers_count: 0,
    watchers: 0,
    size: repo.commits.length,
    default_branch: repo.defaultBranch,
    open_issues_count: openIssues,
    open_issues: openIssues,
    is_template: false,
    topics: [],
    has_issues: true,
    has_projects: true,
    has_wiki: false,
    has_pages: false,
    has_downloads: true,
    has_discussions: false,
    archived: repo.archived,
    disabled: repo.disabled,
    visibility: repo.private ? 'private' : 'public',
    pushed_at: repo.pushedAt,
    created_at: repo.createdAt,
    updated_at: repo.updatedAt,
    permissions: { admin: false, maintain: false, push: false, triage: false, pull: true },
    license: null,
    allow_forking: true,
    web_commit_signoff_required: false,
  };
}

/** `GET /repos/{owner}/{repo}` (`full-repository`): the listing shape plus network counts. */
export function toFullRepositoryJson(
  context: RenderContext,
  org: SimOrg,
  repo: SimRepo,
): Record<string, unknown> {
  return {
    ...toRepositoryJson(context, org, repo),
    organization: toOrgAccountJson(context, org),
    network_count: 0,
    subscribers_count: 0,
    temp_clone_token: null,
    allow_squash_merge: true,
    allow_merge_commit: true,
    allow_rebase_merge: true,
    allow_auto_merge: false,
    delete_branch_on_merge: false,
  };
}
