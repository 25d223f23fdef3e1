import type { SimOrg, SimUser } from '../model.js';
import { nodeId, type RenderContext } from './render-context.js';

/** Fields every GitHub account object carries (`simple-user`). */
function accountJson(
  context: RenderContext,
  login: string,
  id: number,
  type: 'User' | 'Bot' | 'Organization',
): Record<string, unknown> {
  const path = `${context.apiRoot}/users/${encodeURIComponent(login)}`;
  const htmlUrl =
    type === 'Bot'
      ? `${context.webRoot}/apps/${encodeURIComponent(login.replace(/\[bot\]$/, ''))}`
      : `${context.webRoot}/${encodeURIComponent(login)}`;
  return {
    login,
    id,
    node_id: nodeId(type, id),
    avatar_url: `https://avatars.githubusercontent.com/u/${id}?v=4`,
    gravatar_id: '',
    url: path,
    html_url: htmlUrl,
    followers_url: `${path}/followers`,
    following_url: `${path}/following{/other_user}`,
    gists_url: `${path}/gists{/gist_id}`,
    starred_url: `${path}/starred{/owner}{/repo}`,
    subscriptions_url: `${path}/subscriptions`,
    organizations_url: `${path}/orgs`,
    repos_url: `${path}/repos`,
    events_url: `${path}/events{/privacy}`,
    received_events_url: `${path}/received_events`,
    type,
    user_view_type: 'public',
    site_admin: false,
  };
}

/** A user or bot as GitHub embeds it (`simple-user`). */
export function toUserJson(context: RenderContext, login: string): Record<string, unknown> {
  const user = context.userOf(login);
  return accountJson(context, user.login, user.id, user.type);
}

/**
 * An account as "Get a user using their ID" answers it (`public-user`): the embedded fields
 * and the profile's. The simulator keeps no profiles: the profile fields are empty.
 */
export function toPublicUserJson(context: RenderContext, user: SimUser): Record<string, unknown> {
  return {
    ...accountJson(context, user.login, user.id, user.type),
    name: null,
    company: null,
    blog: '',
    location: null,
    email: null,
    hireable: null,
    bio: null,
    twitter_username: null,
    public_repos: 0,
    public_gists: 0,
    followers: 0,
    following: 0,
    created_at: '2008-01-14T04:33:35Z',
    updated_at: '2008-01-14T04:33:35Z',
  };
}

/** An organization as an account (`owner` of its repos, `account` of its installation). */
export function toOrgAccountJson(context: RenderContext, org: SimOrg): Record<string, unknown> {
  return accountJson(context, org.login, org.id, 'Organization');
}
