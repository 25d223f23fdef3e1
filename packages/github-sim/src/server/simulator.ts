import { mkdir, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

import { getRequestListener } from '@hono/node-server';

import { createCopilotReportHost, type CopilotReportHost } from '../copilot/copilot-report-host.js';
import type { CopilotWorld } from '../copilot/copilot-world.js';
import { createCopilotRoutes } from '../copilot/routes-copilot.js';
import type { AppKeyPair } from '../dataset/app-keys.js';
import { HOUR_MS } from '../dataset/sim-time.js';
import { createGraphqlEndpoint } from '../graphql/graphql-endpoint.js';
import { createGitHubSchema } from '../graphql/github-schema.js';
import type { SimDataset } from '../model.js';
import { createApiPipeline } from './api-pipeline.js';
import type { ApiRoute } from './api-route.js';
import { createAuthenticator } from './authenticate.js';
import { createContributorStatsCache } from './contributor-stats.js';
import { createControlRoutes } from './control-routes.js';
import { createFaultStore } from './faults.js';
import { createHttpApp } from './http-app.js';
import { createInstallationTokenStore } from './installation-tokens.js';
import { createPendingDelays } from './pending-delays.js';
import { createUserIndex } from './render-context.js';
import { createRepoRedirects } from './repo-redirects.js';
import { createRequestCounters } from './request-counters.js';
import { createAppRoutes } from './routes-app.js';
import { createCommitRoutes } from './routes-commits.js';
import { createIssueRoutes } from './routes-issues.js';
import { createPullRoutes } from './routes-pulls.js';
import { createReviewCommentRoutes } from './routes-review-comments.js';
import { createRepoRoutes } from './routes-repos.js';
import { createStatsMetaRoutes } from './routes-stats-meta.js';
import { createUserRoutes } from './routes-users.js';
import { createSimControl, type SimControl } from './sim-control.js';
import { createSimLimiters, parseSimLimits, type SimLimits } from './sim-limits.js';

export interface GitHubSimulatorOptions {
  /** The world to serve; mutated in place by the control API. */
  readonly dataset: SimDataset;
  /** Default `127.0.0.1`. */
  readonly host?: string;
  /** Default 0: an ephemeral port (read `url` after `start()`). */
  readonly port?: number;
  /** Installation token lifetime; default 1 h, as GitHub's. */
  readonly tokenLifetimeMs?: number;
  /**
   * Per-installation limits (and per App JWT): any subset of `SimLimits`, the rest at
   * GitHub's documented defaults (`DEFAULT_SIM_LIMITS`). Validated: a bad value throws a
   * `RangeError` naming the field.
   */
  readonly limits?: Partial<SimLimits>;
  /** Length of the primary windows (REST and GraphQL); default 1 h. Tests shorten it. */
  readonly primaryWindowMs?: number;
  /**
   * Length of the secondary points windows (REST and GraphQL); default 1 min. A benchmark
   * compressing time shortens it with `primaryWindowMs`.
   */
  readonly secondaryWindowMs?: number;
  /**
   * How long `/stats/contributors` answers 202 after its cache went cold (first request, or
   * the repo's commits changed); default 1000 ms. 0 answers 200 at once.
   */
  readonly statsComputeDelayMs?: number;
  /**
   * The simulator's clock (epoch ms): token expiry, rate-limit windows, JWT checks, stats
   * readiness and the default time of injected events. Default `Date.now`. App JWTs are
   * signed with the client's real clock, so keep this within minutes of it.
   */
  readonly now?: () => number;
  /** Copilot usage reports: served only when given. */
  readonly copilot?: {
    readonly world: CopilotWorld;
    /** The key pair of the App installed on `world.enterprise` (required with one). */
    readonly enterpriseKeyPair?: AppKeyPair;
    /** Files per report (3). */
    readonly partsPerReport?: number;
    /** Lifetime of a download link (10 min). */
    readonly linkLifetimeMs?: number;
  };
}

/** What a client needs to authenticate as the enterprise's App. */
export interface SimEnterpriseCredentials {
  readonly enterprise: string;
  readonly appId: number;
  readonly installationId: number;
  readonly privateKeyPem: string;
}

/** What a client needs to authenticate as an org's App. */
export interface SimAppCredentials {
  readonly org: string;
  readonly appId: number;
  readonly installationId: number;
  /** PEM of the App's private key (PKCS#1), as GitHub hands out in its key file. */
  readonly privateKeyPem: string;
}

export interface WrittenAppKey {
  readonly org: string;
  readonly appId: number;
  readonly installationId: number;
  readonly privateKeyPath: string;
}

export interface GitHubSimulator extends SimControl {
  /** Listens on `host:port`. Resolves once it accepts connections. */
  start(): Promise<void>;
  /** Closes the listener and every open connection; idempotent, safe before `start`. */
  stop(): Promise<void>;
  /** API root, e.g. `http://127.0.0.1:41234` (octokit's `baseUrl`); throws before `start`. */
  readonly url: string;
  readonly dataset: SimDataset;
  readonly apps: readonly SimAppCredentials[];
  /** The Copilot report download host, when `options.copilot` was given. */
  readonly copilot: CopilotReportHost | undefined;
  /** The enterprise App, when `options.copilot.world` has an enterprise. */
  readonly enterpriseApp: SimEnterpriseCredentials | undefined;
  /** Writes `<dir>/<org>.pem` (mode 0600) for every org's App; creates `dir`. */
  writeKeys(dir: string): Promise<WrittenAppKey[]>;
}

const DEFAULT_STATS_COMPUTE_DELAY_MS = 1000;

/** Creates a GitHub simulator over `options.dataset`; call `start()` to listen. */
export function createGitHubSimulator(options: GitHubSimulatorOptions): GitHubSimulator {
  const { dataset } = options;
  const now = options.now ?? Date.now;
  const tokens = createInstallationTokenStore(options.tokenLifetimeMs ?? HOUR_MS);
  const limiters = createSimLimiters({
    limits: parseSimLimits(options.limits),
    ...(options.primaryWindowMs === undefined ? {} : { primaryWindowMs: options.primaryWindowMs }),
    ...(options.secondaryWindowMs === undefined
      ? {}
      : { secondaryWindowMs: options.secondaryWindowMs }),
  });
  const faults = createFaultStore();
  const counters = createRequestCounters();
  const delays = createPendingDelays();
  const statsCache = createContributorStatsCache(
    options.statsComputeDelayMs ?? DEFAULT_STATS_COMPUTE_DELAY_MS,
  );
  const copilotHost = options.copilot
    ? createCopilotReportHost({
        world: options.copilot.world,
        now,
        ...(options.host === undefined ? {} : { host: options.host }),
        ...(options.copilot.partsPerReport === undefined
          ? {}
          : { partsPerReport: options.copilot.partsPerReport }),
        ...(options.copilot.linkLifetimeMs === undefined
          ? {}
          : { linkLifetimeMs: options.copilot.linkLifetimeMs }),
      })
    : undefined;
  const enterpriseApp = toEnterpriseApp(dataset, options.copilot);
  const routes: ApiRoute[] = [
    ...createAppRoutes({
      dataset,
      now,
      tokens,
      ...(enterpriseApp
        ? {
            enterprise: {
              slug: enterpriseApp.enterprise,
              appId: enterpriseApp.appId,
              installationId: enterpriseApp.installationId,
            },
          }
        : {}),
    }),
    ...createRepoRoutes(dataset),
    ...createCommitRoutes(dataset),
    ...createReviewCommentRoutes(dataset),
    ...createPullRoutes(dataset),
    ...createIssueRoutes(dataset),
    ...createUserRoutes(dataset),
    ...createStatsMetaRoutes({
      dataset,
      now,
      statsCache,
      rateLimiter: limiters.restPrimary,
      graphqlRateLimiter: limiters.graphqlPrimary,
    }),
    ...(options.copilot && copilotHost
      ? createCopilotRoutes({ dataset, world: options.copilot.world, host: copilotHost, now })
      : []),
  ];
  const endpointKeys = [
    ...routes.map((route) => `${route.method} ${route.template}`),
    'POST /graphql',
  ];
  const redirects = createRepoRedirects();
  const control = createSimControl({
    redirects,
    dataset,
    now,
    faults,
    tokens,
    limiters,
    counters,
    endpointKeys,
  });
  const userOf = createUserIndex(dataset);
  const authenticator = createAuthenticator(dataset, tokens);
  const graphql = createGraphqlEndpoint({
    dataset,
    now,
    authenticator,
    schema: createGitHubSchema(),
    limiters,
    faults,
    counters,
    delays,
    redirects,
  });
  const pipeline = createApiPipeline({
    dataset,
    now,
    authenticator,
    limiters,
    faults,
    counters,
    delays,
    renderContext: (url) => ({
      apiRoot: url.origin,
      webRoot: url.origin,
      noreplyDomain: `users.noreply.${url.hostname}`,
      userOf,
    }),
  });
  const app = createHttpApp(
    routes,
    createControlRoutes(control, dataset, endpointKeys),
    pipeline,
    { dataset, redirects },
    graphql,
  );

  let server: Server | undefined;
  let url: string | undefined;
  let starting: Promise<void> | undefined;
  const listen = async (): Promise<void> => {
    const listener = getRequestListener(app.fetch);
    // The listener answers its own failures (500), so nothing is left to await here.
    const listening = createServer((request, response) => {
      void listener(request, response);
    });
    await new Promise<void>((resolve, reject) => {
      listening.once('error', reject);
      listening.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
        listening.off('error', reject);
        resolve();
      });
    });
    const address = listening.address() as AddressInfo;
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    server = listening;
    url = `http://${host}:${address.port}`;
  };
  const apps: SimAppCredentials[] = dataset.orgs.map((org) => {
    const simApp = dataset.apps.find((candidate) => candidate.appId === org.appId);
    if (!simApp)
      throw new Error(`org ${org.login} names app ${org.appId}, which the dataset lacks`);
    return {
      org: org.login,
      appId: org.appId,
      installationId: org.installationId,
      privateKeyPem: simApp.privateKeyPem,
    };
  });

  return {
    ...control,
    dataset,
    apps,
    copilot: copilotHost,
    enterpriseApp,
    get url(): string {
      if (url === undefined) throw new Error('the GitHub simulator is not started');
      return url;
    },
    start() {
      starting ??= Promise.all([listen(), copilotHost?.start()])
        .then(() => undefined)
        .catch((error: unknown) => {
          starting = undefined;
          throw error;
        });
      return starting;
    },
    async stop() {
      // A stop during a start waits for it, so the listener it opens is closed too; a failed
      // start has already rejected to its own caller.
      await starting?.catch(() => undefined);
      starting = undefined;
      const closing = server;
      server = undefined;
      url = undefined;
      await copilotHost?.stop();
      if (!closing) return;
      delays.releaseAll();
      await new Promise<void>((resolve, reject) => {
        closing.close((error) => {
          if (error) reject(error);
          else resolve();
        });
        closing.closeAllConnections();
      });
    },
    async writeKeys(dir) {
      await mkdir(dir, { recursive: true });
      return Promise.all(
        apps.map(async (credentials) => {
          const privateKeyPath = join(dir, `${credentials.org}.pem`);
          await writeFile(privateKeyPath, credentials.privateKeyPem, { mode: 0o600 });
          return {
            org: credentials.org,
            appId: credentials.appId,
            installationId: credentials.installationId,
            privateKeyPath,
          };
        }),
      );
    },
  };
}

/** Adds the enterprise's App to the dataset (its JWTs must verify) and returns its credentials. */
function toEnterpriseApp(
  dataset: SimDataset,
  copilot: GitHubSimulatorOptions['copilot'],
): SimEnterpriseCredentials | undefined {
  const enterprise = copilot?.world.enterprise;
  if (!enterprise) return undefined;
  const keyPair = copilot.enterpriseKeyPair;
  if (keyPair?.appId !== enterprise.appId) {
    throw new Error(`enterprise ${enterprise.slug} needs the key pair of app ${enterprise.appId}`);
  }
  if (!dataset.apps.some((app) => app.appId === enterprise.appId)) {
    dataset.apps.push({
      appId: enterprise.appId,
      slug: `${enterprise.slug}-copilot-metrics`,
      privateKeyPem: keyPair.privateKeyPem,
      publicKeyPem: keyPair.publicKeyPem,
    });
  }
  return {
    enterprise: enterprise.slug,
    appId: enterprise.appId,
    installationId: enterprise.installationId,
    privateKeyPem: keyPair.privateKeyPem,
  };
}
