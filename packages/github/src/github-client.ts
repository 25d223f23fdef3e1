import { setMaxListeners } from 'node:events';

import { type Logger, toErrorMessage } from '@gse/logging';
import { createAppAuth } from '@octokit/auth-app';
import { Octokit } from '@octokit/core';

import { abortableSleep, type Sleep } from './abortable-sleep.js';
import { computeBackoffMs, type RetryOptions } from './backoff.js';
import { etagKeyOf, type RepoIdentity } from './etag-key.js';
import type {
  BudgetPriority,
  EtagCache,
  InstallationSemaphore,
  InstallationTokenCache,
  RequestBudget,
} from './client-ports.js';
import type { GitHubErrorDecision } from './github-error-decision.js';
import {
  GitHubGraphqlUnsupportedError,
  GitHubRequestError,
  GitHubResponseError,
} from './github-errors.js';
import type { BudgetWaitObserver, GitHubRequestObserver } from './github-request-report.js';
import type { RawResponse } from './github-transport.js';
import { createInstallationTokenSource } from './installation-token-source.js';
import { parseNextLink } from './link-header.js';
import { toGraphqlEnvelope, toGraphqlUrl, toOperationName } from './graphql/graphql-envelope.js';
import { createRateLimitGate, type RateLimitOptions } from './rate-limit-gate.js';
import { createRequestExecutor } from './request-executor.js';
import { createTokenRequest } from './token-request.js';

/** A GET route: `GET /repos/{owner}/{repo}/commits`. */
export type GetRoute = `GET /${string}`;

/** Values for the route's `{placeholders}`; the rest become the query string. */
export type RouteParams = Readonly<Record<string, string | number | boolean | undefined>>;

/** Checks GitHub's JSON and returns it typed; throws (any Error) when it has the wrong shape. */
export type Decode<T> = (data: unknown) => T;

/** The answer to a conditional GET. */
export type JsonResult<T> =
  /** Changed (or first fetched): `etag` is what `rememberEtag` would store for `url`. */
  | {
      readonly status: 200;
      readonly data: T;
      readonly url: string;
      readonly etag: string | undefined;
    }
  /** Unchanged since the stored ETag, and free: use what was derived from the last `200`. */
  | { readonly status: 304; readonly url: string }
  /** `202`: GitHub is still computing (statistics); `204`: nothing there (empty repo). */
  | { readonly status: 202 | 204; readonly url: string };

export interface PaginateOptions {
  /**
   * `false` asks the first page without its stored ETag: for a caller that no longer has
   * what it derived from the last `200`, so a `304` would leave it with nothing. Default true.
   */
  readonly conditional?: boolean;
}

/** One page of a paginated list. */
export type Page<T> =
  | {
      readonly status: 200;
      readonly items: readonly T[];
      readonly url: string;
      readonly etag: string | undefined;
      /** 0 for the first page. */
      readonly index: number;
    }
  /** The first page is unchanged since its stored ETag; nothing follows. */
  | { readonly status: 304; readonly url: string; readonly index: 0 };

