import type { GitHubErrorDecision } from './github-error-decision.js';

/**
 * GitHub answered, but not with what the endpoint promises: a body that is not JSON, JSON
 * of the wrong shape, or a status the call cannot use. Permanent: the same request would get
 * the same answer, so the caller records the resource as missing instead of retrying.
 */
export class GitHubResponseError extends Error {
  readonly retryable = false;

  constructor(
    /** `GET` */
    readonly method: string,
    /** The endpoint template, `/repos/{owner}/{repo}/commits`. */
    readonly endpoint: string,
    readonly status: number,
    /** What was wrong, e.g. the JSON parser's or the decoder's message. */
    readonly reason: string,
    options?: ErrorOptions,
  ) {
    super(`${method} ${endpoint} answered ${status} with an unusable body: ${reason}`, options);
    this.name = 'GitHubResponseError';
  }
}

/** No HTTP response arrived: connection refused or reset, DNS, timeout, a body cut short. */
export class GitHubNetworkError extends Error {
  constructor(
    readonly method: string,
    readonly endpoint: string,
    options: ErrorOptions & { cause: unknown },
  ) {
    const cause = options.cause instanceof Error ? options.cause.message : String(options.cause);
    super(`${method} ${endpoint} got no response: ${cause}`, options);
    this.name = 'GitHubNetworkError';
  }
}

/**
 * A request gave up: its error was permanent, or it was still failing after
 * `retry.max_attempts`. `retryable` says whether trying again later may succeed (a backfill
 * job) or not (record the reason, dead-letter the job).
 */
export class GitHubRequestError extends Error {
  readonly retryable: boolean;

  constructor(
    readonly method: string,
    readonly endpoint: string,
    /** The last HTTP status, `undefined` when the last attempt got no response. */
    readonly status: number | undefined,
    readonly attempts: number,
    /** How `classifyGitHubError` judged the last failure. */
    readonly decision: GitHubErrorDecision,
    options: ErrorOptions & { cause: unknown },
  ) {
    const what = status === undefined ? 'no response' : `status ${status}`;
    const tries = attempts === 1 ? '1 attempt' : `${attempts} attempts`;
    super(`${method} ${endpoint} failed with ${what} after ${tries}: ${decision.reason}`, options);
    this.name = 'GitHubRequestError';
    this.retryable = decision.kind !== 'permanent';
  }
}

/** Why a server cannot answer a GraphQL query the fleet needs. */
export type GraphqlUnsupportedReason =
  /** `POST /graphql` answered `404`: no GraphQL endpoint there (a proxy, a stripped-down server). */
  | 'graphql_not_found'
  /** The query was refused before it ran: the server's schema or query limits do not take it. */
  | 'schema_unsupported';

/**
 * The server cannot run a query the fleet sends (GitHub Enterprise Server of another
 * version, a simulator): sending it again cannot help, but the caller may read the same
 * facts another way (REST), so this is neither retried nor a reason to give up.
 */
export class GitHubGraphqlUnsupportedError extends Error {
  readonly retryable = false;

  constructor(
    /** `/graphql RepoChanges` */
    readonly operation: string,
    readonly reason: GraphqlUnsupportedReason,
    /** What the server said, e.g. its GraphQL error messages. */
    readonly detail: string,
    options?: ErrorOptions,
  ) {
    super(`POST ${operation} is not supported by the server (${reason}): ${detail}`, options);
    this.name = 'GitHubGraphqlUnsupportedError';
  }
}
