import { createHash } from 'node:crypto';

import type { SimDataset } from '../model.js';
import { findOrg, installationOf, type ApiRoute, type Caller } from './api-route.js';
import type { Authenticator } from './authenticate.js';
import type { FaultStore, RequestTarget } from './faults.js';
import {
  badCredentials,
  githubError,
  notFound,
  primaryRateLimitExceeded,
  resourceNotAccessible,
  secondaryRateLimitExceeded,
  serverError,
  type ApiResult,
} from './github-errors.js';
import type { PendingDelays } from './pending-delays.js';
import type { RateLimitState } from './rate-limiter.js';
import type { RenderContext } from './render-context.js';
import type { RequestCounters, SecondaryHitCause } from './request-counters.js';
import type { SimLimiters } from './sim-limits.js';

export interface PipelineDeps {
  readonly dataset: SimDataset;
  readonly now: () => number;
  readonly authenticator: Authenticator;
  /** The limits in force and their windows (shared with `/graphql` and the control API). */
  readonly limiters: SimLimiters;
  readonly faults: FaultStore;
  readonly counters: RequestCounters;
  readonly delays: PendingDelays;
  readonly renderContext: (url: URL) => RenderContext;
}

export interface IncomingApiRequest {
  readonly method: string;
  readonly url: URL;
  readonly headers: Headers;
  readonly params: Readonly<Record<string, string>>;
}

/** Rate-limit bucket of a caller: `installation:1001`, `app:101` or `anonymous`. */
export function rateLimitBucket(caller: Caller): string {
  switch (caller.kind) {
    case 'installation':
      return `installation:${caller.issued.installationId}`;
    case 'app':
      return `app:${caller.app.appId}`;
    case 'anonymous':
      return 'anonymous';
  }
}

function credentialOf(caller: Caller): string {
  switch (caller.kind) {
    case 'installation':
      return caller.issued.token;
    case 'app':
      return caller.credential;
    case 'anonymous':
      return '';
  }
}

function rateLimitHeaders(state: RateLimitState): Record<string, string> {
  return {
    'x-ratelimit-limit': String(state.limit),
    'x-ratelimit-remaining': String(state.remaining),
    'x-ratelimit-reset': String(state.resetUnixSeconds),
    'x-ratelimit-used': String(state.used),
    'x-ratelimit-resource': 'core',
  };
}

/**
 * A REST request's points against the secondary limit: GitHub's "Calculating points for the
 * secondary rate limit" (docs.github.com, Rate limits for the REST API) gives most
 * GET/HEAD/OPTIONS 1 point and most POST/PATCH/PUT/DELETE 5; its exceptions are unpublished.
 */
export function restSecondaryPointsOf(method: string): number {
  return ['GET', 'HEAD', 'OPTIONS'].includes(method.toUpperCase()) ? 1 : 5;
}

/** Weak ETag of a body as seen by one credential: GitHub's ETags are token-bound. */
function etagOf(credential: string, bodyText: string): string {
  return `W/"${createHash('sha256').update(credential).update('\n').update(bodyText).digest('hex')}"`;
}

