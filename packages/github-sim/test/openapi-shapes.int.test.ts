import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { GitHubSimulator, SimRepo } from '../src/index.js';
import { loadGitHubOpenApi } from './openapi-validator.js';
import { appFor, getWithToken, mintToken, startSimulator } from './sim-fixture.js';

const openapi = loadGitHubOpenApi();

function repoOf(simulator: GitHubSimulator, org: string, name: string): SimRepo {
  const repo = simulator.dataset.orgs
    .find((candidate) => candidate.login === org)
    ?.repos.find((r) => r.name === name);
  if (!repo) throw new Error(`the standard dataset has ${org}/${name}`);
  return repo;
}

/** Every response the simulator sends, checked against GitHub's schema for that operation. */
describe('responses match GitHub OpenAPI description', () => {
  let simulator: GitHubSimulator;
  let token: string;

  beforeAll(async () => {
    simulator = await startSimulator({ statsComputeDelayMs: 0 });
    token = await mintToken(simulator, 'acme');
  });
  afterAll(async () => {
    await simulator.stop();
  });

  it('the validator rejects a body that breaks the schema', () => {
    const errors = openapi.validate('get', '/repos/{owner}/{repo}/commits', 200, [
      { sha: 1, author: { login: 'x' }, parents: 'none' },
    ]);
    expect(errors).toContain('$[0].sha: expected a string');
    expect(errors).toContain('$[0].url: required');
    expect(errors).toContain('$[0].parents: expected an array');
    expect(errors).toContain('$[0].author: matches 0 of oneOf, not exactly 1');
  });

  it('App endpoints, authenticated with the App JWT', async () => {
    const app = appFor(simulator, 'acme');
    const appInfo = await app.octokit.request('GET /app');
    expect(openapi.validate('get', '/app', 200, appInfo.data)).toEqual([]);
    const installations = await app.octokit.request('GET /app/installations');
    expect(installations.data.map((installation) => installation.id)).toEqual([1001]);
    // The operation's inlined item schema turns the `installation` schema's `anyOf` (user or
    // enterprise account) into an `allOf`, which no real account satisfies; check each item
    // against the `installation` component it was inlined from.
    for (const item of installations.data) {
      expect(openapi.validateComponent('installation', item)).toEqual([]);
    }
    const installation = await app.octokit.request('GET /orgs/{org}/installation', { org: 'acme' });
    expect(openapi.validate('get', '/orgs/{org}/installation', 200, installation.data)).toEqual([]);
    const minted = await app.octokit.request(
      'POST /app/installations/{installation_id}/access_tokens',
      {
        installation_id: 1001,
      },
    );
    expect(minted.status).toBe(201);
    expect(
      openapi.validate(
        'post',
        '/app/installations/{installation_id}/access_tokens',
        201,
        minted.data,
      ),
    ).toEqual([]);
  });

  it('every REST endpoint the collectors use', async () => {
    const web = repoOf(simulator, 'acme', 'web');
    const commit = web.commits[0];
    const merged = web.pulls.find((pull) => pull.mergedAt !== null);
    const reviewed = web.pulls.find((pull) =>
      pull.reviews.some((review) => review.state === 'PENDING'),
    );
    const commented = web.comments[0];
    const reviewComment = merged
      ? simulator.addReviewComment({ org: 'acme', repo: 'web' }, merged.number, { user: 'cy' })
      : undefined;
    const issue = web.issues[0];
    const user = simulator.dataset.users[0];
    if (!commit || !merged || !reviewed || !commented || !reviewComment || !issue || !user)
      throw new Error('acme/web has full history');

    const cases: readonly (readonly [path: string, operation: string, status: number])[] = [
      ['/installation/repositories?per_page=100', '/installation/repositories', 200],
      ['/orgs/acme/repos?per_page=100', '/orgs/{org}/repos', 200],
      ['/repos/acme/web', '/repos/{owner}/{repo}', 200],
      ['/repos/acme/terraform-modules', '/repos/{owner}/{repo}', 200],
      ['/repos/acme/web/commits?per_page=100', '/repos/{owner}/{repo}/commits', 200],
      [`/repos/acme/web/commits/${commit.sha}`, '/repos/{owner}/{repo}/commits/{ref}', 200],
      ['/repos/acme/legacy-monolith/commits?per_page=100', '/repos/{owner}/{repo}/commits', 200],
      ['/repos/acme/web/pulls?state=all&per_page=100', '/repos/{owner}/{repo}/pulls', 200],
      [`/repos/acme/web/pulls/${merged.number}`, '/repos/{owner}/{repo}/pulls/{pull_number}', 200],
      [
        `/repos/acme/web/pulls/${reviewed.number}/reviews`,
        '/repos/{owner}/{repo}/pulls/{pull_number}/reviews',
        200,
      ],
      [
        '/repos/acme/web/pulls/comments?sort=updated&direction=desc&per_page=100',
        '/repos/{owner}/{repo}/pulls/comments',
        200,
      ],
      [
        '/repos/acme/web/issues/comments?per_page=100',
        '/repos/{owner}/{repo}/issues/comments',
        200,
      ],
      [
        `/repos/acme/web/issues/${commented.issueNumber}/comments`,
        '/repos/{owner}/{repo}/issues/{issue_number}/comments',
        200,
      ],
      [
        `/repos/acme/web/issues/comments/${commented.id}`,
        '/repos/{owner}/{repo}/issues/comments/{comment_id}',
        200,
      ],
      [
        `/repos/acme/web/pulls/comments/${reviewComment.id}`,
        '/repos/{owner}/{repo}/pulls/comments/{comment_id}',
        200,
      ],
      [
        `/repos/acme/web/issues/${issue.number}`,
        '/repos/{owner}/{repo}/issues/{issue_number}',
        200,
      ],
      [
        `/repos/acme/web/issues/${merged.number}`,
        '/repos/{owner}/{repo}/issues/{issue_number}',
        200,
      ],
      ['/repos/acme/web/stats/contributors', '/repos/{owner}/{repo}/stats/contributors', 200],
      [`/user/${user.id}`, '/user/{account_id}', 200],
      ['/user/999999999', '/user/{account_id}', 404],
      ['/rate_limit', '/rate_limit', 200],
      ['/meta', '/meta', 200],
      ['/repos/acme/nope', '/repos/{owner}/{repo}', 404],
      ['/repos/acme/sandbox/commits', '/repos/{owner}/{repo}/commits', 409],
      ['/repos/acme/sandbox/stats/contributors', '/repos/{owner}/{repo}/stats/contributors', 204],
    ];
    for (const [path, operation, status] of cases) {
      const response = await getWithToken(simulator, path, token);
      expect({ path, status: response.status }).toEqual({ path, status });
      expect({ path, errors: openapi.validate('get', operation, status, response.body) }).toEqual({
        path,
        errors: [],
      });
    }
    // Every endpoint was exercised, so no shape above went unchecked by accident.
    const served = Object.keys(simulator.counters().endpoints).filter(
      (key) => key.startsWith('GET /r') || key.startsWith('GET /u'),
    );
    expect(served.sort()).toEqual(
      [
        'GET /rate_limit',
        'GET /repos/{owner}/{repo}',
        'GET /repos/{owner}/{repo}/commits',
        'GET /repos/{owner}/{repo}/commits/{ref}',
        'GET /repos/{owner}/{repo}/issues/comments',
        'GET /repos/{owner}/{repo}/issues/{issue_number}/comments',
        'GET /repos/{owner}/{repo}/issues/comments/{comment_id}',
        'GET /repos/{owner}/{repo}/issues/{issue_number}',
        'GET /repos/{owner}/{repo}/pulls/comments/{comment_id}',
        'GET /repos/{owner}/{repo}/pulls',
        'GET /repos/{owner}/{repo}/pulls/comments',
        'GET /repos/{owner}/{repo}/pulls/{pull_number}',
        'GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews',
        'GET /repos/{owner}/{repo}/stats/contributors',
        'GET /user/{account_id}',
      ].sort(),
    );
  });

  it('a 401 carries GitHub basic-error body', async () => {
    const unauthorized = await getWithToken(simulator, '/repos/acme/web', 'ghs_notAToken');
    expect(unauthorized.status).toBe(401);
    expect(unauthorized.body).toEqual({
      message: 'Bad credentials',
      documentation_url: 'https://docs.github.com/rest',
      status: '401',
    });
    expect(openapi.validateComponent('basic-error', unauthorized.body)).toEqual([]);
  });
});