export interface GitHubClientOptions {
  /** The org of the installation; on every report and log line. */
  readonly org: string;
  /** `github.api_base_url`, e.g. `https://api.github.com` or `https://ghe.example.com/api/v3`. */
  readonly baseUrl: string;
  readonly appId: number;
  readonly installationId: number;
  /** The app's private key (PEM, PKCS#1 or PKCS#8). */
  readonly privateKeyPem: string;
  /** `github.request_timeout` (20s): per HTTP request, body included. */
  readonly requestTimeoutMs: number;
  readonly userAgent: string;
  readonly rateLimit: RateLimitOptions;
  readonly retry: RetryOptions;
  readonly etagCache: EtagCache;
  readonly semaphore: InstallationSemaphore;
  /**
   * The fleet's per-installation budgets (points per minute, the primary view) and the
   * priority this client draws at: `scheduled` for the schedule's scrapes, `background` for
   * history reads and backfills. Without it only this client's gate and the semaphore pace
   * its requests, so several processes together can trip GitHub's points-per-minute limit.
   */
  readonly budget?: { readonly port: RequestBudget; readonly priority: BudgetPriority };
  /** Called when a request had to wait for the budget. Must not throw. */
  readonly onBudgetWait?: BudgetWaitObserver;
  /** Shares the installation token across the fleet; see {@link InstallationTokenCache}. */
  readonly tokenCache?: InstallationTokenCache;
  /** Called for every HTTP request, retries and token mints included. Must not throw. */
  readonly onRequest?: GitHubRequestObserver;
  readonly logger: Logger;
  /** Shutdown: aborts waits (backoff, rate limit, semaphore) and requests in flight. */
  readonly signal: AbortSignal;
  /** Clock, epoch ms (`Date.now`). */
  readonly now?: () => number;
  readonly sleep?: Sleep;
  /** `[0, 1)` for jitter (`Math.random`). */
  readonly random?: () => number;
  /** The HTTP client (`globalThis.fetch`). */
  readonly fetch?: typeof globalThis.fetch;
}

/** A client for one org's GitHub App installation. */
export interface GitHubClient {
  readonly org: string;
  readonly installationId: number;
  /**
   * GETs one resource. Sends `If-None-Match` with the ETag stored for (installation, URL),
   * so an unchanged resource answers `304` at no rate-limit cost.
   *
   * @throws GitHubResponseError when the body is not JSON or `decode` rejects it.
   * @throws GitHubRequestError when GitHub refuses the request or keeps failing.
   */
  getJson(route: GetRoute, params?: RouteParams): Promise<JsonResult<unknown>>;
  getJson<T>(
    route: GetRoute,
    params: RouteParams | undefined,
    decode: Decode<T>,
  ): Promise<JsonResult<T>>;
  /**
   * Pages through a list following `Link: rel="next"`; stop early by leaving the loop. The
   * first page is conditional (a stable first-page URL answers `304` when nothing changed);
   * later pages are not, as their contents shift whenever the first page changes.
   * `decodeItems` maps a page body to its items (default: the body must be an array).
   */
  paginate(route: GetRoute, params?: RouteParams): AsyncGenerator<Page<unknown>, void, undefined>;
  paginate<T>(
    route: GetRoute,
    params: RouteParams | undefined,
    decodeItems: Decode<readonly T[]>,
    options?: PaginateOptions,
  ): AsyncGenerator<Page<T>, void, undefined>;
  /**
   * Stores the ETag of a `200` for its URL, making the next request for it conditional (any
   * other answer has no ETag and stores nothing).
   * Call it only once what was derived from that answer is stored: an ETag saved earlier
   * would turn a crash in between into a `304` that hides data never written.
   */
  rememberEtag(answer: { readonly url: string; readonly etag?: string | undefined }): Promise<void>;
  /**
   * Sends a GraphQL query (`POST /graphql`) on the same path as REST (token, semaphore,
   * retries, telemetry) but under its own rate-limit gate: GraphQL's primary budget is not
   * REST's. An answer with `errors` of type `RATE_LIMITED` holds that gate and is sent again;
   * errors of a query GitHub failed to run (timeouts, internal errors) are sent again after
   * the backoff, as a 5xx is (at most `retry.maxAttempts` times in all).
   *
   * @throws GitHubResponseError naming the operation, with GitHub's error messages, when the
   *   installation may not read what the query asks (`FORBIDDEN`, `NOT_FOUND`, …), or when
   *   `decode` rejects `data`.
   * @throws GitHubGraphqlUnsupportedError when the server has no GraphQL endpoint (`404`) or
   *   refuses the query before running it (a schema without one of its fields).
   * @throws GitHubRequestError when GitHub refuses the request or keeps failing.
   */
  graphql<T>(
    query: string,
    variables: Readonly<Record<string, unknown>>,
    decode: Decode<T>,
  ): Promise<T>;
  /**
   * This client for the requests of one repo: the ETags of the repo's URLs are stored under
   * its GitHub id, not its name ({@link etagKeyOf}), so after a rename the conditional
   * requests under the new name send the ETags stored under the old one. Requests still go
   * by name.
   */
  forRepo(repo: RepoIdentity): GitHubClient;
}

