import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { GitHubSimulator, GroundTruthSeries } from '../src/index.js';
import { callControl, getWithToken, mintToken, startSimulator } from './sim-fixture.js';

const DAY_MS = 86_400_000;

interface AccountJson {
  readonly login: string;
  readonly id: number;
}
interface CommitJson {
  readonly commit: { readonly author: { readonly email: string } };
  readonly author: AccountJson | null;
}

describe('user rename through the control API', () => {
  let simulator: GitHubSimulator;
  let token: string;

  beforeEach(async () => {
    simulator = await startSimulator({ statsComputeDelayMs: 10 });
    token = await mintToken(simulator, 'acme');
  });
  afterEach(async () => {
    await simulator.stop();
  });

  const get = async <T>(path: string): Promise<T> => {
    const answer = await getWithToken(simulator, path, token);
    expect(answer.status).toBe(200);
    return answer.body as T;
  };
  const platformCommits = async (): Promise<CommitJson[]> => {
    const pages = await Promise.all(
      [1, 2, 3].map((page) =>
        get<CommitJson[]>(`/repos/acme/platform/commits?per_page=100&page=${page}`),
      ),
    );
    return pages.flat();
  };
  const truth = (atMs: number): GroundTruthSeries[] =>
    simulator.groundTruth(atMs, { retentionMs: 30 * DAY_MS });

  it('shows the new login with the same id in every payload, old commits keeping their noreply emails', async () => {
    const carol = simulator.dataset.users.find((user) => user.login === 'carol');
    if (!carol) throw new Error('the standard dataset has carol');
    const { id } = carol;
    const atMs = Date.now();
    const before = truth(atMs);
    const unlinkedEmail = `${id}+carol@users.noreply.127.0.0.1`;
    expect(
      (await platformCommits()).some(
        (commit) => commit.author === null && commit.commit.author.email === unlinkedEmail,
      ),
    ).toBe(true);

    const renamed = await callControl(simulator, 'POST', '/users/carol/rename', {
      login: 'carol-renamed',
    });
    expect(renamed).toEqual({ status: 200, body: { login: 'carol-renamed', id, type: 'User' } });
    // Looked up by its durable id: the new login.
    expect(await get<AccountJson>(`/user/${id}`)).toEqual(
      expect.objectContaining({ login: 'carol-renamed', id, type: 'User' }),
    );

    const commits = await platformCommits();
    const authored = commits.flatMap((commit) => (commit.author?.id === id ? [commit] : []));
    expect(authored.length).toBeGreaterThan(0);
    expect(new Set(authored.map((commit) => commit.author?.login))).toEqual(
      new Set(['carol-renamed']),
    );
    // Git data is not rewritten: the unlinked commits still name the old login.
    expect(
      commits.some(
        (commit) => commit.author === null && commit.commit.author.email === unlinkedEmail,
      ),
    ).toBe(true);

    const reviewed = simulator.dataset.orgs
      .flatMap((org) => org.repos.map((repo) => ({ org: org.login, repo })))
      .flatMap(({ org, repo }) =>
        repo.pulls
          .filter((pull) => pull.reviews.some((review) => review.user === 'carol-renamed'))
          .map((pull) => `/repos/${org}/${repo.name}/pulls/${pull.number}/reviews`),
      )
      .find((path) => path.startsWith('/repos/acme/'));
    if (!reviewed) throw new Error('carol reviewed a PR of acme');
    const reviewers = (await get<{ user: AccountJson }[]>(reviewed)).map((review) => review.user);
    expect(reviewers.filter((user) => user.id === id)).toEqual([
      expect.objectContaining({ login: 'carol-renamed', id }),
    ]);
    expect(reviewers.some((user) => user.login === 'carol')).toBe(false);

    let stats = await getWithToken(simulator, '/repos/acme/web/stats/contributors', token);
    for (let attempt = 0; stats.status === 202 && attempt < 50; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      stats = await getWithToken(simulator, '/repos/acme/web/stats/contributors', token);
    }
    const authors = (stats.body as { author: AccountJson }[]).map((entry) => entry.author);
    expect(authors.filter((author) => author.id === id)).toEqual([
      expect.objectContaining({ login: 'carol-renamed', id }),
    ]);

    // The ground truth: the same numbers, every series of carol under the new login.
    const relabelled = before
      .map((row) => (row.user === 'carol' ? { ...row, user: 'carol-renamed' } : row))
      .sort((a, b) => (`${a.org}/${a.repo}/${a.user}` < `${b.org}/${b.repo}/${b.user}` ? -1 : 1));
    const after = truth(atMs);
    expect(after).toEqual(relabelled);
    expect(after.some((row) => row.user === 'carol')).toBe(false);
  });

  it('frees the old login, and refuses a taken, invalid or bot login', async () => {
    const alice = simulator.dataset.users.find((user) => user.login === 'alice');
    await callControl(simulator, 'POST', '/users/alice/rename', { login: 'alice-2' });
    expect(
      await callControl(simulator, 'POST', '/users/alice-2/rename', { login: 'alice' }),
    ).toEqual({ status: 200, body: { login: 'alice', id: alice?.id, type: 'User' } });
    expect(await callControl(simulator, 'POST', '/users/alice/rename', { login: 'BOB' })).toEqual({
      status: 409,
      body: { message: 'the login BOB is taken' },
    });
    expect(await callControl(simulator, 'POST', '/users/alice/rename', { login: 'acme' })).toEqual({
      status: 409,
      body: { message: 'the login acme is taken' },
    });
    expect(await callControl(simulator, 'POST', '/users/alice/rename', { login: '-x' })).toEqual({
      status: 409,
      body: { message: '"-x" is not a valid GitHub login' },
    });
    expect(
      await callControl(simulator, 'POST', '/users/dependabot[bot]/rename', { login: 'dep' }),
    ).toEqual({
      status: 409,
      body: { message: "dependabot[bot] is a bot: its login follows its App's slug" },
    });
    expect(
      await callControl(simulator, 'POST', '/users/nobody-here/rename', { login: 'x' }),
    ).toEqual({ status: 404, body: { message: 'no user "nobody-here" in the simulated dataset' } });
    expect((await callControl(simulator, 'POST', '/users/alice/rename', {})).status).toBe(400);
  });
});
