import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { computeGroundTruth, type GitHubSimulator } from '../src/index.js';
import { callControl, getWithToken, mintToken, startSimulator } from './sim-fixture.js';

function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

interface ReviewJson {
  readonly id: number;
  readonly user: { readonly login: string };
  readonly submitted_at: string;
}

describe('history rewrites through the control API', () => {
  let simulator: GitHubSimulator;
  let token: string;
  let clockMs = Date.now();

  const control = (
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: unknown }> => callControl(simulator, method, path, body);
  const get = (path: string, etag?: string): ReturnType<typeof getWithToken> =>
    getWithToken(simulator, path, token, etag === undefined ? {} : { 'if-none-match': etag });
  const openPull = async (user: string): Promise<number> => {
    const opened = await control('POST', '/repos/acme/web/pulls', { user });
    expect(opened.status).toBe(201);
    return (opened.body as { number: number }).number;
  };

  beforeAll(async () => {
    simulator = await startSimulator({ now: () => clockMs });
    token = await mintToken(simulator, 'acme');
  });
  afterAll(async () => {
    await simulator.stop();
  });

  it('a review in the second of the PR update keeps updated_at and the PR list ETag, and changes the reviews', async () => {
    clockMs += 1000;
    const number = await openPull('bob');
    const updatedAt = isoSeconds(clockMs);
    const pulls = await get('/repos/acme/web/pulls?state=all&sort=updated&direction=desc');
    const reviews = await get(`/repos/acme/web/pulls/${number}/reviews`);
    expect(reviews.body).toEqual([]);

    clockMs += 5000; // the control call's own clock does not matter: the review takes the PR's second
    const review = await control(
      'POST',
      `/repos/acme/web/pulls/${number}/reviews/in-update-second`,
      {
        user: 'carol',
        state: 'APPROVED',
      },
    );
    expect(review).toMatchObject({ status: 201, body: { submittedAt: updatedAt } });

    const pullsAgain = await get(
      '/repos/acme/web/pulls?state=all&sort=updated&direction=desc',
      pulls.headers.get('etag') ?? '',
    );
    expect(pullsAgain.status).toBe(304);
    const reviewsAgain = await get(
      `/repos/acme/web/pulls/${number}/reviews`,
      reviews.headers.get('etag') ?? '',
    );
    expect(reviewsAgain.status).toBe(200);
    expect(reviewsAgain.body).toMatchObject([
      { user: { login: 'carol' }, state: 'APPROVED', submitted_at: updatedAt },
    ]);
    const pull = await get(`/repos/acme/web/pulls/${number}`);
    expect(pull.body).toMatchObject({ updated_at: updatedAt });
  });

  it('lists more than 100 reviews oldest first in pages of 100; a new one changes only the last page', async () => {
    clockMs += 1000;
    const number = await openPull('bob');
    clockMs += 1000;
    const added = await control('POST', `/repos/acme/web/pulls/${number}/reviews/bulk`, {
      count: 150,
      users: ['carol', 'dave'],
    });
    expect(added.status).toBe(201);
    expect(added.body).toHaveLength(150);

    const pageOne = await get(`/repos/acme/web/pulls/${number}/reviews?per_page=100`);
    const pageTwo = await get(`/repos/acme/web/pulls/${number}/reviews?per_page=100&page=2`);
    const first = pageOne.body as ReviewJson[];
    expect(first).toHaveLength(100);
    expect(pageTwo.body).toHaveLength(50);
    const ids = [...first, ...(pageTwo.body as ReviewJson[])].map((review) => review.id);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(pageOne.headers.get('link')).toContain('page=2>; rel="next"');

    clockMs += 1000;
    const one = await control('POST', `/repos/acme/web/pulls/${number}/reviews`, {
      user: 'erin',
      state: 'COMMENTED',
    });
    expect(one.status).toBe(201);
    const pageOneAgain = await get(
      `/repos/acme/web/pulls/${number}/reviews?per_page=100`,
      pageOne.headers.get('etag') ?? '',
    );
    expect(pageOneAgain.status).toBe(304);
    const pageTwoAgain = await get(
      `/repos/acme/web/pulls/${number}/reviews?per_page=100&page=2`,
      pageTwo.headers.get('etag') ?? '',
    );
    expect(pageTwoAgain.status).toBe(200);
    expect((pageTwoAgain.body as ReviewJson[]).at(-1)).toMatchObject({
      user: { login: 'erin' },
      submitted_at: isoSeconds(clockMs),
    });
  });

  it('a force-push drops commits from the default branch and pushes others, in the list and the ground truth', async () => {
    clockMs += 1000;
    for (const login of ['alice', 'alice', 'alice']) {
      expect(
        (await control('POST', '/repos/acme/web/commits', { authorLogin: login })).status,
      ).toBe(201);
    }
    const before = (await get('/repos/acme/web/commits?per_page=100')).body as { sha: string }[];
    const commitsOf = (user: string): number =>
      computeGroundTruth(simulator.dataset, { atMs: clockMs }).find(
        (series) => series.org === 'acme' && series.repo === 'web' && series.user === user,
      )?.commits24h ?? 0;
    const aliceBefore = commitsOf('alice');

    clockMs += 1000;
    const pushed = await control('POST', '/repos/acme/web/force-push', {
      dropCommits: 2,
      commits: [{ authorLogin: 'history-rewriter', message: 'Rewritten' }],
    });
    expect(pushed.status).toBe(200);
    const { dropped, pushed: fresh } = pushed.body as {
      dropped: string[];
      pushed: { sha: string; parents: string[] }[];
    };
    expect(dropped).toEqual(before.slice(0, 2).map((commit) => commit.sha));
    expect(fresh).toHaveLength(1);
    expect(fresh[0]?.parents).toEqual([before[2]?.sha]);

    const after = (await get('/repos/acme/web/commits?per_page=100')).body as { sha: string }[];
    expect(after.map((commit) => commit.sha).slice(0, 2)).toEqual([fresh[0]?.sha, before[2]?.sha]);
    expect(after.some((commit) => dropped.includes(commit.sha))).toBe(false);
    expect(commitsOf('alice')).toBe(aliceBefore - 2);
    expect(commitsOf('history-rewriter')).toBe(1);
  });

  it('refuses bad history input with 400 and impossible pushes with 409', async () => {
    expect(await control('POST', '/repos/acme/web/force-push', { commits: [] })).toEqual({
      status: 400,
      body: { message: 'dropCommits is required' },
    });
    expect(
      (
        await control('POST', '/repos/acme/web/force-push', {
          dropCommits: 1,
          commits: [{ authorLogin: 'frank', atMs: 1 }],
        })
      ).status,
    ).toBe(400);
    expect(
      (await control('POST', '/repos/acme/web/force-push', { dropCommits: 1_000_000 })).status,
    ).toBe(409);
    expect(
      (await control('POST', '/repos/acme/web/pulls/1/reviews/bulk', { count: 2, users: [] }))
        .status,
    ).toBe(400);
    expect(
      (
        await control('POST', '/repos/acme/web/pulls/99999/reviews/in-update-second', {
          user: 'carol',
          state: 'APPROVED',
        })
      ).status,
    ).toBe(404);
  });
});
