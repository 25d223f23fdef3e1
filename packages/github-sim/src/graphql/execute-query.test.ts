import { beforeAll, describe, expect, it } from 'vitest';

import { generateDataset } from '../dataset/generate-dataset.js';
import type { SimDataset, SimOrg } from '../model.js';
import { executeQuery, type GraphqlResponseBody } from './execute-query.js';
import { createGitHubSchema } from './github-schema.js';
import { prepareQuery } from './prepare-query.js';

const schema = createGitHubSchema().get();
let dataset: SimDataset;
let acme: SimOrg;
beforeAll(() => {
  dataset = generateDataset({ seed: 42, generatedAtMs: Date.UTC(2026, 11, 1) });
  const org = dataset.orgs.find((candidate) => candidate.login === 'acme');
  if (!org) throw new Error('no org acme');
  acme = org;
});

function run(
  query: string,
  variables: Record<string, unknown> = {},
  renamed: Record<string, number> = {},
): GraphqlResponseBody {
  const prepared = prepareQuery(schema, { query, variables, operationName: undefined });
  if (!prepared.ok) throw new Error(JSON.stringify(prepared.errors));
  return executeQuery(schema, prepared.query, {
    dataset,
    visibleOrg: 'acme',
    renamedRepoId: (owner, name) => renamed[`${owner}/${name}`.toLowerCase()],
    dryRun: prepared.query.dryRun,
    rateLimit: {
      cost: prepared.query.cost.cost,
      nodeCount: prepared.query.cost.nodeCount,
      limit: 5000,
      used: 1,
      remaining: 4999,
      resetAt: '2026-12-01T01:00:00Z',
    },
  });
}

