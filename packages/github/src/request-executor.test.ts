import { waitFor } from '@gse/testing';
import { describe, expect, it } from 'vitest';

import { createMemorySemaphore } from '../test/client-fakes.js';
import {
  FAKE_RESET_UNIX_SECONDS,
  json,
  REPO_PARAMS,
  REPO_ROUTE,
  restLimits,
  setupFakeClient as setup,
} from '../test/fake-github.js';
import { abortableSleep } from './abortable-sleep.js';
import { GitHubRequestError } from './github-errors.js';

/** Answers with `responses` in turn, then with 200. */
function inTurn(...responses: (() => Response)[]) {
  let next = 0;
  return (): Response => responses[next++]?.() ?? json({ name: 'web' }, 200, restLimits(4000));
}

const failure = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );

describe('request executor', () => {
  it('retries 5xx with exponential backoff, then succeeds, reporting every attempt', async () => {
    const { client, slept, reports } = setup(
      inTurn(
        () => json({ message: 'Server Error' }, 502, restLimits(4002)),
        () => json({ message: 'Server Error' }, 503, restLimits(4001)),
      ),
    );
    expect(await client.getJson(REPO_ROUTE, REPO_PARAMS)).toMatchObject({
      status: 200,
      data: { name: 'web' },
    });
    expect(slept).toEqual([100, 200]);
    expect(reports.map((report) => ({ ...report, durationMs: 0 }))).toEqual([
      {
        org: 'acme',
        installationId: 1001,
        endpoint: 'POST /app/installations/{installation_id}/access_tokens',
        status: 201,
        counted: true,
        notModified: false,
        rateLimitRemaining: undefined,
        rateLimitLimit: undefined,
        rateLimitResetUnixSeconds: undefined,
        durationMs: 0,
        attempt: 1,
      },
      ...[
        [502, 4002, 1],
        [503, 4001, 2],
        [200, 4000, 3],
      ].map(([status, remaining, attempt]) => ({
        org: 'acme',
        installationId: 1001,
        endpoint: 'GET /repos/{owner}/{repo}',
        status,
        counted: true,
        notModified: false,
        rateLimitRemaining: remaining,
        rateLimitLimit: 5000,
        rateLimitResetUnixSeconds: FAKE_RESET_UNIX_SECONDS,
        durationMs: 0,
        attempt,
      })),
    ]);
  });

  it('gives up after retry.max_attempts with a retryable error', async () => {
    const { client, slept, github } = setup(() => json({ message: 'Server Error' }, 500));
    const error = await failure(client.getJson(REPO_ROUTE, REPO_PARAMS));
    expect(error).toBeInstanceOf(GitHubRequestError);
    expect(error).toMatchObject({
      status: 500,
      attempts: 3,
      retryable: true,
      endpoint: '/repos/{owner}/{repo}',
    });
    expect((error as Error).message).toBe(
      'GET /repos/{owner}/{repo} failed with status 500 after 3 attempts: server error (500)',
    );
    expect(slept).toEqual([100, 200]);
    expect(github.apiRoutes()).toHaveLength(3);
  });

  it('waits for retry-after when it is longer than the backoff', async () => {
    const { client, slept } = setup(
      inTurn(() => json({ message: 'unavailable' }, 503, { 'retry-after': '2' })),
    );
    await client.getJson(REPO_ROUTE, REPO_PARAMS);
    expect(slept).toEqual([2000]);
  });

  it('does not retry a permanent error', async () => {
    const { client, slept, github } = setup(() => json({ message: 'Not Found' }, 404));
    const error = await failure(client.getJson(REPO_ROUTE, REPO_PARAMS));
    expect(error).toMatchObject({ status: 404, attempts: 1, retryable: false });
    expect((error as Error).message).toBe(
      'GET /repos/{owner}/{repo} failed with status 404 after 1 attempt: not found (404): Not Found',
    );
    expect(slept).toEqual([]);
    expect(github.apiRoutes()).toHaveLength(1);
  });

  it('renews a refused token once and sends again with the new one', async () => {
    const { client, github } = setup((request) =>
      request.headers.get('authorization') === 'token ghs_1'
        ? json({ message: 'Bad credentials' }, 401)
        : json({ name: 'web' }),
    );
    expect(await client.getJson(REPO_ROUTE, REPO_PARAMS)).toMatchObject({ status: 200 });
    expect(github.minted()).toBe(2);
    expect(
      github.seen
        .filter((request) => request.route.startsWith('GET'))
        .map((request) => request.headers.get('authorization')),
    ).toEqual(['token ghs_1', 'token ghs_2']);
  });

  it('gives up when the renewed token is refused too', async () => {
    const { client, github } = setup(() => json({ message: 'Bad credentials' }, 401));
    const error = await failure(client.getJson(REPO_ROUTE, REPO_PARAMS));
    expect((error as Error).message).toBe(
      'GET /repos/{owner}/{repo} failed with status 401 after 1 attempt: installation token refused (401), also after renewing it',
    );
    expect(error).toMatchObject({ retryable: false });
    expect(github.minted()).toBe(2);
  });

  it('waits at least secondary_limit_backoff, and longer when retry-after says so', async () => {
    const secondary = (retryAfter: string) => () =>
      json({ message: 'You have exceeded a secondary rate limit.' }, 403, {
        'retry-after': retryAfter,
      });
    const short = setup(inTurn(secondary('5')));
    await short.client.getJson(REPO_ROUTE, REPO_PARAMS);
    expect(short.slept).toEqual([60_000]);
    const long = setup(inTurn(secondary('120')));
    await long.client.getJson(REPO_ROUTE, REPO_PARAMS);
    expect(long.slept).toEqual([120_000]);
    expect(long.logger.lines.filter((line) => line.level === 'warn')).toEqual([
      {
        level: 'warn',
        message: 'holding GitHub requests for the rate limit',
        context: { org: 'acme', installationId: 1001, hold: 'secondary', waitMs: 120_000 },
      },
    ]);
  });

  it('waits until reset + buffer after a primary exhaustion, then completes', async () => {
    const { client, slept, clock } = setup(
      inTurn(() => json({ message: 'API rate limit exceeded' }, 403, restLimits(0))),
    );
    clock.nowMs += 1000;
    expect(await client.getJson(REPO_ROUTE, REPO_PARAMS)).toMatchObject({ status: 200 });
    expect(slept).toEqual([600_000 - 1000 + 1000]);
    expect(clock.nowMs).toBe(FAKE_RESET_UNIX_SECONDS * 1000 + 1000);
  });

  it('sends no request that queued for a slot while the budget ran out', async () => {
    const statuses: number[] = [];
    const fake = setup(
      () => {
        // GitHub's window: the budget is spent until the reset.
        const exhausted = fake.clock.nowMs < FAKE_RESET_UNIX_SECONDS * 1000;
        statuses.push(exhausted ? 403 : 200);
        return exhausted
          ? json({ message: 'API rate limit exceeded' }, 403, restLimits(0))
          : json({ name: 'web' }, 200, restLimits(4999));
      },
      { semaphore: createMemorySemaphore(1) },
    );
    const answers = await Promise.all([
      fake.client.getJson(REPO_ROUTE, REPO_PARAMS),
      fake.client.getJson(REPO_ROUTE, REPO_PARAMS),
    ]);
    expect(answers.map((answer) => answer.status)).toEqual([200, 200]);
    expect(statuses).toEqual([403, 200, 200]);
  });

  it('sends nothing while remaining is under min_remaining_threshold until the reset', async () => {
    const { client, slept, github } = setup(() => json({ name: 'web' }, 200, restLimits(9)), {
      rateLimit: { minRemaining: 10, minResetBufferMs: 1000, secondaryLimitBackoffMs: 60_000 },
    });
    await client.getJson(REPO_ROUTE, REPO_PARAMS);
    expect(slept).toEqual([]);
    await client.getJson(REPO_ROUTE, REPO_PARAMS);
    expect(slept).toEqual([601_000]);
    expect(github.apiRoutes()).toHaveLength(2);
  });

  it('fails at once, retryable and sending nothing, on a primary hold when told to fail instead of waiting', async () => {
    const { client, slept, github } = setup(() => json({ name: 'web' }, 200, restLimits(1249)), {
      rateLimit: {
        minRemaining: 0,
        minResetBufferMs: 1000,
        secondaryLimitBackoffMs: 60_000,
        reservedShare: 0.25,
        onPrimaryHold: 'fail',
      },
    });
    await client.getJson(REPO_ROUTE, REPO_PARAMS);
    const error = await failure(client.getJson(REPO_ROUTE, REPO_PARAMS));
    expect(error).toBeInstanceOf(GitHubRequestError);
    expect(error).toMatchObject({
      retryable: true,
      attempts: 0,
      decision: { kind: 'wait-primary', resetAtMs: FAKE_RESET_UNIX_SECONDS * 1000 + 1000 },
    });
    expect(slept).toEqual([]);
    expect(github.apiRoutes()).toHaveLength(1);
  });

  it('ignores the anonymous rate limit a refused token is answered with', async () => {
    const anonymousLimits = {
      'x-ratelimit-limit': '60',
      'x-ratelimit-remaining': '59',
      'x-ratelimit-reset': String(FAKE_RESET_UNIX_SECONDS + 3600),
    };
    const { client, slept } = setup(
      (request) =>
        request.headers.get('authorization') === 'token ghs_1'
          ? json({ message: 'Bad credentials' }, 401, anonymousLimits)
          : json({ name: 'web' }, 200, restLimits(4000)),
      { rateLimit: { minRemaining: 200, minResetBufferMs: 1000, secondaryLimitBackoffMs: 60_000 } },
    );
    expect(await client.getJson(REPO_ROUTE, REPO_PARAMS)).toMatchObject({ status: 200 });
    expect(await client.getJson(REPO_ROUTE, REPO_PARAMS)).toMatchObject({ status: 200 });
    expect(slept).toEqual([]);
  });

  it('retries a failed token mint and names the token endpoint when it gives up', async () => {
    const { client, slept, github } = setup(() => json({}), {
      mintHandler: () =>
        Promise.reject(new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED') })),
    });
    const error = await failure(client.getJson(REPO_ROUTE, REPO_PARAMS));
    expect((error as Error).message).toBe(
      'POST /app/installations/{installation_id}/access_tokens failed with no response after 3 attempts: network error',
    );
    expect(error).toMatchObject({ retryable: true, status: undefined });
    expect(slept).toEqual([100, 200]);
    expect(github.apiRoutes()).toEqual([]);
  });

  it('gives up at once when GitHub refuses the app credentials', async () => {
    const { client } = setup(() => json({}), {
      mintHandler: () => json({ message: 'A JSON web token could not be decoded' }, 401),
    });
    const error = await failure(client.getJson(REPO_ROUTE, REPO_PARAMS));
    expect((error as Error).message).toBe(
      'POST /app/installations/{installation_id}/access_tokens failed with status 401 after 1 attempt: the app credentials were refused (401)',
    );
  });

  it('times out a request that hangs and retries it as a network error', async () => {
    const hang = (request: Request): Promise<Response> =>
      new Promise((_resolve, reject) => {
        request.signal.addEventListener('abort', () => {
          reject(request.signal.reason as Error);
        });
      });
    const { client, reports } = setup(hang, {
      requestTimeoutMs: 20,
      retry: { maxAttempts: 2, initialBackoffMs: 1, maxBackoffMs: 1, jitter: false },
    });
    const error = await failure(client.getJson(REPO_ROUTE, REPO_PARAMS));
    expect((error as Error).message).toBe(
      'GET /repos/{owner}/{repo} failed with no response after 2 attempts: network error',
    );
    expect(((error as Error).cause as Error).message).toMatch(
      /^GET \/repos\/\{owner\}\/\{repo\} got no response: /,
    );
    expect(
      reports
        .filter((report) => report.endpoint === 'GET /repos/{owner}/{repo}')
        .map((report) => [report.status, report.counted]),
    ).toEqual([
      [undefined, false],
      [undefined, false],
    ]);
  });

  it('stops waiting at shutdown and rejects with the shutdown reason', async () => {
    const shutdown = new AbortController();
    let served = 0;
    const { client } = setup(
      () => {
        served += 1;
        return json({ message: 'Server Error' }, 500);
      },
      {
        signal: shutdown.signal,
        sleep: abortableSleep,
        retry: { maxAttempts: 5, initialBackoffMs: 60_000, maxBackoffMs: 60_000, jitter: false },
      },
    );
    const pending = failure(client.getJson(REPO_ROUTE, REPO_PARAMS));
    await waitFor(() => served === 1, { timeoutMs: 5000, description: 'the first request' });
    const reason = new Error('SIGTERM');
    shutdown.abort(reason);
    expect(await pending).toBe(reason);
    expect(served).toBe(1);
  });
});
