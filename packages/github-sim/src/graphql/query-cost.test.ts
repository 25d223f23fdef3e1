import { getOperationAST, Kind, parse, validate, type FragmentDefinitionNode } from 'graphql';
import { describe, expect, it } from 'vitest';

import { REPO_CHANGES_QUERY } from '../../test/repo-changes-query.js';
import { createGitHubSchema } from './github-schema.js';
import { GraphqlRequestError } from './graphql-request-error.js';
import { computeQueryCost, type QueryCost } from './query-cost.js';

const schema = createGitHubSchema().get();

function costOf(query: string, variables: Record<string, unknown> = {}): QueryCost {
  const document = parse(query);
  expect(validate(schema, document)).toEqual([]);
  const operation = getOperationAST(document);
  if (!operation) throw new Error('no operation');
  const fragments = Object.fromEntries(
    document.definitions
      .filter(
        (definition): definition is FragmentDefinitionNode =>
          definition.kind === Kind.FRAGMENT_DEFINITION,
      )
      .map((fragment) => [fragment.name.value, fragment]),
  );
  return computeQueryCost({ schema, operation, fragments, variables });
}

function refusalOf(query: string): unknown {
  try {
    costOf(query);
  } catch (error) {
    if (error instanceof GraphqlRequestError) return error.errors;
    throw error;
  }
  throw new Error('the query was not refused');
}

describe('computeQueryCost', () => {
  it('scores the docs example at 5,101 requests, 51 points', () => {
    const cost = costOf(`query {
      viewer {
        login
        repositories(first: 100) {
          edges { node { id
            issues(first: 50) { edges { node { id
              labels(first: 60) { edges { node { id name } } }
            } } }
          } }
        }
      }
    }`);
    expect(cost).toEqual({ requests: 5101, cost: 51, nodeCount: 100 + 5000 + 300_000 });
  });

  it('counts the docs node-limit examples: 550 and 22,060 nodes', () => {
    expect(
      costOf(`query { viewer { repositories(first: 50) { edges { repository: node { name
        issues(first: 10) { totalCount edges { node { title bodyHTML } } } } } } } }`),
    ).toEqual({ requests: 51, cost: 1, nodeCount: 550 });
    expect(
      costOf(`query { viewer {
        repositories(first: 50) { edges { repository: node { name
          pullRequests(first: 20) { edges { pullRequest: node { title
            comments(first: 10) { edges { comment: node { bodyHTML } } } } } }
          issues(first: 20) { totalCount edges { issue: node { title bodyHTML
            comments(first: 10) { edges { comment: node { bodyHTML } } } } } } } } }
        followers(first: 10) { edges { follower: node { login } } } } }`),
    ).toEqual({ requests: 1 + 50 + 1000 + 50 + 1000 + 1, cost: 21, nodeCount: 22_060 });
  });

  it('costs the contract RepoChanges query 1 + 100 + 100 = 201 requests: 2 points', () => {
    expect(costOf(REPO_CHANGES_QUERY, { org: 'acme', after: null })).toEqual({
      requests: 201,
      cost: 2,
      nodeCount: 300,
    });
  });

  it('charges at least 1 point, also for a query with no connection', () => {
    expect(costOf('{ rateLimit { cost remaining } }')).toEqual({
      requests: 0,
      cost: 1,
      nodeCount: 0,
    });
  });

  it('reads page sizes from variables and honours @skip / @include', () => {
    const query = `query($n: Int!, $withIssues: Boolean!) { organization(login: "acme") {
      repositories(first: $n) { nodes { issues(first: 10) @include(if: $withIssues) { totalCount } } } } }`;
    expect(costOf(query, { n: 40, withIssues: true })).toEqual({
      requests: 41,
      cost: 1,
      nodeCount: 40 + 400,
    });
    expect(costOf(query, { n: 40, withIssues: false })).toEqual({
      requests: 1,
      cost: 1,
      nodeCount: 40,
    });
  });

  it('walks fragments and inline fragments', () => {
    expect(
      costOf(`query { organization(login: "acme") { ...repos } }
        fragment repos on Organization { repositories(first: 100) { nodes {
          ... on Repository { pullRequests(first: 100) { nodes { number } } } } } }`),
    ).toEqual({ requests: 101, cost: 1, nodeCount: 10_100 });
  });

  it('lets a connection read only for totalCount go without first/last', () => {
    expect(costOf('{ organization(login: "acme") { repositories { totalCount } } }')).toEqual({
      requests: 1,
      cost: 1,
      nodeCount: 0,
    });
  });

  it('refuses what the node limits forbid, with GitHub error types', () => {
    expect(
      refusalOf('{ organization(login: "acme") {\n  repositories { nodes { name } } } }'),
    ).toEqual([
      {
        type: 'MISSING_PAGINATION_BOUNDARIES',
        locations: [{ line: 2, column: 3 }],
        message:
          'You must provide a `first` or `last` value to properly paginate the `repositories` connection.',
      },
    ]);
    expect(
      refusalOf('{ organization(login: "acme") { repositories(last: 101) { nodes { name } } } }'),
    ).toEqual([
      {
        type: 'EXCESSIVE_PAGINATION',
        locations: [{ line: 1, column: 33 }],
        message:
          'Requesting 101 records on the `repositories` connection exceeds the `last` limit of 100 records.',
      },
    ]);
    expect(
      refusalOf(`{ organization(login: "acme") { repositories(first: 100) { nodes {
        pullRequests(first: 100) { nodes { commits(first: 100) { totalCount } } } } } } }`),
    ).toEqual([
      {
        type: 'MAX_NODE_LIMIT_EXCEEDED',
        message:
          'This query requests up to 1,010,100 possible nodes which exceeds the maximum limit of 500,000.',
      },
    ]);
  });
});
