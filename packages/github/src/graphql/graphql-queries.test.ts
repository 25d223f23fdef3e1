import { readdirSync } from 'node:fs';

import { validate } from '@octokit/graphql-schema';
import { describe, expect, it } from 'vitest';

import { toGraphqlEnvelope, toGraphqlUrl, toOperationName } from './graphql-envelope.js';

// Every query the package sends lives in a `*-query.ts` beside this test: a new one is
// validated without touching the test.
const queryFiles = readdirSync(new URL('.', import.meta.url)).filter((file) =>
  file.endsWith('-query.ts'),
);

async function queriesOf(file: string): Promise<[string, string][]> {
  const url = new URL(file, import.meta.url).href;
  const module = (await import(/* @vite-ignore */ url)) as Record<string, unknown>;
  return Object.entries(module).filter(
    (entry): entry is [string, string] =>
      typeof entry[1] === 'string' && /^\s*query\b/.test(entry[1]),
  );
}

describe("the package's GraphQL queries", () => {
  it('are found', async () => {
    const found = (await Promise.all(queryFiles.map(queriesOf))).flat().map(([name]) => name);
    expect(found).toEqual(['ORG_ACTIVITY_QUERY', 'REPO_CHANGES_QUERY']);
  });

  it.each(queryFiles)('%s validates against GitHub’s published schema', async (file) => {
    for (const [, query] of await queriesOf(file)) {
      expect(validate(query).map((error) => error.message)).toEqual([]);
    }
  });
});

describe('toGraphqlEnvelope', () => {
  it('returns the data of a clean answer', () => {
    expect(toGraphqlEnvelope({ data: { a: 1 } })).toEqual({ kind: 'data', data: { a: 1 } });
  });

  it('reads a RATE_LIMITED error as a rate limit, whatever else came with it', () => {
    expect(
      toGraphqlEnvelope({
        data: null,
        errors: [
          { type: 'NOT_FOUND', message: 'x' },
          { type: 'RATE_LIMITED', message: 'API rate limit exceeded for installation ID 7.' },
        ],
      }),
    ).toEqual({ kind: 'rate-limited', message: 'API rate limit exceeded for installation ID 7.' });
  });

  it('refuses for good what the installation may not read, even beside data, naming where', () => {
    expect(
      toGraphqlEnvelope({
        data: { organization: null },
        errors: [
          {
            type: 'NOT_FOUND',
            path: ['organization'],
            message: "Could not resolve to an Organization with the login of 'x'.",
          },
        ],
      }),
    ).toEqual({
      kind: 'refused',
      messages: ["organization: Could not resolve to an Organization with the login of 'x'."],
    });
  });

  it('rejects a body that is no GraphQL answer', () => {
    expect(() => toGraphqlEnvelope([1])).toThrow('expected a GraphQL response { data, errors? }');
    expect(() => toGraphqlEnvelope({})).toThrow('a GraphQL response with neither data nor errors');
  });
});

describe('toOperationName', () => {
  it('names the query', () => {
    expect(toOperationName('query RepoChanges($org: String!) { a }')).toBe('RepoChanges');
    expect(toOperationName('{ viewer { login } }')).toBe('anonymous');
  });
});

describe('toGraphqlUrl', () => {
  it('maps GitHub’s and a GitHub Enterprise Server’s REST base URL', () => {
    expect(toGraphqlUrl('https://api.github.com')).toBe('https://api.github.com/graphql');
    expect(toGraphqlUrl('https://ghe.example.com/api/v3/')).toBe(
      'https://ghe.example.com/api/graphql',
    );
    expect(toGraphqlUrl('http://127.0.0.1:4010')).toBe('http://127.0.0.1:4010/graphql');
  });
});
