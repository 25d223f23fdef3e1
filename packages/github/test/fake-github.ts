import { generateKeyPairSync } from 'node:crypto';

import {
  createGitHubClient,
  type GitHubClientOptions,
  type GitHubRequestReport,
} from '../src/index.js';
import {
  createMemoryEtagCache,
  createMemorySemaphore,
  createRecordingLogger,
} from './client-fakes.js';

export const FAKE_BASE_URL = 'https://github.test/api/v3';
export const FAKE_START_MS = Date.parse('2026-11-28T13:00:00Z');
/** The route the executor's tests read, and acme/web for it. */
export const REPO_ROUTE = 'GET /repos/{owner}/{repo}';
export const REPO_PARAMS = { owner: 'acme', repo: 'web' };
/** `x-ratelimit-reset` of the answers {@link restLimits} builds: ten minutes after the start. */
export const FAKE_RESET_UNIX_SECONDS = FAKE_START_MS / 1000 + 600;
/** REST's rate-limit headers: `remaining` of 5,000 left until {@link FAKE_RESET_UNIX_SECONDS}. */
export const restLimits = (remaining: number): Record<string, string> => ({
  'x-ratelimit-limit': '5000',
  'x-ratelimit-remaining': String(remaining),
  'x-ratelimit-reset': String(FAKE_RESET_UNIX_SECONDS),
});
const TOKEN_ROUTE = 'POST /api/v3/app/installations/1001/access_tokens';

let privateKeyPem: string | undefined;
/** One RSA key per test file; the fake never checks the JWT, so a quick 1024-bit key does. */
function appPrivateKey(): string {
  privateKeyPem ??= generateKeyPairSync('rsa', {
    modulusLength: 1024,
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  }).privateKey;
  return privateKeyPem;
}

export type Handler = (request: Request) => Response | Promise<Response>;

export const json = (body: unknown, status = 200, headers: Record<string, string> = {}): Response =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
  });

export interface SeenRequest {
  readonly route: string;
  readonly url: string;
  readonly headers: Headers;
}

/**
 * GitHub as a `fetch` function: it mints tokens (`ghs_1`, `ghs_2`, …) unless `mintHandler`
 * says otherwise, and hands every other request to `handler`.
 */
export function fakeGitHub(handler: Handler, mintHandler?: Handler) {
  const seen: SeenRequest[] = [];
  let minted = 0;
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const request = new Request(input, init);
    const route = `${request.method} ${new URL(request.url).pathname}`;
    seen.push({ route, url: request.url, headers: request.headers });
    if (route === TOKEN_ROUTE) {
      if (mintHandler) return mintHandler(request);
      minted += 1;
      return json(
        { token: `ghs_${minted}`, expires_at: new Date(FAKE_START_MS + 3_600_000).toISOString() },
        201,
      );
    }
    return handler(request);
  };
  return {
    fetch,
    seen,
    /** `GET /api/v3/repos/acme/web` of every request except token mints. */
    apiRoutes: () =>
      seen.filter((request) => request.route !== TOKEN_ROUTE).map((request) => request.route),
    minted: () => minted,
  };
}

/**
 * A client of installation 1001 (`acme`) on a fake GitHub, with a clock that only the
 * client's own sleeps move: every wait is recorded in `slept` and costs no time.
 */
export function setupFakeClient(
  handler: Handler,
  overrides: Partial<GitHubClientOptions> & { readonly mintHandler?: Handler } = {},
) {
  const github = fakeGitHub(handler, overrides.mintHandler);
  const etagCache = createMemoryEtagCache();
  const reports: GitHubRequestReport[] = [];
  const slept: number[] = [];
  const clock = { nowMs: FAKE_START_MS };
  const logger = createRecordingLogger();
  const client = createGitHubClient({
    org: 'acme',
    baseUrl: `${FAKE_BASE_URL}/`,
    appId: 101,
    installationId: 1001,
    privateKeyPem: appPrivateKey(),
    requestTimeoutMs: 5000,
    userAgent: 'gse-unit-test',
    rateLimit: { minRemaining: 0, minResetBufferMs: 1000, secondaryLimitBackoffMs: 60_000 },
    retry: { maxAttempts: 3, initialBackoffMs: 100, maxBackoffMs: 1000, jitter: false },
    etagCache,
    semaphore: createMemorySemaphore(4),
    onRequest: (report) => reports.push(report),
    logger,
    signal: new AbortController().signal,
    now: () => clock.nowMs,
    sleep: (ms) => {
      slept.push(ms);
      clock.nowMs += ms;
      return Promise.resolve();
    },
    fetch: github.fetch,
    ...overrides,
  });
  return { client, github, etagCache, reports, slept, logger, clock };
}
