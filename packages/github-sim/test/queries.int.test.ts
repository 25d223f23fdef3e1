import { Octokit } from 'octokit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { GitHubSimulator, SimRepo } from '../src/index.js';
import { getWithToken, mintToken, startSimulator } from './sim-fixture.js';

type Json = Record<string, unknown>;

describe('query parameters, pagination and edge cases', () => {
  let simulator: GitHubSimulator;
  let token: string;
  const get = async (path: string): Promise<{ status: number; headers: Headers; body: Json[] }> => {
    const response = await getWithToken(simulator, path, token);
    return { ...response, body: response.body as Json[] };
  };
  const repo = (name: string): SimRepo => {
    const found = simulator.dataset.orgs
      .find((org) => org.login === 'acme')
      ?.repos.find((r) => r.name === name);
    if (!found) throw new Error(`the standard dataset has acme/${name}`);
    return found;
  };
  const shas = (items: readonly Json[]): unknown[] => items.map((item) => item['sha']);

  beforeAll(async () => {
    simulator = await startSimulator({ statsComputeDelayMs: 0 });
    token = await mintToken(simulator, 'acme');
  });
  afterAll(async () => {
    await simulator.stop();
  });

  it('lists the default branch by default, another branch by name, and a history from a sha', async () => {
    const mobile = repo('mobile');
    expect(mobile.defaultBranch).toBe('develop');
    const onBranch = (branch: string): string[] =>
      mobile.commits.filter((commit) => commit.branch === branch).map((commit) => commit.sha);
    expect(shas((await get('/repos/acme/mobile/commits?per_page=100')).body)).toEqual(
      onBranch('develop').slice(0, 100),
    );
    expect(shas((await get('/repos/acme/mobile/commits?sha=main&per_page=100')).body)).toEqual(
      onBranch('main').slice(0, 100),
    );
    const from = onBranch('develop')[5] ?? '';
    expect(
      shas((await get(`/repos/acme/mobile/commits?sha=${from.slice(0, 7)}&per_page=3`)).body),
    ).toEqual(onBranch('develop').slice(5, 8));
    expect((await get('/repos/acme/mobile/commits?sha=no-such-branch')).status).toBe(404);
  });

  it('filters commits on the committer date, both bounds inclusive', async () => {
    const main = repo('web').commits.filter((commit) => commit.branch === 'main');
    const newer = main[10];
    const older = main[20];
    if (!newer || !older) throw new Error('acme/web has history');
    const since = older.committer.date;
    const until = newer.committer.date;
    const expected = main
      .filter((commit) => commit.committer.date >= since && commit.committer.date <= until)
      .map((commit) => commit.sha);
    expect(expected).toContain(older.sha);
    expect(expected).toContain(newer.sha);
    const listed = await get(`/repos/acme/web/commits?since=${since}&until=${until}&per_page=100`);
    expect(shas(listed.body)).toEqual(expected);
    expect((await get('/repos/acme/web/commits?since=yesterday')).status).toBe(422);
  });

  it('gets one commit by sha, abbreviated sha or branch, with stats and files', async () => {
    const head = repo('web').commits.find((commit) => commit.branch === 'main');
    if (!head) throw new Error('acme/web has history');
    const additions = head.files.reduce((sum, file) => sum + file.additions, 0);
    const deletions = head.files.reduce((sum, file) => sum + file.deletions, 0);
    for (const ref of [head.sha, head.sha.slice(0, 7), 'main']) {
      const { status, body } = await getWithToken(
        simulator,
        `/repos/acme/web/commits/${ref}`,
        token,
      );
      expect(status).toBe(200);
      expect(body).toMatchObject({
        sha: head.sha,
        stats: { additions, deletions, total: additions + deletions },
        files: head.files.map((file) => ({ filename: file.filename, additions: file.additions })),
      });
    }
    const feature = repo('mobile').commits.find(
      (commit) => commit.branch === 'feature/offline-mode',
    );
    for (const ref of ['feature/offline-mode', 'feature%2Foffline-mode']) {
      const { body } = await getWithToken(simulator, `/repos/acme/mobile/commits/${ref}`, token);
      expect(body).toMatchObject({ sha: feature?.sha });
    }
    const missing = await getWithToken(simulator, '/repos/acme/web/commits/nope', token);
    expect(missing).toMatchObject({
      status: 422,
      body: { message: 'No commit found for SHA: nope' },
    });
  });

  it('answers an empty repository with 409 on commits and 204 on contributor stats', async () => {
    const commits = await getWithToken(simulator, '/repos/acme/sandbox/commits', token);
    expect(commits).toMatchObject({
      status: 409,
      body: { message: 'Git Repository is empty.', status: '409' },
    });
    const stats = await getWithToken(simulator, '/repos/acme/sandbox/stats/contributors', token);
    expect(stats.status).toBe(204);
    expect(stats.body).toBeUndefined();
  });

  it('pages with per_page (default 30, at most 100) and GitHub Link header', async () => {
    const main = repo('web').commits.filter((commit) => commit.branch === 'main');
    expect(main.length).toBeGreaterThan(200);
    const lastPage = Math.ceil(main.length / 50);
    expect((await get('/repos/acme/web/commits')).body).toHaveLength(30);
    const capped = await get('/repos/acme/web/commits?per_page=1000');
    expect(shas(capped.body)).toEqual(main.slice(0, 100).map((commit) => commit.sha));
    const url = (page: number): string =>
      `${simulator.url}/repos/acme/web/commits?per_page=50&page=${page}`;
    const second = await get('/repos/acme/web/commits?per_page=50&page=2');
    expect(second.headers.get('link')).toBe(
      `<${url(1)}>; rel="prev", <${url(3)}>; rel="next", <${url(lastPage)}>; rel="last", <${url(1)}>; rel="first"`,
    );
    expect(shas(second.body)).toEqual(main.slice(50, 100).map((commit) => commit.sha));
    const last = await get(`/repos/acme/web/commits?per_page=50&page=${lastPage}`);
    expect(last.headers.get('link')).toBe(
      `<${url(lastPage - 1)}>; rel="prev", <${url(1)}>; rel="first"`,
    );
    expect(last.body).toHaveLength(main.length - (lastPage - 1) * 50);
    expect((await get(`/repos/acme/web/commits?per_page=50&page=${lastPage + 1}`)).body).toEqual(
      [],
    );
    expect((await get('/repos/acme/web/commits?per_page=many')).status).toBe(422);

    const octokit = new (Octokit.defaults({ baseUrl: simulator.url }))({ auth: token });
    const all = await octokit.paginate('GET /repos/{owner}/{repo}/commits', {
      owner: 'acme',
      repo: 'web',
      per_page: 100,
    });
    expect(all.map((commit) => commit.sha)).toEqual(main.map((commit) => commit.sha));
  });

  it('filters and sorts pull requests by state, sort, direction and base', async () => {
    const web = repo('web');
    const numbers = (items: readonly Json[]): unknown[] => items.map((item) => item['number']);
    const open = web.pulls.filter((pull) => pull.state === 'open');
    expect(numbers((await get('/repos/acme/web/pulls?per_page=100')).body)).toEqual(
      [...open]
        .sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt) || b.number - a.number)
        .slice(0, 100)
        .map((pull) => pull.number),
    );
    const closed = await get(
      '/repos/acme/web/pulls?state=closed&sort=updated&direction=asc&per_page=100',
    );
    expect(numbers(closed.body)).toEqual(
      web.pulls
        .filter((pull) => pull.state === 'closed')
        .sort((a, b) => Date.parse(a.updatedAt) - Date.parse(b.updatedAt) || a.number - b.number)
        .slice(0, 100)
        .map((pull) => pull.number),
    );
    expect((await get('/repos/acme/web/pulls?state=all&base=gh-pages')).body).toEqual([]);
    expect((await get('/repos/acme/web/pulls?state=merged')).status).toBe(422);
  });

  it('filters repo issue comments on updated_at and sorts them', async () => {
    const comments = repo('docs').comments;
    const cut = [...comments].sort((a, b) => Date.parse(a.updatedAt) - Date.parse(b.updatedAt))[
      Math.floor(comments.length / 2)
    ];
    if (!cut) throw new Error('acme/docs has comments');
    const ids = (items: readonly Json[]): unknown[] => items.map((item) => item['id']);
    const since = await get(`/repos/acme/docs/issues/comments?since=${cut.updatedAt}&per_page=100`);
    expect(ids(since.body)).toEqual(
      comments
        .filter((comment) => Date.parse(comment.updatedAt) >= Date.parse(cut.updatedAt))
        .sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt) || a.id - b.id)
        .slice(0, 100)
        .map((comment) => comment.id),
    );
    const byUpdate = await get(
      '/repos/acme/docs/issues/comments?sort=updated&direction=desc&per_page=100',
    );
    expect(ids(byUpdate.body)).toEqual(
      [...comments]
        .sort((a, b) => Date.parse(b.updatedAt) - Date.parse(a.updatedAt) || b.id - a.id)
        .slice(0, 100)
        .map((comment) => comment.id),
    );
  });

  it('lists org repos by type and name, with archived, disabled and fork flags', async () => {
    const forks = await get('/orgs/acme/repos?type=forks');
    expect(forks.body.map((item) => [item['name'], item['fork']])).toEqual([
      ['terraform-modules', true],
    ]);
    const byName = await get('/orgs/acme/repos?sort=full_name&per_page=100');
    const names = byName.body.map((item) => item['name'] as string);
    expect(names).toEqual([...names].sort());
    const flags = new Map(
      byName.body.map((item) => [item['name'], [item['archived'], item['disabled']]]),
    );
    expect(flags.get('legacy-api')).toEqual([true, false]);
    expect(flags.get('billing-export')).toEqual([false, true]);
    expect(flags.get('web')).toEqual([false, false]);
  });

  it('reports contributor stats: top 100 ascending, Sunday weeks, linked authors, zero lines when told', async () => {
    const community = (await get('/repos/acme/community/stats/contributors')).body as {
      total: number;
      weeks: { w: number; a: number; d: number; c: number }[];
    }[];
    expect(community).toHaveLength(100);
    const totals = community.map((entry) => entry.total);
    expect(totals).toEqual([...totals].sort((a, b) => a - b));
    for (const week of community[0]?.weeks ?? []) expect((week.w / 86_400 + 4) % 7).toBe(0);

    const monolith = repo('legacy-monolith');
    expect(monolith.statsReportZeroLines).toBe(true);
    const zero = (await get('/repos/acme/legacy-monolith/stats/contributors'))
      .body as typeof community;
    // GitHub's statistics leave out merge commits and empty ones.
    const linked = monolith.commits.filter(
      (commit) =>
        commit.branch === 'main' &&
        commit.authorLogin !== null &&
        commit.parents.length <= 1 &&
        commit.files.length > 0,
    );
    expect(zero.reduce((sum, entry) => sum + entry.total, 0)).toBe(linked.length);
    expect(zero.flatMap((entry) => entry.weeks).every((week) => week.a === 0 && week.d === 0)).toBe(
      true,
    );
    expect(zero.flatMap((entry) => entry.weeks).reduce((sum, week) => sum + week.c, 0)).toBe(
      linked.length,
    );
  });
});
