import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { generateDataset, type GitHubSimulator, type SimOrg, type SimRepo } from '../src/index.js';
import {
  REPO_CHANGES_QUERY,
  type RepoChangesData,
  type RepoChangesNode,
} from './repo-changes-query.js';
import { installationOctokit, mintToken, startSimulator } from './sim-fixture.js';

/** The RepoChanges node of a repo, read straight from the dataset (the test's own reading). */
function expectedNode(repo: SimRepo): RepoChangesNode {
  const latest = (times: readonly string[]) =>
    [...times]
      .sort()
      .reverse()
      .slice(0, 1)
      .map((updatedAt) => ({ updatedAt }));
  const head = repo.commits.find((commit) => commit.branch === repo.defaultBranch);
  return {
    databaseId: repo.id,
    name: repo.name,
    isArchived: repo.archived,
    isDisabled: repo.disabled,
    isFork: repo.fork,
    pushedAt: repo.pushedAt,
    updatedAt: repo.updatedAt,
    defaultBranchRef: head ? { name: repo.defaultBranch, target: { oid: head.sha } } : null,
    pullRequests: {
      totalCount: repo.pulls.length,
      nodes: latest(repo.pulls.map((pull) => pull.updatedAt)),
    },
    issues: {
      totalCount: repo.issues.length,
      nodes: latest(repo.issues.map((issue) => issue.updatedAt)),
    },
  };
}

function byCreation(org: SimOrg): SimRepo[] {
  return [...org.repos].sort((a, b) =>
    a.createdAt === b.createdAt ? a.id - b.id : a.createdAt < b.createdAt ? -1 : 1,
  );
}

function orgOf(simulator: GitHubSimulator, login: string): SimOrg {
  const org = simulator.dataset.orgs.find((candidate) => candidate.login === login);
  if (!org) throw new Error(`no org ${login}`);
  return org;
}

/** A raw `POST /graphql`, for bodies octokit would refuse to send. */
async function postGraphql(
  simulator: GitHubSimulator,
  token: string,
  body: string,
): Promise<{ status: number; headers: Headers; body: unknown }> {
  const response = await fetch(`${simulator.url}/graphql`, {
    method: 'POST',
    headers: { authorization: `bearer ${token}`, 'content-type': 'application/json' },
    body,
  });
  return { status: response.status, headers: response.headers, body: await response.json() };
}

