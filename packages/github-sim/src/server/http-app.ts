import { Hono, type Context } from 'hono';

import type { ApiRoute } from './api-route.js';
import type { IncomingApiRequest } from './api-pipeline.js';

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

/**
 * The simulator's HTTP surface: the control API under `/_sim`, every REST route through the
 * pipeline, and anything else as GitHub's 404 (also through the pipeline, so it is counted).
 */
export function createHttpApp(
  routes: readonly ApiRoute[],
  control: Hono,
  pipeline: (route: ApiRoute | undefined, request: IncomingApiRequest) => Promise<Response>,
): Hono {
  const app = new Hono();
  app.route('/_sim', control);
  for (const route of routes) {
    app.on(route.method, toHonoPath(route.template), (context) =>
      pipeline(route, incoming(context)),
    );
  }
  app.notFound((context) => pipeline(undefined, incoming(context)));
  return app;
}
