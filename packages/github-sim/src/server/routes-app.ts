import { createHash } from 'node:crypto';

import { toIsoSeconds, DAY_MS } from '../dataset/sim-time.js';
import type { SimApp, SimDataset, SimOrg } from '../model.js';
import type { ApiRoute } from './api-route.js';
import { findOrg } from './api-route.js';
import { notFound } from './github-errors.js';
import type { InstallationTokenStore } from './installation-tokens.js';
import { isApiResult, pagedResult, parsePageRequest } from './pagination.js';
import { toOrgAccountJson } from './render-account.js';
import { nodeId, type RenderContext } from './render-context.js';

/** What every simulated App may do: read what the collectors read. */
export const APP_PERMISSIONS = {
  metadata: 'read',
  contents: 'read',
  pull_requests: 'read',
  issues: 'read',
} as const;

export interface AppRouteDeps {
  readonly dataset: SimDataset;
  readonly now: () => number;
  readonly tokens: InstallationTokenStore;
  /** An enterprise-owned App's installation (Copilot reports), besides the orgs'. */
  readonly enterprise?: {
    readonly slug: string;
    readonly appId: number;
    readonly installationId: number;
  };
}

/** Apps and installations were set up a year before the generated history ends. */
function installedAt(dataset: SimDataset): string {
  return toIsoSeconds(dataset.generatedAtMs - 365 * DAY_MS);
}

function toInstallationJson(
  context: RenderContext,
  dataset: SimDataset,
  org: SimOrg,
  app: SimApp,
): Record<string, unknown> {
  return {
    id: org.installationId,
    client_id: clientIdOf(app),
    account: toOrgAccountJson(context, org),
    repository_selection: 'all',
    access_tokens_url: `${context.apiRoot}/app/installations/${org.installationId}/access_tokens`,
    repositories_url: `${context.apiRoot}/installation/repositories`,
    html_url: `${context.webRoot}/organizations/${org.login}/settings/installations/${org.installationId}`,
    app_id: app.appId,
    app_slug: app.slug,
    target_id: org.id,
    target_type: 'Organization',
    permissions: APP_PERMISSIONS,
    events: [],
    created_at: installedAt(dataset),
    updated_at: installedAt(dataset),
    single_file_name: null,
    has_multiple_single_files: false,
    single_file_paths: [],
    suspended_by: null,
    suspended_at: null,
  };
}

function clientIdOf(app: SimApp): string {
  return `Iv1.${createHash('sha256').update(app.slug).digest('hex').slice(0, 16)}`;
}

/** The org an App is installed on (one App per org, as the product expects). */
function orgOfApp(dataset: SimDataset, app: SimApp): SimOrg | undefined {
  return dataset.orgs.find((org) => org.appId === app.appId);
}

/** The App endpoints, authenticated with the App's JWT. */
export function createAppRoutes(deps: AppRouteDeps): ApiRoute[] {
  const { dataset } = deps;
  return [
    {
      method: 'GET',
      template: '/app',
      auth: 'app',
      handle({ caller, render }) {
        if (caller.kind !== 'app') return notFound();
        const org = orgOfApp(dataset, caller.app);
        return {
          status: 200,
          body: {
            id: caller.app.appId,
            slug: caller.app.slug,
            node_id: nodeId('Integration', caller.app.appId),
            client_id: clientIdOf(caller.app),
            owner: org ? toOrgAccountJson(render, org) : null,
            name: caller.app.slug,
            description: null,
            external_url: render.webRoot,
            html_url: `${render.webRoot}/apps/${caller.app.slug}`,
            created_at: installedAt(dataset),
            updated_at: installedAt(dataset),
            permissions: APP_PERMISSIONS,
            events: [],
            installations_count: org ? 1 : 0,
          },
        };
      },
    },
    {
      method: 'GET',
      template: '/app/installations',
      auth: 'app',
      handle({ caller, render, query, url }) {
        if (caller.kind !== 'app') return notFound();
        const page = parsePageRequest(query);
        if (isApiResult(page)) return page;
        const app = caller.app;
        const orgs = dataset.orgs.filter((org) => org.appId === app.appId);
        return pagedResult(orgs, page, url, (org) => toInstallationJson(render, dataset, org, app));
      },
    },
    {
      method: 'GET',
      template: '/orgs/{org}/installation',
      auth: 'app',
      handle({ caller, render, params }) {
        const org = findOrg(dataset, params['org'] ?? '');
        if (caller.kind !== 'app' || !org || org.appId !== caller.app.appId) return notFound();
        return { status: 200, body: toInstallationJson(render, dataset, org, caller.app) };
      },
    },
    {
      method: 'POST',
      template: '/app/installations/{installation_id}/access_tokens',
      auth: 'app',
      handle({ caller, params }) {
        const installationId = Number(params['installation_id']);
        const org = dataset.orgs.find((candidate) => candidate.installationId === installationId);
        const enterprise =
          deps.enterprise?.installationId === installationId ? deps.enterprise : undefined;
        const owner = org
          ? { appId: org.appId, login: org.login }
          : enterprise && { appId: enterprise.appId, login: enterprise.slug };
        if (caller.kind !== 'app' || !owner || owner.appId !== caller.app.appId) return notFound();
        const issued = deps.tokens.issue(installationId, owner.login, deps.now());
        return {
          status: 201,
          body: {
            token: issued.token,
            expires_at: toIsoSeconds(issued.expiresAtMs),
            permissions: APP_PERMISSIONS,
            repository_selection: 'all',
          },
        };
      },
    },
  ];
}
