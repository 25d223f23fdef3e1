import { Hono, type Context } from 'hono';

import type { SimDataset } from '../model.js';
import type { IncomingApiRequest } from './api-pipeline.js';
import { findOrgRepo, type ApiRoute } from './api-route.js';
import { notFound } from './github-errors.js';
import { findRepoById, movedPermanently, type RepoRedirects } from './repo-redirects.js';

/** The prefix of every per-repo route, and how GitHub addresses the same repo by id. */
const BY_NAME = '/repos/{owner}/{repo}';
const BY_ID = '/repositories/{repository_id}';

/**
 * `/repos/{owner}/{repo}` → `/repos/:owner/:repo` (Hono's syntax). A trailing `{ref}` takes
 * the rest of the path, as GitHub reads `commits/feature/x` as the branch `feature/x`.
 */
function toHonoPath(template: string): string {
  return template.replace(/\{ref\}$/, ':ref{.+}').replace(/\{(\w+)\}/g, ':$1');
}

// No simulated endpoint reads a request body (the access-token POST's optional repository
// and permission narrowing is not simulated), so none is parsed.
function incoming(context: Context): IncomingApiRequest {
  return {
    method: context.req.method,
    url: new URL(context.req.url),
    headers: context.req.raw.headers,
    params: context.req.param(),
  };
}

type Pipeline = (route: ApiRoute | undefined, request: IncomingApiRequest) => Promise<Response>;

/**
 * The simulator's HTTP surface: the control API under `/_sim`, `POST /graphql`, every REST
 * route through the pipeline, and anything else as GitHub's 404 (also through the pipeline, so it is counted).
 * Every per-repo route (`/repos/{owner}/{repo}/…`) is also served by repo id
 * (`/repositories/{id}/…`, where GitHub's redirects point), and answers `301` on a name the
 * repo had before a rename or a transfer.
 */
export function createHttpApp(
  routes: readonly ApiRoute[],
  control: Hono,
  pipeline: Pipeline,
  repos: { readonly dataset: SimDataset; readonly redirects: RepoRedirects },
  graphql: (request: Request) => Promise<Response>,
): Hono {
  const app = new Hono();
  app.route('/_sim', control);
  app.post('/graphql', (context) => graphql(context.req.raw));
  for (const route of routes) {
    if (!route.template.startsWith(`${BY_NAME}/`) && route.template !== BY_NAME) {
      app.on(route.method, toHonoPath(route.template), (context) =>
        pipeline(route, incoming(context)),
      );
      continue;
    }
    app.on(route.method, toHonoPath(route.template), (context) => {
      const request = incoming(context);
      const owner = request.params['owner'] ?? '';
      const name = request.params['repo'] ?? '';
      const movedTo = findOrgRepo(repos.dataset, owner, name)
        ? undefined
        : repos.redirects.find(owner, name);
      if (movedTo === undefined) return pipeline(route, request);
      // The rest of the path after `/repos/{owner}/{repo}`, and the query, carry over.
      const rest = request.url.pathname.split('/').slice(4).join('/');
      const location = `${request.url.origin}/repositories/${movedTo}${rest ? `/${rest}` : ''}${request.url.search}`;
      return pipeline({ ...route, handle: () => movedPermanently(location) }, request);
    });
    const byId = BY_ID + route.template.slice(BY_NAME.length);
    app.on(route.method, toHonoPath(byId), (context) => {
      const request = incoming(context);
      const raw = request.params['repository_id'] ?? '';
      const found = /^\d+$/.test(raw) ? findRepoById(repos.dataset, Number(raw)) : undefined;
      // Deleted, or moved where this simulator has no org: GitHub's 404.
      if (!found) return pipeline({ ...route, handle: () => notFound() }, request);
      return pipeline(route, {
        ...request,
        params: { ...request.params, owner: found.org.login, repo: found.repo.name },
      });
    });
  }
  app.notFound((context) => pipeline(undefined, incoming(context)));
  return app;
}
