import { mkdir, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

import { getRequestListener } from '@hono/node-server';

import { createCopilotReportHost, type CopilotReportHost } from '../copilot/copilot-report-host.js';
import type { CopilotWorld } from '../copilot/copilot-world.js';
import { createCopilotRoutes } from '../copilot/routes-copilot.js';
import type { AppKeyPair } from '../dataset/app-keys.js';
import { HOUR_MS, MINUTE_MS } from '../dataset/sim-time.js';
import { createGraphqlEndpoint } from '../graphql/graphql-endpoint.js';
import { createGitHubSchema } from '../graphql/github-schema.js';
import type { SimDataset } from '../model.js';
import { ANONYMOUS_RATE_LIMIT, createApiPipeline } from './api-pipeline.js';
import type { ApiRoute } from './api-route.js';
import { createAuthenticator } from './authenticate.js';
import { createContributorStatsCache } from './contributor-stats.js';
import { createControlRoutes } from './control-routes.js';
import { createFaultStore } from './faults.js';
import { createHttpApp } from './http-app.js';
import { createInstallationTokenStore } from './installation-tokens.js';
import { createPendingDelays } from './pending-delays.js';
import { createConcurrencyTracker, createRateLimiter } from './rate-limiter.js';
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
import { createSimControl, type SimControl } from './sim-control.js';

export interface GitHubSimulatorOptions {
  /** The world to serve; mutated in place by the control API. */
  readonly dataset: SimDataset;
  /** Default `127.0.0.1`. */
  readonly host?: string;
  /** Default 0: an ephemeral port (read `url` after `start()`). */
  readonly port?: number;
  /** Installation token lifetime; default 1 h, as GitHub's. */
  readonly tokenLifetimeMs?: number;
  readonly rateLimit?: {
    /** Requests per window per installation (and per app JWT); default 5000. */
    readonly limit?: number;
    /** Default 1 h. */
    readonly windowMs?: number;
    /** GitHub sends 403 or 429 on exhaustion; default 403. */
    readonly exhaustedStatus?: 403 | 429;
  };
  /** GraphQL's budgets per installation, apart from REST's. */
  readonly graphqlLimit?: {
    /** Primary points per hour; default 5000. */
    readonly pointsPerHour?: number;
    /** Secondary points per minute (1 a query, 5 a mutation); default 2000. */
    readonly secondaryPointsPerMinute?: number;
  };
  readonly secondaryLimit?: {
    /**
     * Requests one installation may have in flight; one more is a secondary-limit hit.
     * Default 10: stricter than GitHub's documented 100, so a client that fans out too
     * widely finds out in tests rather than in production.
     */
    readonly maxConcurrent?: number;
    /** Default 403. */
    readonly status?: 403 | 429;
    /** `retry-after` of a concurrency hit; default 60. */
    readonly retryAfterSeconds?: number;
  };
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

const DEFAULT_MAX_CONCURRENT = 10;
const DEFAULT_STATS_COMPUTE_DELAY_MS = 1000;
const DEFAULT_GRAPHQL_POINTS_PER_HOUR = 5000;
const DEFAULT_GRAPHQL_SECONDARY_POINTS_PER_MINUTE = 2000;

/** Creates a GitHub simulator over `options.dataset`; call `start()` to listen. */
export function createGitHubSimulator(options: GitHubSimulatorOptions): GitHubSimulator {
  const { dataset } = options;
  const now = options.now ?? Date.now;
  const limit = options.rateLimit?.limit ?? 5000;
  const tokens = createInstallationTokenStore(options.tokenLifetimeMs ?? HOUR_MS);
  const rateLimiter = createRateLimiter(
    (bucket) => (bucket === 'anonymous' ? ANONYMOUS_RATE_LIMIT : limit),
    options.rateLimit?.windowMs ?? HOUR_MS,
  );
  const concurrency = createConcurrencyTracker();
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
    ...createStatsMetaRoutes({ dataset, now, statsCache, rateLimiter }),
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
    rateLimiter,
    concurrency,
    counters,
    endpointKeys,
  });
  const userOf = createUserIndex(dataset);
  const authenticator = createAuthenticator(dataset, tokens);
  const limits = {
    maxConcurrent: options.secondaryLimit?.maxConcurrent ?? DEFAULT_MAX_CONCURRENT,
    exhaustedStatus: options.rateLimit?.exhaustedStatus ?? 403,
    concurrencyStatus: options.secondaryLimit?.status ?? 403,
    concurrencyRetryAfterSeconds: options.secondaryLimit?.retryAfterSeconds ?? 60,
  } as const;
  const graphql = createGraphqlEndpoint({
    dataset,
    now,
    authenticator,
    schema: createGitHubSchema(),
    primary: createRateLimiter(
      () => options.graphqlLimit?.pointsPerHour ?? DEFAULT_GRAPHQL_POINTS_PER_HOUR,
      HOUR_MS,
    ),
    secondary: createRateLimiter(
      () =>
        options.graphqlLimit?.secondaryPointsPerMinute ??
        DEFAULT_GRAPHQL_SECONDARY_POINTS_PER_MINUTE,
      MINUTE_MS,
    ),
    concurrency,
    faults,
    counters,
    delays,
    redirects,
    limits: { ...limits, secondaryStatus: limits.concurrencyStatus },
  });
  const pipeline = createApiPipeline({
    dataset,
    now,
    authenticator,
    rateLimiter,
    concurrency,
    faults,
    counters,
    delays,
    renderContext: (url) => ({
      apiRoot: url.origin,
      webRoot: url.origin,
      noreplyDomain: `users.noreply.${url.hostname}`,
      userOf,
    }),
    limits,
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
