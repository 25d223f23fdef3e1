import { describe, expect, it } from 'vitest';

import { FAKE_START_MS, json, setupFakeClient as setup } from '../test/fake-github.js';
import { GitHubRequestError, GitHubResponseError } from './github-errors.js';

const QUERY = 'query Viewer { viewer { login } }';
const decodeLogin = (data: unknown): string => {
  const login = (data as { viewer?: { login?: unknown } }).viewer?.login;
  if (typeof login !== 'string') throw new TypeError('viewer.login: expected a string');
  return login;
};
const resetSeconds = FAKE_START_MS / 1000 + 3600;
const graphqlHeaders = (remaining: number): Record<string, string> => ({
  'x-ratelimit-limit': '5000',
  'x-ratelimit-remaining': String(remaining),
  'x-ratelimit-reset': String(resetSeconds),
  'x-ratelimit-resource': 'graphql',
});

describe('GitHub client: GraphQL', () => {
  it('POSTs the query and variables to the GraphQL endpoint of the REST base URL', async () => {
    const bodies: unknown[] = [];
    const { client, github, reports } = setup(async (request) => {
      bodies.push(await request.json());
      return json({ data: { viewer: { login: 'octo' } } }, 200, graphqlHeaders(4998));
    });
    expect(await client.graphql(QUERY, { a: 1 }, decodeLogin)).toBe('octo');
    expect(github.apiRoutes()).toEqual(['POST /api/graphql']);
    expect(github.seen.at(-1)?.headers.get('authorization')).toBe('token ghs_1');
    expect(bodies).toEqual([{ query: QUERY, variables: { a: 1 } }]);
    expect(reports.at(-1)).toMatchObject({
      endpoint: 'POST /graphql',
      status: 200,
      counted: true,
      rateLimitRemaining: 4998,
    });
  });

  it('keeps its own gate: a spent GraphQL budget holds no REST request', async () => {
    const { client, slept } = setup((request) =>
      new URL(request.url).pathname === '/api/graphql'
        ? json({ data: { viewer: { login: 'octo' } } }, 200, graphqlHeaders(0))
        : json({ name: 'web' }, 200, {
            'x-ratelimit-limit': '5000',
            'x-ratelimit-remaining': '4000',
            'x-ratelimit-reset': String(resetSeconds),
            'x-ratelimit-resource': 'core',
          }),
    );
    await client.graphql(QUERY, {}, decodeLogin);
    await client.getJson('GET /repos/{owner}/{repo}', { owner: 'acme', repo: 'web' });
    expect(slept).toEqual([]);
    // The next GraphQL query waits for GraphQL's reset (plus the 1 s buffer).
    await client.graphql(QUERY, {}, decodeLogin);
    expect(slept).toEqual([3_601_000]);
  });

  it('holds the GraphQL gate on RATE_LIMITED until the reset, then sends again', async () => {
    let answered = 0;
    const { client, slept, github } = setup(() =>
      answered++ === 0
        ? json(
            {
              errors: [
                {
                  type: 'RATE_LIMITED',
                  message: 'API rate limit exceeded for installation ID 1001.',
                },
              ],
            },
            200,
            graphqlHeaders(0),
          )
        : json({ data: { viewer: { login: 'octo' } } }, 200, graphqlHeaders(4999)),
    );
    expect(await client.graphql(QUERY, {}, decodeLogin)).toBe('octo');
    expect(slept).toEqual([3_601_000]);
    expect(github.apiRoutes()).toEqual(['POST /api/graphql', 'POST /api/graphql']);
  });

  it('gives up on RATE_LIMITED after retry.maxAttempts with a retryable error', async () => {
    const { client, slept } = setup(() =>
      json({ errors: [{ type: 'RATE_LIMITED', message: 'slow down' }] }, 200, {}),
    );
    const failure = await client.graphql(QUERY, {}, decodeLogin).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(GitHubRequestError);
    expect((failure as GitHubRequestError).message).toBe(
      'POST /graphql Viewer failed with status 200 after 3 attempts: slow down',
    );
    expect((failure as GitHubRequestError).retryable).toBe(true);
    // Without a dated reset, each hold is `secondary_limit_backoff`.
    expect(slept).toEqual([60_000, 60_000]);
  });

  it('fails on other errors, naming the query and GitHub’s message', async () => {
    const { client } = setup(() =>
      json({
        data: { organization: null },
        errors: [
          {
            type: 'NOT_FOUND',
            path: ['organization'],
            message: "Could not resolve to an Organization with the login of 'nope'.",
          },
        ],
      }),
    );
    const failure = client.graphql(QUERY, {}, decodeLogin);
    await expect(failure).rejects.toThrow(GitHubResponseError);
    await expect(failure).rejects.toThrow(
      "POST /graphql Viewer answered 200 with an unusable body: GraphQL errors: organization: Could not resolve to an Organization with the login of 'nope'.",
    );
  });

  it('fails on data of the wrong shape with the decoder’s message', async () => {
    const { client } = setup(() => json({ data: { viewer: {} } }));
    await expect(client.graphql(QUERY, {}, decodeLogin)).rejects.toThrow(
      'POST /graphql Viewer answered 200 with an unusable body: viewer.login: expected a string',
    );
  });
});