describe('POST /graphql on the standard dataset', () => {
  let simulator: GitHubSimulator;
  beforeAll(async () => {
    simulator = await startSimulator();
  });
  afterAll(async () => {
    await simulator.stop();
  });

  it('answers the RepoChanges query with every repo of the installation, as the dataset has them', async () => {
    const octokit = await installationOctokit(simulator, 'acme');
    const response = await octokit.request('POST /graphql', {
      query: REPO_CHANGES_QUERY,
      variables: { org: 'acme', after: null },
    });
    const data = (response.data as { data: RepoChangesData }).data;
    const acme = orgOf(simulator, 'acme');

    expect(response.status).toBe(200);
    expect(response.headers['x-ratelimit-resource']).toBe('graphql');
    expect(response.headers['x-ratelimit-limit']).toBe('5000');
    expect(response.headers['x-ratelimit-used']).toBe('2');
    expect(response.headers['x-ratelimit-remaining']).toBe('4998');
    expect(data.rateLimit).toMatchObject({ cost: 2, limit: 5000, remaining: 4998, used: 2 });
    expect(Date.parse(data.rateLimit.resetAt)).toBe(
      Number(response.headers['x-ratelimit-reset']) * 1000,
    );
    expect(data.organization?.repositories).toEqual({
      totalCount: acme.repos.length,
      pageInfo: { hasNextPage: false, endCursor: expect.any(String) as unknown },
      nodes: byCreation(acme).map(expectedNode),
    });
    // GraphQL has its own budget: REST's `core` is untouched; /rate_limit shows both.
    const rest = await octokit.request('GET /rate_limit');
    expect(rest.data.resources.core.used).toBe(0);
    expect(rest.data.resources.graphql).toEqual({
      limit: 5000,
      used: 2,
      remaining: 4998,
      reset: Number(response.headers['x-ratelimit-reset']),
    });
  });

  it('refuses an invalid query with GitHub-shaped errors and charges nothing', async () => {
    const octokit = await installationOctokit(simulator, 'globex');
    const response = await octokit.request('POST /graphql', {
      query: 'query {\n  organization(login: "globex") { stars }\n}',
    });
    expect(response.status).toBe(200);
    expect(response.data).toEqual({
      errors: [
        {
          message: 'Cannot query field "stars" on type "Organization". Did you mean "teams"?',
          locations: [{ line: 2, column: 35 }],
        },
      ],
    });
    expect(response.headers['x-ratelimit-used']).toBe('0');
  });

  it('names a valid field the simulator does not implement instead of answering null', async () => {
    const octokit = await installationOctokit(simulator, 'globex');
    const response = await octokit.request('POST /graphql', {
      query: '{ repository(owner: "globex", name: "x") { stargazerCount name } }',
    });
    expect(response.data).toEqual({
      errors: [
        {
          type: 'SIMULATOR_UNIMPLEMENTED',
          message: 'The GitHub simulator does not implement the field Repository.stargazerCount.',
          locations: [{ line: 1, column: 44 }],
          extensions: { typeName: 'Repository', fieldName: 'stargazerCount' },
        },
      ],
    });
  });

  it('answers 400 to a body that is not JSON or has no query', async () => {
    const token = await mintToken(simulator, 'globex');
    const notJson = await postGraphql(simulator, token, '{"query": ');
    expect(notJson.status).toBe(400);
    expect(notJson.body).toEqual({
      message: 'Problems parsing JSON',
      documentation_url: 'https://docs.github.com/graphql',
      status: '400',
    });
    const noQuery = await postGraphql(simulator, token, '{"variables": {}}');
    expect(noQuery.status).toBe(400);
    expect(noQuery.body).toEqual({
      errors: [{ message: 'A query attribute must be specified and must be a string.' }],
    });
    expect(noQuery.headers.get('x-ratelimit-resource')).toBe('graphql');
  });

  it("shows another org's token nothing of acme: NOT_FOUND, as for an org it cannot see", async () => {
    const octokit = await installationOctokit(simulator, 'globex');
    const acmeRepo = orgOf(simulator, 'acme').repos[0];
    const response = await octokit.request('POST /graphql', {
      query: `query($repo: String!) {
        organization(login: "acme") { login }
        repository(owner: "acme", name: $repo) { name }
      }`,
      variables: { repo: acmeRepo?.name },
    });
    expect(response.data).toEqual({
      data: { organization: null, repository: null },
      errors: [
        {
          type: 'NOT_FOUND',
          path: ['organization'],
          locations: [{ line: 2, column: 9 }],
          message: "Could not resolve to an Organization with the login of 'acme'.",
        },
        {
          type: 'NOT_FOUND',
          path: ['repository'],
          locations: [{ line: 3, column: 9 }],
          message: `Could not resolve to a Repository with the name 'acme/${acmeRepo?.name}'.`,
        },
      ],
    });
  });

  it('answers as a server without GraphQL, or with an older schema, while refuseGraphql is in force', async () => {
    const globex = await mintToken(simulator, 'globex');
    const acme = await mintToken(simulator, 'acme');
    const body = JSON.stringify({ query: '{ rateLimit { cost } }' });
    try {
      simulator.refuseGraphql({ org: 'globex', answer: 'not_found' });
      const missing = await postGraphql(simulator, globex, body);
      expect({ status: missing.status, body: missing.body }).toEqual({
        status: 404,
        body: {
          message: 'Not Found',
          documentation_url: 'https://docs.github.com/graphql',
          status: '404',
        },
      });
      expect((await postGraphql(simulator, acme, body)).status).toBe(200);

      simulator.clearFaults();
      simulator.refuseGraphql({ org: 'globex', answer: 'undefined_field' });
      const refused = await postGraphql(simulator, globex, body);
      expect(refused.status).toBe(200);
      expect(refused.body).toEqual({
        errors: [
          {
            path: ['query', 'organization', 'repositories', 'nodes', 'defaultBranchRef'],
            extensions: {
              code: 'undefinedField',
              typeName: 'Repository',
              fieldName: 'defaultBranchRef',
            },
            locations: [{ line: 1, column: 1 }],
            message: "Field 'defaultBranchRef' doesn't exist on type 'Repository'",
          },
        ],
      });
      expect(simulator.faults().graphqlUnsupported).toEqual([
        { org: 'globex', answer: 'undefined_field' },
      ]);
    } finally {
      simulator.clearFaults();
    }
  });

  it('refuses a bad token with 401', async () => {
    const response = await postGraphql(simulator, 'ghs_nope', '{"query":"{ rateLimit { cost } }"}');
    expect(response.status).toBe(401);
    expect(response.body).toEqual({
      message: 'Bad credentials',
      documentation_url: 'https://docs.github.com/graphql',
      status: '401',
    });
  });
});

