import type { GitHubErrorDecision } from './github-error-decision.js';
import { GitHubNetworkError, GitHubResponseError } from './github-errors.js';
import { parseRetryAfter } from './retry-after.js';

/**
 * The one place that decides whether a failed GitHub request is retried, waited out, or
 * given up. Rows are checked top to bottom; the first match wins.
 *
 * | failure | decision | why |
 * | --- | --- | --- |
 * | `GitHubResponseError` (body not JSON, wrong shape, unusable status) | `permanent`, naming the endpoint | the same request gets the same body |
 * | no response: refused, reset, DNS, timeout, body cut short (`GitHubNetworkError`, or octokit's status-less `RequestError`) | `retry` | transient by nature |
 * | 401 | `renew-token` | the token expired or was rotated early; a second 401 after renewing is `permanent` (the executor keeps count) |
 * | 403/429 whose message says "secondary rate limit" or "abuse detection" | `wait-secondary` (≥ `retry-after`) | GitHub's wording for secondary limits |
 * | 403/429 with `x-ratelimit-remaining: 0` | `wait-primary` until `x-ratelimit-reset` + `min_reset_buffer` | primary exhaustion; sending earlier only earns more 403s |
 * | 403/429 with a `retry-after` header | `wait-secondary` (≥ `retry-after`) | GitHub only sends `retry-after` on rate limiting |
 * | 429, other | `retry` (≥ `retry-after` when sent) | rate limited without detail |
 * | 5xx | `retry` (≥ `retry-after` when sent) | GitHub's 502/503 come and go |
 * | 404, 409 (empty repo), 410, 422, other 4xx (403 without the marks above: no permission) | `permanent` | the request itself is wrong |
 * | anything else (a non-HTTP error, an unexpected status) | `permanent` | a bug to surface, not to retry |
 *
 * `retry-after` is read in seconds or as an HTTP-date. A shutdown's abort is not a GitHub
 * failure and never reaches this function: the caller checks its `AbortSignal` first.
 *
 * @param nowMs the current time, to turn an HTTP-date `retry-after` into a delay.
 */
export function classifyGitHubError(error: unknown, nowMs: number): GitHubErrorDecision {
  if (error instanceof GitHubResponseError) {
    return {
      kind: 'permanent',
      reason: `malformed response from ${error.method} ${error.endpoint}: ${error.reason}`,
    };
  }
  if (error instanceof GitHubNetworkError) {
    return { kind: 'retry', reason: 'network error', retryAfterMs: undefined };
  }
  const failure = toHttpFailure(error);
  if (failure === undefined) {
    return { kind: 'permanent', reason: `unexpected error: ${describe(error)}` };
  }
  if (failure.response === undefined) {
    return { kind: 'retry', reason: 'network error', retryAfterMs: undefined };
  }
  const { status } = failure;
  const headers = failure.response.headers;
  const retryAfterMs = parseRetryAfter(headers['retry-after'], nowMs);
  if (status === 401) return { kind: 'renew-token', reason: 'installation token refused (401)' };
  if (status === 403 || status === 429) {
    if (/secondary rate limit|abuse detection/i.test(messageOf(failure))) {
      return { kind: 'wait-secondary', reason: `secondary rate limit (${status})`, retryAfterMs };
    }
    if (headers['x-ratelimit-remaining'] === '0') {
      const resetSeconds = Number(headers['x-ratelimit-reset']);
      const resetAtMs =
        headers['x-ratelimit-reset'] !== undefined && Number.isFinite(resetSeconds)
          ? resetSeconds * 1000
          : undefined;
      return {
        kind: 'wait-primary',
        reason: `primary rate limit exhausted (${status})`,
        resetAtMs,
      };
    }
    if (retryAfterMs !== undefined) {
      return {
        kind: 'wait-secondary',
        reason: `rate limited with retry-after (${status})`,
        retryAfterMs,
      };
    }
    if (status === 429) return { kind: 'retry', reason: 'too many requests (429)', retryAfterMs };
  }
  if (status >= 500 && status <= 599) {
    return { kind: 'retry', reason: `server error (${status})`, retryAfterMs };
  }
  if (status >= 400 && status <= 499) {
    return {
      kind: 'permanent',
      reason: `${statusPhrase(status)} (${status}): ${messageOf(failure)}`,
    };
  }
  return { kind: 'permanent', reason: `unexpected status ${status}` };
}

/** The parts of octokit's `RequestError` the table reads; duck-typed, so tests need no octokit. */
interface HttpFailure {
  readonly status: number;
  readonly message: string;
  readonly response:
    | { readonly headers: Readonly<Record<string, string | undefined>>; readonly data: unknown }
    | undefined;
}

function toHttpFailure(error: unknown): HttpFailure | undefined {
  if (!(error instanceof Error) || !('status' in error) || typeof error.status !== 'number') {
    return undefined;
  }
  const response = 'response' in error ? error.response : undefined;
  if (typeof response !== 'object' || response === null) {
    return { status: error.status, message: error.message, response: undefined };
  }
  const rawHeaders = 'headers' in response ? response.headers : undefined;
  const headers: Record<string, string> = {};
  if (typeof rawHeaders === 'object' && rawHeaders !== null) {
    for (const [name, value] of Object.entries(rawHeaders)) {
      if (value !== undefined && value !== null) headers[name.toLowerCase()] = String(value);
    }
  }
  return {
    status: error.status,
    message: error.message,
    response: { headers, data: 'data' in response ? response.data : undefined },
  };
}

function messageOf(failure: HttpFailure): string {
  const data = failure.response?.data;
  if (
    typeof data === 'object' &&
    data !== null &&
    'message' in data &&
    typeof data.message === 'string'
  ) {
    return data.message;
  }
  return failure.message;
}

function statusPhrase(status: number): string {
  switch (status) {
    case 404:
      return 'not found';
    case 409:
      return 'conflict';
    case 410:
      return 'gone';
    case 422:
      return 'unprocessable';
    case 403:
      return 'forbidden';
    default:
      return 'client error';
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
