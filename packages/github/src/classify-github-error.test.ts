import { describe, expect, it } from 'vitest';

import { classifyGitHubError } from './classify-github-error.js';
import { GitHubNetworkError, GitHubResponseError } from './github-errors.js';

const nowMs = Date.parse('2026-11-28T13:00:00Z');
const resetUnixSeconds = nowMs / 1000 + 600;

/** The shape of octokit's `RequestError`: status, message and the response it got. */
class HttpError extends Error {
  readonly response: { status: number; headers: Record<string, string>; data: unknown } | undefined;

  constructor(
    readonly status: number,
    headers: Record<string, string> | undefined,
    data: unknown = { message: 'failed' },
  ) {
    const message =
      typeof data === 'object' && data !== null && 'message' in data
        ? String(data.message)
        : 'failed';
    super(message);
    this.name = 'HttpError';
    this.response = headers === undefined ? undefined : { status, headers, data };
  }
}

const SECONDARY_MESSAGE =
  'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.';
const classify = (error: unknown) => classifyGitHubError(error, nowMs);

describe('classifyGitHubError', () => {
  it('gives up on a malformed body, naming the endpoint', () => {
    const error = new GitHubResponseError('GET', '/repos/{owner}/{repo}/commits', 200, 'not JSON');
    expect(classify(error)).toEqual({
      kind: 'permanent',
      reason: 'malformed response from GET /repos/{owner}/{repo}/commits: not JSON',
    });
  });

  it('retries when no response arrived', () => {
    const network = { kind: 'retry', reason: 'network error', retryAfterMs: undefined };
    expect(
      classify(new GitHubNetworkError('GET', '/x', { cause: new Error('ECONNRESET') })),
    ).toEqual(network);
    // octokit reports fetch failures and timeouts as status 500 without a response
    expect(classify(new HttpError(500, undefined))).toEqual(network);
  });

  it('renews the token on 401', () => {
    expect(classify(new HttpError(401, {}, { message: 'Bad credentials' }))).toEqual({
      kind: 'renew-token',
      reason: 'installation token refused (401)',
    });
  });

  it('waits out a primary exhaustion until the reset', () => {
    for (const status of [403, 429]) {
      const headers = {
        'x-ratelimit-remaining': '0',
        'x-ratelimit-reset': String(resetUnixSeconds),
      };
      expect(
        classify(
          new HttpError(status, headers, {
            message: 'API rate limit exceeded for installation ID 1001.',
          }),
        ),
      ).toEqual({
        kind: 'wait-primary',
        reason: `primary rate limit exhausted (${status})`,
        resetAtMs: nowMs + 600_000,
      });
    }
    expect(classify(new HttpError(403, { 'x-ratelimit-remaining': '0' }))).toEqual({
      kind: 'wait-primary',
      reason: 'primary rate limit exhausted (403)',
      resetAtMs: undefined,
    });
  });

  it('waits out a secondary limit, with or without retry-after', () => {
    expect(
      classify(new HttpError(403, { 'retry-after': '60' }, { message: SECONDARY_MESSAGE })),
    ).toEqual({
      kind: 'wait-secondary',
      reason: 'secondary rate limit (403)',
      retryAfterMs: 60_000,
    });
    expect(classify(new HttpError(429, {}, { message: SECONDARY_MESSAGE }))).toEqual({
      kind: 'wait-secondary',
      reason: 'secondary rate limit (429)',
      retryAfterMs: undefined,
    });
    expect(
      classify(
        new HttpError(403, {}, { message: 'You have triggered an abuse detection mechanism.' }),
      ),
    ).toEqual({
      kind: 'wait-secondary',
      reason: 'secondary rate limit (403)',
      retryAfterMs: undefined,
    });
    // The message wins over remaining: 0, and a retry-after alone also marks a secondary limit.
    expect(
      classify(
        new HttpError(
          403,
          { 'x-ratelimit-remaining': '0', 'retry-after': '5' },
          { message: SECONDARY_MESSAGE },
        ),
      ),
    ).toEqual({ kind: 'wait-secondary', reason: 'secondary rate limit (403)', retryAfterMs: 5000 });
    expect(
      classify(new HttpError(403, { 'retry-after': 'Sat, 28 Nov 2026 13:02:00 GMT' })),
    ).toEqual({
      kind: 'wait-secondary',
      reason: 'rate limited with retry-after (403)',
      retryAfterMs: 120_000,
    });
  });

  it('retries a plain 429 and 5xx, honouring retry-after', () => {
    expect(classify(new HttpError(429, {}))).toEqual({
      kind: 'retry',
      reason: 'too many requests (429)',
      retryAfterMs: undefined,
    });
    for (const status of [500, 502, 503, 504]) {
      expect(classify(new HttpError(status, {}))).toEqual({
        kind: 'retry',
        reason: `server error (${status})`,
        retryAfterMs: undefined,
      });
    }
    expect(classify(new HttpError(503, { 'retry-after': '3' }))).toEqual({
      kind: 'retry',
      reason: 'server error (503)',
      retryAfterMs: 3000,
    });
  });

  it('gives up on 404, 409, 410, 422 and other client errors', () => {
    expect(classify(new HttpError(404, {}, { message: 'Not Found' }))).toEqual({
      kind: 'permanent',
      reason: 'not found (404): Not Found',
    });
    expect(classify(new HttpError(409, {}, { message: 'Git Repository is empty.' }))).toEqual({
      kind: 'permanent',
      reason: 'conflict (409): Git Repository is empty.',
    });
    expect(classify(new HttpError(410, {}, { message: 'Issues are disabled' }))).toEqual({
      kind: 'permanent',
      reason: 'gone (410): Issues are disabled',
    });
    expect(classify(new HttpError(422, {}, { message: 'Validation Failed' }))).toEqual({
      kind: 'permanent',
      reason: 'unprocessable (422): Validation Failed',
    });
    expect(
      classify(
        new HttpError(
          403,
          { 'x-ratelimit-remaining': '4000' },
          { message: 'Resource not accessible by integration' },
        ),
      ),
    ).toEqual({
      kind: 'permanent',
      reason: 'forbidden (403): Resource not accessible by integration',
    });
    expect(classify(new HttpError(400, {}, { message: 'Bad request' }))).toEqual({
      kind: 'permanent',
      reason: 'client error (400): Bad request',
    });
  });

  it('gives up on what is not a GitHub failure', () => {
    expect(classify(new TypeError('x is not a function'))).toEqual({
      kind: 'permanent',
      reason: 'unexpected error: TypeError: x is not a function',
    });
    expect(classify('boom')).toEqual({ kind: 'permanent', reason: 'unexpected error: boom' });
    expect(classify(new HttpError(302, {}))).toEqual({
      kind: 'permanent',
      reason: 'unexpected status 302',
    });
  });
});
