import { toIsoSeconds } from '../dataset/sim-time.js';
import type { SimDataset } from '../model.js';
import type { Authenticator } from '../server/authenticate.js';
import type { FaultStore, RequestTarget } from '../server/faults.js';
import {
  githubError,
  resourceNotAccessible,
  secondaryRateLimitExceeded,
  serverError,
  type ApiResult,
} from '../server/github-errors.js';
import type { PendingDelays } from '../server/pending-delays.js';
import type { RateLimitState } from '../server/rate-limiter.js';
import type { RepoRedirects } from '../server/repo-redirects.js';
import type { RequestCounters, SecondaryHitCause } from '../server/request-counters.js';
import type { SimLimiters } from '../server/sim-limits.js';
import { executeQuery, type GraphqlResponseBody } from './execute-query.js';
import type { GitHubSchema } from './github-schema.js';
import { prepareQuery, type GraphqlRequestBody } from './prepare-query.js';

const GRAPHQL_DOCS = 'https://docs.github.com/graphql';
const ENDPOINT_KEY = 'POST /graphql';
const TEMPLATE = '/graphql';
/** GitHub's secondary-limit points of one GraphQL request (docs: "Calculating points for the secondary rate limit"). */
const SECONDARY_POINTS_QUERY = 1;
const SECONDARY_POINTS_MUTATION = 5;

export interface GraphqlEndpointDeps {
  readonly dataset: SimDataset;
  readonly now: () => number;
  readonly authenticator: Authenticator;
  readonly schema: GitHubSchema;
  /**
   * The limits in force and their windows: GraphQL's primary (points per hour) and secondary
   * (points per minute) budgets apart from REST's, the concurrency limit shared with REST.
   */
  readonly limiters: SimLimiters;
  readonly faults: FaultStore;
  readonly counters: RequestCounters;
  readonly delays: PendingDelays;
  readonly redirects: RepoRedirects;
}

/** What one GraphQL request ended as, before headers. */
interface Outcome {
  readonly status: number;
  readonly body: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  /** Primary points charged (0: none). */
  readonly points: number;
  /** Set when a secondary limit refused the request, for the counters. */
  readonly secondaryHit?: SecondaryHitCause;
}

function refused(result: ApiResult, secondaryHit?: SecondaryHitCause): Outcome {
  return {
    status: result.status,
    body: result.body,
    points: 0,
    ...(result.headers ? { headers: result.headers } : {}),
    ...(secondaryHit ? { secondaryHit } : {}),
  };
}

function graphqlHeaders(state: RateLimitState): Record<string, string> {
  return {
    'x-ratelimit-limit': String(state.limit),
    'x-ratelimit-remaining': String(state.remaining),
    'x-ratelimit-reset': String(state.resetUnixSeconds),
    'x-ratelimit-used': String(state.used),
    'x-ratelimit-resource': 'graphql',
  };
}

/** `{ query, variables?, operationName? }`, or GitHub's 400 for a body it cannot use. */
export function parseGraphqlBody(text: string): GraphqlRequestBody | ApiResult {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return githubError(400, 'Problems parsing JSON', GRAPHQL_DOCS);
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return githubError(400, 'Problems parsing JSON', GRAPHQL_DOCS);
  }
  const { query, variables, operationName } = body as Record<string, unknown>;
  if (typeof query !== 'string' || query.trim() === '') {
    return {
      status: 400,
      body: { errors: [{ message: 'A query attribute must be specified and must be a string.' }] },
    };
  }
  if (
    variables !== undefined &&
    variables !== null &&
    (typeof variables !== 'object' || Array.isArray(variables))
  ) {
    return { status: 400, body: { errors: [{ message: 'Variables are invalid JSON.' }] } };
  }
  return {
    query,
    variables: (variables ?? {}) as Record<string, unknown>,
    operationName: typeof operationName === 'string' ? operationName : undefined,
  };
}

