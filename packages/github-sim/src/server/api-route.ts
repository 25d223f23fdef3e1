import type { SimApp, SimDataset, SimOrg, SimRepo } from '../model.js';
import type { ApiResult } from './github-errors.js';
import type { IssuedToken } from './installation-tokens.js';
import type { RenderContext } from './render-context.js';

/** Who made a request, once authenticated. */
export type Caller =
  | { readonly kind: 'anonymous' }
  | { readonly kind: 'app'; readonly app: SimApp; readonly credential: string }
  | { readonly kind: 'installation'; readonly issued: IssuedToken };

export interface ApiRequest {
  /** Path parameters by template name (`owner`, `repo`, `pull_number`, …). */
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  /** The URL as the client sent it; `Link` URLs are built from it. */
  readonly url: URL;
  readonly caller: Caller;
  readonly render: RenderContext;
}

/** One REST endpoint: its GitHub path template and how it authenticates. */
export interface ApiRoute {
  readonly method: 'GET' | 'POST';
  /** GitHub's template, e.g. `/repos/{owner}/{repo}/commits`; also the counters' key. */
  readonly template: string;
  /** `app`: an app JWT; `installation`: an installation token; `none`: anyone (`/meta`). */
  readonly auth: 'app' | 'installation' | 'none';
  /** Costs no rate limit, as `GET /rate_limit` on GitHub. */
  readonly free?: boolean;
  readonly handle: (request: ApiRequest) => ApiResult;
}

/** Finds an org by login, case-insensitively as GitHub does. */
export function findOrg(dataset: SimDataset, login: string): SimOrg | undefined {
  const wanted = login.toLowerCase();
  return dataset.orgs.find((org) => org.login.toLowerCase() === wanted);
}

/** Finds a repo by owner and name, case-insensitively as GitHub does. */
export function findOrgRepo(
  dataset: SimDataset,
  owner: string,
  name: string,
): { readonly org: SimOrg; readonly repo: SimRepo } | undefined {
  const org = findOrg(dataset, owner);
  if (!org) return undefined;
  const wanted = name.toLowerCase();
  const repo = org.repos.find((candidate) => candidate.name.toLowerCase() === wanted);
  return repo ? { org, repo } : undefined;
}

/** The installation behind a caller: its token's, or (one app per org) its app's. */
export function installationOf(
  dataset: SimDataset,
  caller: Caller,
): { readonly id: number; readonly org: string } | undefined {
  switch (caller.kind) {
    case 'installation':
      return { id: caller.issued.installationId, org: caller.issued.org };
    case 'app': {
      const org = dataset.orgs.find((candidate) => candidate.appId === caller.app.appId);
      return org ? { id: org.installationId, org: org.login } : undefined;
    }
    case 'anonymous':
      return undefined;
  }
}
