import { describe, expect, it } from 'vitest';

import { FAKE_START_MS, json, setupFakeClient as setup } from '../test/fake-github.js';
import {
  GitHubGraphqlUnsupportedError,
  GitHubRequestError,
  GitHubResponseError,
} from './github-errors.js';

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

  it('holds the GraphQL gate for secondary_limit_backoff on a secondary limit answered 200', async () => {
    let answered = 0;
    const { client, slept } = setup(() =>
      answered++ === 0
        ? json(
            {
              errors: [
                {
                  message:
                    'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
                },
              ],
            },
            200,
            graphqlHeaders(4000),
          )
        : json({ data: { viewer: { login: 'octo' } } }, 200, graphqlHeaders(3999)),
    );
    expect(await client.graphql(QUERY, {}, decodeLogin)).toBe('octo');
    expect(slept).toEqual([60_000]);
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
  // GitHub's wording when a query outlasts its time (docs/github-limitations.md).
  const TIMEOUT = {
    data: null,
    errors: [
      {
        message:
          'Something went wrong while executing your query. This may be the result of a timeout, or it could be a GitHub bug.',
      },
    ],
  };

  it('sends a query GitHub failed to run again after the backoff, as a 5xx', async () => {
    let answered = 0;
    const { client, slept, github } = setup(() =>
      answered++ < 2
        ? json(TIMEOUT, 200, graphqlHeaders(4999))
        : json({ data: { viewer: { login: 'octo' } } }, 200, graphqlHeaders(4998)),
    );
    expect(await client.graphql(QUERY, {}, decodeLogin)).toBe('octo');
    expect(slept).toEqual([100, 200]);
    expect(github.apiRoutes()).toHaveLength(3);
  });

  it('gives up on a query GitHub keeps failing to run with a retryable error', async () => {
    const { client } = setup(() =>
      json(
        { data: { viewer: null }, errors: [{ type: 'INTERNAL', path: ['viewer'], message: 'x' }] },
        200,
        graphqlHeaders(4999),
      ),
    );
    const failure = await client.graphql(QUERY, {}, decodeLogin).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(GitHubRequestError);
    expect((failure as GitHubRequestError).message).toBe(
      'POST /graphql Viewer failed with status 200 after 3 attempts: GraphQL errors: viewer: x',
    );
    expect((failure as GitHubRequestError).retryable).toBe(true);
  });

  it.each([
    [
      'a field the schema lacks (graphql-ruby)',
      {
        errors: [
          {
            path: ['query', 'viewer', 'login'],
            extensions: { code: 'undefinedField', typeName: 'User', fieldName: 'login' },
            locations: [{ line: 1, column: 24 }],
            message: "Field 'login' doesn't exist on type 'User'",
          },
        ],
      },
      "GraphQL errors: query.viewer.login: Field 'login' doesn't exist on type 'User'",
    ],
    [
      'a validation error without a code (graphql-js)',
      {
        errors: [
          {
            message: 'Cannot query field "login" on type "User".',
            locations: [{ line: 1, column: 24 }],
          },
        ],
      },
      'GraphQL errors: Cannot query field "login" on type "User".',
    ],
    [
      "the simulator's SIMULATOR_UNIMPLEMENTED",
      { errors: [{ type: 'SIMULATOR_UNIMPLEMENTED', message: 'User.login is not implemented' }] },
      'GraphQL errors: User.login is not implemented',
    ],
  ])('refuses for good, once, a query the schema does not take: %s', async (_, body, detail) => {
    const { client, github } = setup(() => json(body, 200, graphqlHeaders(5000)));
    const failure = await client.graphql(QUERY, {}, decodeLogin).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(GitHubGraphqlUnsupportedError);
    expect(failure).toMatchObject({ reason: 'schema_unsupported', detail, retryable: false });
    expect(github.apiRoutes()).toEqual(['POST /api/graphql']);
  });

  it('says the endpoint is missing when /graphql answers 404', async () => {
    const { client, github } = setup(() =>
      json({ message: 'Not Found', documentation_url: 'https://docs.github.com/graphql' }, 404),
    );
    const failure = await client.graphql(QUERY, {}, decodeLogin).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(GitHubGraphqlUnsupportedError);
    expect(failure).toMatchObject({ reason: 'graphql_not_found', operation: '/graphql Viewer' });
    expect(github.apiRoutes()).toEqual(['POST /api/graphql']);
  });

  it('fails for good when the installation may not read what the query asks', async () => {
    const { client, github } = setup(() =>
      json({
        data: { viewer: null },
        errors: [
          {
            type: 'FORBIDDEN',
            path: ['viewer'],
            extensions: { saml_failure: false },
            message: 'Resource not accessible by integration',
          },
        ],
      }),
    );
    await expect(client.graphql(QUERY, {}, decodeLogin)).rejects.toThrow(
      new GitHubResponseError(
        'POST',
        '/graphql Viewer',
        200,
        'GraphQL errors: viewer: Resource not accessible by integration',
      ),
    );
    expect(github.apiRoutes()).toEqual(['POST /api/graphql']);
  });
});