function ifNoneMatchHits(header: string | null, etag: string): boolean {
  if (header === null) return false;
  const strong = etag.replace(/^W\//, '');
  return header
    .split(',')
    .map((tag) => tag.trim().replace(/^W\//, ''))
    .some((tag) => tag === strong || tag === '*');
}

/** A response as the pipeline finishes it: the body already serialised (or deliberately broken). */
interface Outgoing {
  readonly status: number;
  readonly text?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Set when a secondary limit refused the request, for the counters. */
  readonly secondaryHit?: SecondaryHitCause;
}

function serialise(result: ApiResult, secondaryHit?: SecondaryHitCause): Outgoing {
  return {
    status: result.status,
    ...(result.body === undefined ? {} : { text: JSON.stringify(result.body) }),
    ...(result.headers ? { headers: result.headers } : {}),
    ...(secondaryHit ? { secondaryHit } : {}),
  };
}

/** The malformed-response fault: the first half of the real body, which no JSON parser accepts. */
function truncate(outgoing: Outgoing): Outgoing {
  const text = outgoing.text ?? '{"message":';
  return { status: 200, text: text.slice(0, Math.max(1, Math.floor(text.length / 2))) };
}

/**
 * Runs one REST request the way GitHub's front end does: authentication, the secondary points
 * per minute, the org a token may see, the concurrency rule, injected latency and faults, the primary limit, the handler,
 * then ETag / `304` (free) and the `x-ratelimit-*` headers every response carries.
 */
export function createApiPipeline(
  deps: PipelineDeps,
): (route: ApiRoute | undefined, request: IncomingApiRequest) => Promise<Response> {
  let requestCount = 0;

  const { limiters } = deps;

  /** Faults and limits that answer before the handler runs; `undefined` lets it run. */
  const refuse = (
    caller: Caller,
    bucket: string,
    target: RequestTarget,
    route: ApiRoute,
    requestId: string,
  ): Outgoing | undefined => {
    if (deps.faults.isOutage(target)) return serialise(serverError(503));
    if (deps.faults.isPermissionDenied(target)) return serialise(resourceNotAccessible());
    const burst = deps.faults.takeErrorBurst(target);
    if (burst) return serialise(serverError(burst.status));
    const secondary = deps.faults.takeSecondaryLimit(target);
    if (secondary) {
      return serialise(
        secondaryRateLimitExceeded(
          secondary.status ?? 403,
          secondary.retryAfterSeconds ?? 60,
          requestId,
        ),
        'injected',
      );
    }
    if (!route.free && limiters.restPrimary.peek(bucket, deps.now()).remaining === 0) {
      const label =
        caller.kind === 'installation'
          ? `installation ID ${caller.issued.installationId}`
          : caller.kind === 'app'
            ? `app ID ${caller.app.appId}`
            : 'your IP address';
      return serialise(
        primaryRateLimitExceeded(limiters.current().restPrimaryStatus, label, requestId),
      );
    }
    return undefined;
  };

  /**
   * The REST secondary points limit, charged at the door: every request of an installation
   * or an App's JWT that gets this far costs its points, whatever its outcome (a `304`, a
   * `404`, a concurrency or primary refusal: GitHub documents no exemption). A request the
   * limit refuses costs nothing, so `used` never passes the limit and `retry-after` (the
   * seconds until the minute's window ends) is exact. Returns the refusal, if any.
   */
  const chargeSecondaryPoints = (
    caller: Caller,
    bucket: string,
    method: string,
    requestId: string,
  ): Outgoing | undefined => {
    if (caller.kind === 'anonymous') return undefined;
    const nowMs = deps.now();
    const points = restSecondaryPointsOf(method);
    if (limiters.restSecondary.peek(bucket, nowMs).remaining < points) {
      const retryAfterSeconds = limiters.restSecondary.secondsUntilReset(bucket, nowMs);
      return serialise(
        secondaryRateLimitExceeded(
          limiters.current().secondaryStatus,
          retryAfterSeconds,
          requestId,
        ),
        'points',
      );
    }
    limiters.restSecondary.consume(bucket, nowMs, points);
    return undefined;
  };

  return async (route, request) => {
    requestCount += 1;
    const requestId = `5151:${requestCount.toString(16).toUpperCase().padStart(6, '0')}`;
    const endpointKey = `${request.method} ${route?.template ?? '(unknown)'}`;
    const authentication = deps.authenticator.authenticate(
      route?.auth ?? 'none',
      request.headers.get('authorization') ?? undefined,
      deps.now(),
    );
    const installation = authentication.ok
      ? installationOf(deps.dataset, authentication.caller)
      : authentication.issued && {
          id: authentication.issued.installationId,
          org: authentication.issued.org,
        };
    const bucket = authentication.ok ? rateLimitBucket(authentication.caller) : 'anonymous';
    const respond = (outgoing: Outgoing, counted = false): Response => {
      deps.counters.record({
        kind: 'rest',
        endpointKey,
        status: outgoing.status,
        counted,
        installation,
        ...(outgoing.secondaryHit ? { secondaryHit: outgoing.secondaryHit } : {}),
      });
      const state = counted
        ? limiters.restPrimary.consume(bucket, deps.now())
        : limiters.restPrimary.peek(bucket, deps.now());
      return toResponse(outgoing, {
        ...rateLimitHeaders(state),
        'x-github-request-id': requestId,
        'x-github-media-type': 'github.v3; format=json',
        'x-github-api-version-selected': '2022-11-28',
        ...outgoing.headers,
      });
    };

    if (!authentication.ok) return respond(serialise(authentication.result));
    const caller = authentication.caller;
    const overPoints = chargeSecondaryPoints(caller, bucket, request.method, requestId);
    if (overPoints) return respond(overPoints);
    const pathOrg = request.params['owner'] ?? request.params['org'];
    if (caller.kind === 'installation' && pathOrg !== undefined) {
      const named = findOrg(deps.dataset, pathOrg);
      // A token of one org on another org's resources: GitHub hides them; the product spec asks 401.
      if (named && named.login !== caller.issued.org) return respond(serialise(badCredentials()));
    }
    if (!route) return respond(serialise(notFound()));

    const target: RequestTarget = {
      org: pathOrg ?? installation?.org,
      endpointKey,
      template: route.template,
    };
    const inFlight = limiters.concurrency.enter(bucket);
    try {
      // GitHub refuses a request over the concurrency limit at once, before any work.
      const { maxConcurrent, secondaryStatus, concurrencyRetryAfterSeconds } = limiters.current();
      if (caller.kind !== 'anonymous' && inFlight > maxConcurrent) {
        return respond(
          serialise(
            secondaryRateLimitExceeded(secondaryStatus, concurrencyRetryAfterSeconds, requestId),
            'concurrency',
          ),
        );
      }
      await deps.delays.wait(deps.faults.latencyMs(target));
      const refusal = refuse(caller, bucket, target, route, requestId);
      if (refusal) return respond(refusal);

      const outgoing = serialise(runHandler(route, request, caller, deps));
      if (request.method === 'GET' && outgoing.status === 200 && outgoing.text !== undefined) {
        const etag = etagOf(credentialOf(caller), outgoing.text);
        if (ifNoneMatchHits(request.headers.get('if-none-match'), etag)) {
          return respond({ status: 304, headers: { etag } });
        }
        if (deps.faults.takeMalformed(target)) return respond(truncate(outgoing), !route.free);
        return respond({ ...outgoing, headers: { ...outgoing.headers, etag } }, !route.free);
      }
      if (deps.faults.takeMalformed(target)) return respond(truncate(outgoing), !route.free);
      return respond(outgoing, !route.free);
    } finally {
      limiters.concurrency.leave(bucket);
    }
  };
}

function runHandler(
  route: ApiRoute,
  request: IncomingApiRequest,
  caller: Caller,
  deps: PipelineDeps,
): ApiResult {
  try {
    return route.handle({
      params: request.params,
      query: request.url.searchParams,
      url: request.url,
      caller,
      render: deps.renderContext(request.url),
    });
  } catch (error) {
    // A handler bug must surface in the client's test as a 500 naming it, not hang the request.
    const message = error instanceof Error ? error.message : String(error);
    return githubError(500, `Simulator error: ${message}`);
  }
}

function toResponse(outgoing: Outgoing, headers: Record<string, string>): Response {
  if (outgoing.status === 204 || outgoing.status === 304 || outgoing.text === undefined) {
    return new Response(null, { status: outgoing.status, headers });
  }
  return new Response(outgoing.text, {
    status: outgoing.status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
  });
}