const GRAPHQL_ENDPOINT = '/graphql';

const asArray: Decode<readonly unknown[]> = (data) => {
  if (!Array.isArray(data)) throw new TypeError(`expected a JSON array, got ${describeJson(data)}`);
  return data;
};

/** Creates the client of one installation. See the package README for the request rules. */
export function createGitHubClient(options: GitHubClientOptions): GitHubClient {
  const { org, installationId, logger } = options;
  // Every waiting request listens on the shutdown signal, and hundreds may wait at once: no
  // leak, so a child signal of our own carries them without Node's max-listeners warning.
  const signal = AbortSignal.any([options.signal]);
  setMaxListeners(0, signal);
  const now = options.now ?? Date.now;
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const baseOrigin = new URL(baseUrl).origin;
  if (!Number.isInteger(options.retry.maxAttempts) || options.retry.maxAttempts < 1) {
    throw new RangeError(
      `retry.maxAttempts must be an integer ≥ 1, got ${options.retry.maxAttempts}`,
    );
  }
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const onRequest = options.onRequest ?? (() => undefined);

  // Every request, token mints included, carries the shutdown signal and its own timeout.
  const timedFetch: typeof globalThis.fetch = (input, init) =>
    fetchImpl(input, {
      ...init,
      signal: AbortSignal.any([signal, AbortSignal.timeout(options.requestTimeoutMs)]),
    });
  // `baseUrl` goes to the Octokit we build ourselves: `new App({ baseUrl })` would ignore it
  // and talk to api.github.com (TOOLCHAIN.md, pitfall 5).
  const octokit = new Octokit({
    baseUrl,
    userAgent: options.userAgent,
    request: { fetch: timedFetch },
    log: {
      debug: (message: string) => {
        logger.debug('octokit debug message', { org, detail: message });
      },
      info: (message: string) => {
        logger.info('octokit message', { org, detail: message });
      },
      warn: (message: string) => {
        logger.warn('octokit warning', { org, detail: message });
      },
      error: (message: string) => {
        logger.error('octokit error', { org, detail: message });
      },
    },
  });
  const appAuth = createAppAuth({
    appId: options.appId,
    privateKey: options.privateKeyPem,
    installationId,
    request: createTokenRequest(octokit, { org, installationId, now, onRequest }),
    log: {
      warn: (message: string) => {
        logger.warn('octokit auth warning', { org, detail: message });
      },
    },
  });
  const tokens = createInstallationTokenSource({
    installationId,
    cache: options.tokenCache,
    now,
    mint: async () => {
      const minted = await appAuth({ type: 'installation', refresh: true });
      return { token: minted.token, expiresAt: minted.expiresAt };
    },
  });
  const sleep = options.sleep ?? abortableSleep;
  const random = options.random ?? Math.random;
  // GraphQL spends its own primary budget (`x-ratelimit-resource: graphql`): a gate per
  // resource, so a spent GraphQL budget holds no REST request.
  const gates = {
    rest: createRateLimitGate(options.rateLimit, now, sleep),
    graphql: createRateLimitGate(options.rateLimit, now, sleep),
  };
  const execute = createRequestExecutor({
    org,
    installationId,
    octokit,
    tokens,
    gates,
    semaphore: options.semaphore,
    budget: options.budget,
    onBudgetWait: options.onBudgetWait ?? (() => undefined),
    rateLimit: options.rateLimit,
    retry: options.retry,
    onRequest,
    logger,
    signal,
    now,
    sleep,
    random,
  });
  const graphqlUrl = toGraphqlUrl(baseUrl);

  const toUrl = (route: GetRoute, params: RouteParams | undefined): string =>
    octokit.request.endpoint(route, params ?? {}).url;
  const endpointOf = (route: GetRoute): string => route.slice('GET '.length);

  function parseBody<T>(route: GetRoute, response: RawResponse, decode: Decode<T>): T {
    return parseJson('GET', endpointOf(route), response, decode);
  }

  function parseJson<T>(
    method: string,
    endpoint: string,
    response: RawResponse,
    decode: Decode<T>,
  ): T {
    const fail = (reason: string, cause?: unknown): GitHubResponseError =>
      new GitHubResponseError(method, endpoint, response.status, reason, { cause });
    if (response.text === undefined || response.text === '') throw fail('empty body');
    let data: unknown;
    try {
      data = JSON.parse(response.text);
    } catch (error) {
      throw fail(`not JSON (${errorMessage(error)})`, error);
    }
    try {
      return decode(data);
    } catch (error) {
      throw fail(errorMessage(error), error);
    }
  }

  async function getJson<T>(
    repo: RepoIdentity | undefined,
    route: GetRoute,
    params?: RouteParams,
    decode: Decode<T> = (data) => data as T,
  ): Promise<JsonResult<T>> {
    const url = toUrl(route, params);
    const etag = await options.etagCache.get(installationId, etagKeyOf(url, repo));
    const response = await execute({ method: 'GET', endpoint: endpointOf(route), url, etag });
    switch (response.status) {
      case 200:
        return {
          status: 200,
          data: parseBody(route, response, decode),
          url,
          etag: response.headers['etag'],
        };
      case 202:
      case 204:
      case 304:
        return { status: response.status, url };
      default:
        throw new GitHubResponseError(
          'GET',
          endpointOf(route),
          response.status,
          'unexpected status',
        );
    }
  }

  async function* paginate<T>(
    repo: RepoIdentity | undefined,
    route: GetRoute,
    params?: RouteParams,
    decodeItems: Decode<readonly T[]> = asArray as Decode<readonly T[]>,
    pageOptions: PaginateOptions = {},
  ): AsyncGenerator<Page<T>, void, undefined> {
    let url: string | undefined = toUrl(route, params);
    const conditional = pageOptions.conditional ?? true;
    for (let index = 0; url !== undefined; index++) {
      const etag =
        index === 0 && conditional
          ? await options.etagCache.get(installationId, etagKeyOf(url, repo))
          : undefined;
      const response = await execute({ method: 'GET', endpoint: endpointOf(route), url, etag });
      if (response.status === 304 && index === 0) {
        yield { status: 304, url, index: 0 };
        return;
      }
      if (response.status !== 200) {
        throw new GitHubResponseError(
          'GET',
          endpointOf(route),
          response.status,
          'unexpected status for a page',
        );
      }
      const items = parseBody(route, response, decodeItems);
      yield { status: 200, items, url, etag: response.headers['etag'], index };
      const next = parseNextLink(response.headers['link']);
      // The token goes wherever `Link` points; never let a response send it to another host.
      if (next !== undefined && new URL(next).origin !== baseOrigin) {
        throw new GitHubResponseError(
          'GET',
          endpointOf(route),
          response.status,
          `next page link leaves ${baseOrigin}: ${next}`,
        );
      }
      url = next;
    }
  }

  async function graphql<T>(
    query: string,
    variables: Readonly<Record<string, unknown>>,
    decode: Decode<T>,
  ): Promise<T> {
    // Named in errors and logs by its operation; telemetry keeps the one `POST /graphql`.
    const operation = `${GRAPHQL_ENDPOINT} ${toOperationName(query)}`;
    for (let attempt = 1; ; attempt++) {
      const response = await execute({
        resource: 'graphql',
        method: 'POST',
        endpoint: GRAPHQL_ENDPOINT,
        url: graphqlUrl,
        body: { query, variables },
      }).catch((error: unknown) => {
        // REST answers at this base URL, so a 404 here is the endpoint missing, not the query.
        if (error instanceof GitHubRequestError && error.status === 404) {
          throw new GitHubGraphqlUnsupportedError(operation, 'graphql_not_found', error.message, {
            cause: error,
          });
        }
        throw error;
      });
      const envelope = parseJson('POST', operation, response, toGraphqlEnvelope);
      let decision: GitHubErrorDecision;
      switch (envelope.kind) {
        case 'data':
          return parseJson('POST', operation, response, () => decode(envelope.data));
        case 'refused':
          throw new GitHubResponseError(
            'POST',
            operation,
            response.status,
            `GraphQL errors: ${envelope.messages.join('; ')}`,
          );
        case 'unsupported':
          throw new GitHubGraphqlUnsupportedError(
            operation,
            'schema_unsupported',
            `GraphQL errors: ${envelope.messages.join('; ')}`,
          );
        case 'rate-limited':
          decision = holdGraphqlFor(response.headers, envelope.message);
          break;
        case 'failed':
          decision = {
            kind: 'retry',
            reason: `GraphQL errors: ${envelope.messages.join('; ')}`,
            retryAfterMs: undefined,
          };
      }
      if (attempt >= options.retry.maxAttempts) {
        throw new GitHubRequestError('POST', operation, response.status, attempt, decision, {
          cause: undefined,
        });
      }
      if (decision.kind === 'retry') {
        // A query GitHub failed to run (a timeout, an internal error): backoff as for a 5xx.
        const delayMs = computeBackoffMs(attempt, options.retry, random);
        logger.warn('GitHub GraphQL query failed; retrying', {
          org,
          installationId,
          operation,
          reason: decision.reason,
          attempt,
          delayMs,
        });
        await sleep(delayMs, signal);
      } else {
        logger.warn('GitHub GraphQL budget spent; waiting', {
          org,
          installationId,
          operation,
          attempt,
        });
      }
    }
  }

  /**
   * A `RATE_LIMITED` answer holds the GraphQL gate: until the reset GitHub dated when its
   * headers say the budget is spent (the gate saw `remaining: 0` already), otherwise for
   * `secondary_limit_backoff`, so the retry cannot spin.
   */
  function holdGraphqlFor(
    headers: Readonly<Record<string, string>>,
    message: string,
  ): GitHubErrorDecision {
    const nowMs = now();
    const resetSeconds = Number(headers['x-ratelimit-reset']);
    if (headers['x-ratelimit-remaining'] === '0' && Number.isFinite(resetSeconds)) {
      const resetAtMs = resetSeconds * 1000;
      gates.graphql.holdUntil(Math.max(resetAtMs, nowMs) + options.rateLimit.minResetBufferMs);
      return { kind: 'wait-primary', reason: message, resetAtMs };
    }
    gates.graphql.holdUntil(nowMs + options.rateLimit.secondaryLimitBackoffMs);
    return { kind: 'wait-secondary', reason: message, retryAfterMs: undefined };
  }

  /** The client's methods, with the ETags of `repo`'s URLs keyed by its id when given. */
  const clientFor = (repo: RepoIdentity | undefined): GitHubClient => ({
    org,
    installationId,
    getJson: <T>(route: GetRoute, params?: RouteParams, decode?: Decode<T>) =>
      getJson(repo, route, params, decode),
    paginate: <T>(
      route: GetRoute,
      params?: RouteParams,
      decodeItems?: Decode<readonly T[]>,
      pageOptions?: PaginateOptions,
    ) => paginate(repo, route, params, decodeItems, pageOptions),
    async rememberEtag(answer) {
      if (answer.etag !== undefined)
        await options.etagCache.set(installationId, etagKeyOf(answer.url, repo), answer.etag);
    },
    graphql,
    forRepo: (identity) => clientFor(identity),
  });
  return clientFor(undefined);
}

function errorMessage(error: unknown): string {
  return toErrorMessage(error);
}

function describeJson(data: unknown): string {
  if (data === null) return 'null';
  return typeof data === 'object' ? 'an object' : typeof data;
}
