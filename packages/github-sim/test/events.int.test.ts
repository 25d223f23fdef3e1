import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { computeGroundTruth, type GitHubSimulator, type SimCounters } from '../src/index.js';
import { callControl, getWithToken, mintToken, startSimulator } from './sim-fixture.js';

const STATS_DELAY_MS = 2_000;

function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

describe('event injection through the control API', () => {
  let simulator: GitHubSimulator;
  let token: string;
  let clockMs = Date.now();

  const control = (
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: unknown }> => callControl(simulator, method, path, body);

  beforeAll(async () => {
    simulator = await startSimulator({ now: () => clockMs, statsComputeDelayMs: STATS_DELAY_MS });
    token = await mintToken(simulator, 'acme');
  });
  afterAll(async () => {
    await simulator.stop();
  });

  it('a new commit shows in the next response, with a new ETag, and sends the stats back to 202', async () => {
    clockMs += STATS_DELAY_MS;
    const stats = (): Promise<number> =>
      getWithToken(simulator, '/repos/acme/web/stats/contributors', token).then(
        (response) => response.status,
      );
    expect(await stats()).toBe(202);
    clockMs += STATS_DELAY_MS;
    expect(await stats()).toBe(200);

    const before = await getWithToken(simulator, '/repos/acme/web/commits', token);
    const etag = before.headers.get('etag') ?? '';
    clockMs += 1000;
    const created = await control('POST', '/repos/acme/web/commits', {
      authorLogin: 'alice',
      message: 'Injected',
    });
    expect(created.status).toBe(201);
    const sha = (created.body as { sha: string }).sha;

    const after = await getWithToken(simulator, '/repos/acme/web/commits', token, {
      'if-none-match': etag,
    });
    expect(after.status).toBe(200);
    expect(after.headers.get('etag')).not.toBe(etag);
    expect(
      (
        after.body as { sha: string; commit: { message: string; committer: { date: string } } }[]
      )[0],
    ).toMatchObject({
      sha,
      author: { login: 'alice' },
      commit: { message: 'Injected', committer: { date: isoSeconds(clockMs) } },
    });
    const repo = await getWithToken(simulator, '/repos/acme/web', token);
    expect(repo.body).toMatchObject({ pushed_at: isoSeconds(clockMs) });

    expect(await stats()).toBe(202);
    clockMs += STATS_DELAY_MS;
    expect(await stats()).toBe(200);
  });

  it('opens, reviews, comments on and merges a PR, each visible at once', async () => {
    clockMs += 1000;
    const opened = await control('POST', '/repos/acme/web/pulls', {
      user: 'bob',
      title: 'Injected PR',
    });
    expect(opened.status).toBe(201);
    const number = (opened.body as { number: number }).number;
    const newest = await getWithToken(simulator, '/repos/acme/web/pulls?per_page=1', token);
    expect(newest.body).toMatchObject([
      { number, title: 'Injected PR', user: { login: 'bob' }, state: 'open' },
    ]);

    clockMs += 1000;
    const review = await control('POST', `/repos/acme/web/pulls/${number}/reviews`, {
      user: 'carol',
      state: 'APPROVED',
    });
    expect(review.status).toBe(201);
    const reviews = await getWithToken(simulator, `/repos/acme/web/pulls/${number}/reviews`, token);
    expect(reviews.body).toMatchObject([
      { user: { login: 'carol' }, state: 'APPROVED', submitted_at: isoSeconds(clockMs) },
    ]);
    const recentlyUpdated = await getWithToken(
      simulator,
      '/repos/acme/web/pulls?sort=updated&per_page=1',
      token,
    );
    expect(recentlyUpdated.body).toMatchObject([{ number, updated_at: isoSeconds(clockMs) }]);

    clockMs += 1000;
    const comment = await control('POST', `/repos/acme/web/issues/${number}/comments`, {
      user: 'dave',
      body: 'LGTM',
    });
    expect(comment.status).toBe(201);
    const since = await getWithToken(
      simulator,
      `/repos/acme/web/issues/comments?since=${isoSeconds(clockMs)}`,
      token,
    );
    expect(since.body).toMatchObject([
      { user: { login: 'dave' }, body: 'LGTM', created_at: isoSeconds(clockMs) },
    ]);

    clockMs += 1000;
    expect(
      (await control('POST', `/repos/acme/web/pulls/${number}/merge`, { mergedBy: 'erin' })).status,
    ).toBe(200);
    const merged = await getWithToken(simulator, `/repos/acme/web/pulls/${number}`, token);
    expect(merged.body).toMatchObject({
      state: 'closed',
      merged: true,
      merged_at: isoSeconds(clockMs),
      merged_by: { login: 'erin' },
      user: { login: 'bob' },
      comments: 1,
    });
    const again = await control('POST', `/repos/acme/web/pulls/${number}/merge`, {
      mergedBy: 'erin',
    });
    expect(again.status).toBe(409);
  });

  it('refuses bad event input with 400 and unknown targets with 404', async () => {
    expect(await control('POST', '/repos/acme/web/commits', { authorLogin: null })).toEqual({
      status: 400,
      body: { message: 'an unlinked commit (authorLogin null) needs authorEmail' },
    });
    expect(
      await control('POST', '/repos/acme/web/pulls/1/reviews', { user: 'carol', state: 'LOVED' }),
    ).toEqual({
      status: 400,
      body: {
        message:
          'state must be one of APPROVED, CHANGES_REQUESTED, COMMENTED, DISMISSED, PENDING; got "LOVED"',
      },
    });
    const missing = await control('POST', '/repos/acme/nope/pulls', { user: 'bob' });
    expect(missing.status).toBe(404);
  });

  it('serves counters and ground truth over HTTP as in-process', async () => {
    const counters = await control('GET', '/counters');
    expect(counters).toEqual({ status: 200, body: simulator.counters() });
    const installation = (counters.body as SimCounters).installations['1001'];
    expect(installation?.endpoints['GET /repos/{owner}/{repo}/pulls']?.byStatus).toEqual({
      '200': 2,
    });

    const atMs = clockMs;
    const truth = await control('GET', `/ground-truth?atMs=${atMs}&excludeBots=true`);
    expect(truth).toEqual({
      status: 200,
      body: computeGroundTruth(simulator.dataset, { atMs, excludeBots: true }),
    });
    const alice = (
      truth.body as { org: string; repo: string; user: string; commits24h: number }[]
    ).find((series) => series.org === 'acme' && series.repo === 'web' && series.user === 'alice');
    expect(alice?.commits24h).toBeGreaterThanOrEqual(1);
    expect((await control('GET', '/ground-truth')).status).toBe(400);

    expect(await control('POST', '/counters/reset')).toEqual({
      status: 200,
      body: {
        total: { total: 0, counted: 0, notModified: 0, byStatus: {} },
        byKind: {
          restRequests: 0,
          restCounted: 0,
          restNotModified: 0,
          graphqlQueries: 0,
          graphqlPoints: 0,
          secondaryHits: { concurrency: 0, points: 0, injected: 0 },
        },
        endpoints: {},
        installations: {},
      },
    });
  });

  it('expires tokens and sets the rate limit over HTTP', async () => {
    const fresh = await mintToken(simulator, 'acme');
    expect(await control('POST', '/tokens/expire', { org: 'acme' })).toEqual({
      status: 200,
      body: { expired: 2 },
    });
    expect((await getWithToken(simulator, '/repos/acme/web', fresh)).status).toBe(401);
    token = await mintToken(simulator, 'acme');
    const limited = await control('POST', '/rate-limit', { installationId: 1001, remaining: 0 });
    expect(limited).toMatchObject({ status: 200, body: { limit: 5000, remaining: 0, used: 5000 } });
    expect((await getWithToken(simulator, '/repos/acme/web', token)).status).toBe(403);
    expect((await control('POST', '/rate-limit', { installationId: 9, remaining: 0 })).status).toBe(
      400,
    );
  });
});