function isApiResult(value: GraphqlRequestBody | ApiResult): value is ApiResult {
  return 'status' in value;
}

/**
 * `POST /graphql` as GitHub serves it to an installation token: authentication, the
 * concurrency limit shared with REST, injected latency and faults, the body, validation
 * against GitHub's schema, the secondary points-per-minute limit (1 point a query, 5 a
 * mutation), the primary points-per-hour budget charged the query's cost (GitHub's formula),
 * then execution. Every answer carries `x-ratelimit-*` with `x-ratelimit-resource: graphql`.
 */
export function createGraphqlEndpoint(
  deps: GraphqlEndpointDeps,
): (request: Request) => Promise<Response> {
  let requestCount = 0;

  return async (request) => {
    requestCount += 1;
    const requestId = `5152:${requestCount.toString(16).toUpperCase().padStart(6, '0')}`;
    const authentication = deps.authenticator.authenticate(
      'installation',
      request.headers.get('authorization') ?? undefined,
      deps.now(),
    );
    const issued = authentication.ok
      ? authentication.caller.kind === 'installation'
        ? authentication.caller.issued
        : undefined
      : authentication.issued;
    const installation = issued && { id: issued.installationId, org: issued.org };
    const bucket = installation ? `installation:${installation.id}` : 'anonymous';
    const respond = (outcome: Outcome): Response => {
      deps.counters.record({
        kind: 'graphql',
        endpointKey: ENDPOINT_KEY,
        status: outcome.status,
        counted: outcome.points > 0,
        installation,
        graphqlPoints: outcome.points,
        ...(outcome.secondaryHit ? { secondaryHit: outcome.secondaryHit } : {}),
      });
      const state =
        outcome.points > 0
          ? deps.limiters.graphqlPrimary.consume(bucket, deps.now(), outcome.points)
          : deps.limiters.graphqlPrimary.peek(bucket, deps.now());
      const text = JSON.stringify(outcome.body);
      // The malformed-response fault: half of an answer, which no JSON parser accepts.
      const malformed = outcome.status === 200 && deps.faults.takeMalformed(target);
      return new Response(malformed ? text.slice(0, Math.floor(text.length / 2)) : text, {
        status: outcome.status,
        headers: {
          'content-type': 'application/json; charset=utf-8',
          ...graphqlHeaders(state),
          'x-github-request-id': requestId,
          'x-github-media-type': 'github.v4; format=json',
          // The simulator's clock, not the host's: a client may tell from it whether an answer
          // was taken in the second of an update (docs/github-limitations.md).
          date: new Date(deps.now()).toUTCString(),
          ...outcome.headers,
        },
      });
    };
    const target: RequestTarget = {
      org: installation?.org,
      endpointKey: ENDPOINT_KEY,
      template: TEMPLATE,
    };

    if (!authentication.ok || !issued || !installation) {
      return respond(refused(githubError(401, 'Bad credentials', GRAPHQL_DOCS)));
    }
    const inFlight = deps.limiters.concurrency.enter(bucket);
    try {
      // GitHub refuses a request over the concurrency limit at once, before any work.
      const { maxConcurrent, secondaryStatus, concurrencyRetryAfterSeconds } =
        deps.limiters.current();
      if (inFlight > maxConcurrent) {
        return respond(
          refused(
            secondaryRateLimitExceeded(secondaryStatus, concurrencyRetryAfterSeconds, requestId),
            'concurrency',
          ),
        );
      }
      await deps.delays.wait(deps.faults.latencyMs(target));
      const fault = injectedFault(deps.faults, target, requestId);
      if (fault) return respond(fault);
      const parsed = parseGraphqlBody(await request.text());
      if (isApiResult(parsed)) return respond(refused(parsed));
      return respond(answer(deps, parsed, bucket, installation.id, issued.org, requestId));
    } finally {
      deps.limiters.concurrency.leave(bucket);
    }
  };
}