describe('POST /graphql paging 250 repos', () => {
  let simulator: GitHubSimulator;
  beforeAll(async () => {
    simulator = await startSimulator({
      dataset: generateDataset({
        seed: 7,
        generatedAtMs: Date.now(),
        profile: 'bench',
        bench: { repoCount: 250 },
      }),
    });
  });
  afterAll(async () => {
    await simulator.stop();
  });

  it('pages 100 + 100 + 50 repos at 2 points a page, cursors stable across renames', async () => {
    const octokit = await installationOctokit(simulator, 'acme');
    const expected = byCreation(orgOf(simulator, 'acme')).map((repo) => repo.id);
    const pages: RepoChangesData[] = [];
    let after: string | null = null;
    do {
      const data: RepoChangesData = await octokit.graphql<RepoChangesData>(REPO_CHANGES_QUERY, {
        org: 'acme',
        after,
      });
      pages.push(data);
      // A rename between pages moves nothing: cursors hold creation time and id, not names.
      if (pages.length === 1) {
        simulator.renameRepo(
          { org: 'acme', repo: data.organization?.repositories.nodes[99]?.name ?? '' },
          'renamed-last-of-page-1',
        );
        simulator.renameRepo({ org: 'acme', repo: 'repo-0150' }, 'aaa-renamed-on-page-2');
      }
      after = data.organization?.repositories.pageInfo.hasNextPage
        ? data.organization.repositories.pageInfo.endCursor
        : null;
    } while (after !== null);

    expect(pages.map((page) => page.organization?.repositories.nodes.length)).toEqual([
      100, 100, 50,
    ]);
    expect(pages.map((page) => page.organization?.repositories.totalCount)).toEqual([
      250, 250, 250,
    ]);
    expect(pages.map((page) => page.rateLimit.cost)).toEqual([2, 2, 2]);
    expect(pages.map((page) => page.rateLimit.remaining)).toEqual([4998, 4996, 4994]);
    expect(
      pages.flatMap((page) => page.organization?.repositories.nodes.map((node) => node.databaseId)),
    ).toEqual(expected);
    expect(pages[1]?.organization?.repositories.nodes.map((node) => node.name)).toContain(
      'aaa-renamed-on-page-2',
    );
  });
});

describe('POST /graphql limits', () => {
  let simulator: GitHubSimulator;
  beforeAll(async () => {
    simulator = await startSimulator({
      limits: { graphqlPrimaryPointsPerHour: 5, graphqlSecondaryPointsPerMinute: 4 },
    });
  });
  afterAll(async () => {
    await simulator.stop();
  });

  it('answers RATE_LIMITED once the hour has too few points, then a secondary-limit 403', async () => {
    const token = await mintToken(simulator, 'acme');
    const query = JSON.stringify({ query: REPO_CHANGES_QUERY, variables: { org: 'acme' } });
    const first = await postGraphql(simulator, token, query);
    const second = await postGraphql(simulator, token, query);
    const third = await postGraphql(simulator, token, query);
    expect([first.status, second.status, third.status]).toEqual([200, 200, 200]);
    expect(
      [first, second, third].map((response) => response.headers.get('x-ratelimit-remaining')),
    ).toEqual(['3', '1', '1']);
    expect(third.body).toEqual({
      errors: [
        {
          type: 'RATE_LIMITED',
          message: `API rate limit exceeded for installation ID ${simulator.apps[0]?.installationId}.`,
        },
      ],
    });
    // A dry run prices the query without charging it (and without evaluating it).
    const dryRun = await postGraphql(
      simulator,
      token,
      JSON.stringify({
        query:
          '{ rateLimit(dryRun: true) { cost remaining } organization(login: "acme") { login } }',
      }),
    );
    expect(dryRun.body).toEqual({
      data: { rateLimit: { cost: 1, remaining: 1 }, organization: null },
    });
    // Four requests used the minute's 4 secondary points (1 a query): the fifth is refused.
    const refused = await postGraphql(simulator, token, query);
    expect(refused.status).toBe(403);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    expect((refused.body as { message: string }).message).toMatch(/secondary rate limit/);

    const acme = simulator.counters().installations['1001'];
    expect(acme?.endpoints['POST /graphql']).toEqual({
      total: 5,
      counted: 2,
      notModified: 0,
      byStatus: { '200': 4, '403': 1 },
    });
    // The one REST request: the token's mint (App JWT requests count for the installation).
    expect(acme?.byKind).toEqual({
      restRequests: 1,
      restCounted: 1,
      restNotModified: 0,
      graphqlQueries: 5,
      graphqlPoints: 4,
      secondaryHits: { concurrency: 0, points: 1, injected: 0 },
    });
  });
});