describe('executeQuery', () => {
  it('follows a rename unless followRenames is false', () => {
    const repo = acme.repos[0];
    if (!repo) throw new Error('acme has no repo');
    const query = `query($follow: Boolean!) {
      repository(owner: "acme", name: "old-name", followRenames: $follow) { databaseId name }
    }`;
    const renamed = { 'acme/old-name': repo.id };
    expect(run(query, { follow: true }, renamed)).toEqual({
      data: { repository: { databaseId: repo.id, name: repo.name } },
    });
    expect(run(query, { follow: false }, renamed)).toEqual({
      data: { repository: null },
      errors: [
        {
          type: 'NOT_FOUND',
          path: ['repository'],
          locations: [{ line: 2, column: 7 }],
          message: "Could not resolve to a Repository with the name 'acme/old-name'.",
        },
      ],
    });
  });

  it('answers a cursor it did not hand out with INVALID_CURSOR_ARGUMENTS on the connection', () => {
    expect(
      run(
        '{ organization(login: "acme") { repositories(first: 1, after: "bogus") { totalCount } } }',
      ),
    ).toEqual({
      data: { organization: null },
      errors: [
        {
          type: 'INVALID_CURSOR_ARGUMENTS',
          path: ['organization', 'repositories'],
          locations: [{ line: 1, column: 33 }],
          message: '`bogus` does not appear to be a valid cursor.',
        },
      ],
    });
  });

  it('names an ordering it does not implement', () => {
    const answer = run(
      '{ organization(login: "acme") { repositories(first: 1, orderBy: { field: STARGAZERS, direction: DESC }) { totalCount } } }',
    );
    expect(answer.errors?.[0]).toMatchObject({
      type: 'SIMULATOR_UNIMPLEMENTED',
      message: 'The GitHub simulator does not implement ordering repositories by STARGAZERS.',
    });
  });

  it('filters PRs by state, a merged one being MERGED rather than CLOSED', () => {
    const repo = acme.repos.find((candidate) => candidate.pulls.some((pull) => pull.mergedAt));
    if (!repo) throw new Error('acme has no merged PR');
    const answer = run(
      `query($name: String!) { repository(owner: "acme", name: $name) {
        merged: pullRequests(states: [MERGED]) { totalCount }
        closed: pullRequests(states: [CLOSED]) { totalCount }
        open: pullRequests(states: [OPEN]) { totalCount }
      } }`,
      { name: repo.name },
    );
    expect(answer).toEqual({
      data: {
        repository: {
          merged: { totalCount: repo.pulls.filter((pull) => pull.mergedAt !== null).length },
          closed: {
            totalCount: repo.pulls.filter(
              (pull) => pull.state === 'closed' && pull.mergedAt === null,
            ).length,
          },
          open: { totalCount: repo.pulls.filter((pull) => pull.state === 'open').length },
        },
      },
    });
  });

  it('orders repos by name and pages them through edges', () => {
    const names = acme.repos.map((repo) => repo.name.toLowerCase()).sort();
    const answer = run(
      '{ organization(login: "acme") { repositories(first: 3, orderBy: { field: NAME, direction: ASC }) { edges { cursor node { name } } } } }',
    ) as { data: { organization: { repositories: { edges: { node: { name: string } }[] } } } };
    expect(
      answer.data.organization.repositories.edges.map((edge) => edge.node.name.toLowerCase()),
    ).toEqual(names.slice(0, 3));
  });

  it('evaluates nothing but rateLimit in a dry run', () => {
    expect(
      run('{ rateLimit(dryRun: true) { cost nodeCount } organization(login: "acme") { login } }'),
    ).toEqual({ data: { rateLimit: { cost: 1, nodeCount: 0 }, organization: null } });
  });

  it('counts search results the way GitHub’s qualifiers select them', () => {
    const sinceMs = Date.UTC(2026, 10, 24);
    const since = new Date(sinceMs).toISOString();
    const answer = run(
      `query($all: String!, $withForks: String!, $pushed: String!, $pulls: String!, $issues: String!, $other: String!) {
        all: search(type: REPOSITORY, query: $all) { repositoryCount }
        withForks: search(type: REPOSITORY, query: $withForks) { repositoryCount }
        pushed: search(type: REPOSITORY, query: $pushed) { repositoryCount }
        pulls: search(type: ISSUE, query: $pulls) { issueCount }
        issues: search(type: ISSUE, query: $issues) { issueCount }
        other: search(type: REPOSITORY, query: $other) { repositoryCount }
      }`,
      {
        all: 'org:acme',
        withForks: 'org:acme fork:true archived:false',
        pushed: `org:acme fork:true archived:false pushed:>=${since}`,
        pulls: `org:acme is:pr archived:false updated:>=${since}`,
        issues: `org:ACME is:issue updated:>=${since}`,
        // Another org's repos are not the installation's to see.
        other: 'org:globex fork:true',
      },
    );
    const live = acme.repos.filter((repo) => !repo.archived);
    const updated = (thread: { readonly updatedAt: string }) =>
      Date.parse(thread.updatedAt) >= sinceMs;
    expect(answer).toEqual({
      data: {
        // Forks are left out unless asked for, archived repos in unless left out.
        all: { repositoryCount: acme.repos.filter((repo) => !repo.fork).length },
        withForks: { repositoryCount: live.length },
        pushed: {
          repositoryCount: live.filter((repo) => Date.parse(repo.pushedAt) >= sinceMs).length,
        },
        pulls: { issueCount: live.flatMap((repo) => repo.pulls.filter(updated)).length },
        issues: { issueCount: acme.repos.flatMap((repo) => repo.issues.filter(updated)).length },
        other: { repositoryCount: 0 },
      },
    });
    // The standard dataset has forks and archived repos, so the qualifiers are tested.
    expect(acme.repos.some((repo) => repo.fork)).toBe(true);
    expect(acme.repos.some((repo) => repo.archived)).toBe(true);
  });

  it('names a search qualifier it does not implement', () => {
    const answer = run(
      '{ search(type: ISSUE, query: "org:acme is:pr author:alice") { issueCount } }',
    );
    // `search` is non-null in GitHub's schema: its error nulls the whole answer.
    expect(answer).toMatchObject({
      data: null,
      errors: [
        {
          type: 'SIMULATOR_UNIMPLEMENTED',
          message:
            'The GitHub simulator does not implement the search term author:alice for type ISSUE.',
        },
      ],
    });
  });
});