function injectedFault(
  faults: FaultStore,
  target: RequestTarget,
  requestId: string,
): Outcome | undefined {
  if (faults.isOutage(target)) return refused(serverError(503));
  if (faults.isPermissionDenied(target)) return refused(resourceNotAccessible());
  const unsupported = faults.graphqlUnsupported(target);
  if (unsupported?.answer === 'not_found') {
    return refused(githubError(404, 'Not Found', GRAPHQL_DOCS));
  }
  if (unsupported?.answer === 'undefined_field') {
    // graphql-ruby's static validation error, as an older GitHub Enterprise Server sends it.
    return {
      status: 200,
      body: {
        errors: [
          {
            path: ['query', 'organization', 'repositories', 'nodes', 'defaultBranchRef'],
            extensions: {
              code: 'undefinedField',
              typeName: 'Repository',
              fieldName: 'defaultBranchRef',
            },
            locations: [{ line: 1, column: 1 }],
            message: "Field 'defaultBranchRef' doesn't exist on type 'Repository'",
          },
        ],
      },
      points: 0,
    };
  }
  const burst = faults.takeErrorBurst(target);
  if (burst) return refused(serverError(burst.status));
  const secondary = faults.takeSecondaryLimit(target);
  if (secondary) {
    return refused(
      secondaryRateLimitExceeded(
        secondary.status ?? 403,
        secondary.retryAfterSeconds ?? 60,
        requestId,
      ),
      'injected',
    );
  }
  return undefined;
}

function answer(
  deps: GraphqlEndpointDeps,
  body: GraphqlRequestBody,
  bucket: string,
  installationId: number,
  org: string,
  requestId: string,
): Outcome {
  const nowMs = deps.now();
  const schema = deps.schema.get();
  const preparation = prepareQuery(schema, body);
  const secondaryPoints =
    preparation.ok && preparation.query.isMutation
      ? SECONDARY_POINTS_MUTATION
      : SECONDARY_POINTS_QUERY;
  const minute = deps.limiters.graphqlSecondary.peek(bucket, nowMs);
  if (minute.remaining < secondaryPoints) {
    const retryAfterSeconds = deps.limiters.graphqlSecondary.secondsUntilReset(bucket, nowMs);
    return refused(
      secondaryRateLimitExceeded(
        deps.limiters.current().secondaryStatus,
        retryAfterSeconds,
        requestId,
      ),
      'points',
    );
  }
  deps.limiters.graphqlSecondary.consume(bucket, nowMs, secondaryPoints);
  if (!preparation.ok) return { status: 200, body: { errors: preparation.errors }, points: 0 };

  const { query } = preparation;
  const before = deps.limiters.graphqlPrimary.peek(bucket, nowMs);
  if (!query.dryRun && query.cost.cost > before.remaining) {
    const rateLimited: GraphqlResponseBody = {
      errors: [
        {
          type: 'RATE_LIMITED',
          message: `API rate limit exceeded for installation ID ${installationId}.`,
        },
      ],
    };
    return { status: 200, body: rateLimited, points: 0 };
  }
  const points = query.dryRun ? 0 : query.cost.cost;
  // The answer's `rateLimit` reports the state after this query's own charge, as GitHub's does.
  const after = {
    ...before,
    used: before.used + points,
    remaining: Math.max(0, before.remaining - points),
  };
  const result = executeQuery(schema, query, {
    dataset: deps.dataset,
    visibleOrg: org,
    renamedRepoId: (owner, name) => deps.redirects.find(owner, name),
    dryRun: query.dryRun,
    rateLimit: {
      cost: query.cost.cost,
      nodeCount: query.cost.nodeCount,
      limit: after.limit,
      used: after.used,
      remaining: after.remaining,
      resetAt: toIsoSeconds(after.resetUnixSeconds * 1000),
    },
  });
  return { status: 200, body: result, points };
}
