import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { GitHubSimulator, GroundTruthSeries, SimRepo } from '../src/index.js';
import { callControl, getWithToken, mintToken, startSimulator } from './sim-fixture.js';

function repoOf(simulator: GitHubSimulator, name: string): SimRepo {
  const repo = simulator.dataset.orgs
    .find((org) => org.login === 'acme')
    ?.repos.find((candidate) => candidate.name === name);
  if (!repo) throw new Error(`no acme/${name}`);
  return repo;
}

/** The issue-comment count of each (repo, user) of acme in the ground truth. */
function commentCounts(series: readonly GroundTruthSeries[]): Map<string, number> {
  return new Map(
    series
      .filter((entry) => entry.org === 'acme' && entry.issueComments24h > 0)
      .map((entry) => [`${entry.repo}/${entry.user}`, entry.issueComments24h]),
  );
}

describe('comment deletion and issue transfer through the control API', () => {
  let simulator: GitHubSimulator;
  let token: string;
  let clockMs = Date.now();

  beforeAll(async () => {
    simulator = await startSimulator({ now: () => clockMs });
    token = await mintToken(simulator, 'acme');
  });
  afterAll(async () => {
    await simulator.stop();
  });

  it('a deleted comment leaves every listing, its GET answers 404, and no updated_at moves', async () => {
    clockMs += 1000;
    const web = repoOf(simulator, 'web');
    const issue = web.issues[0];
    if (!issue) throw new Error('acme/web has issues');
    const added = await callControl(
      simulator,
      'POST',
      `/repos/acme/web/issues/${issue.number}/comments`,
      {
        user: 'dave',
      },
    );
    const commentId = (added.body as { id: number }).id;
    const issueBefore = await getWithToken(
      simulator,
      `/repos/acme/web/issues/${issue.number}`,
      token,
    );
    expect(issueBefore).toMatchObject({ status: 200, body: { number: issue.number } });
    const countsBefore = commentCounts(simulator.groundTruth(clockMs));
    const listedBefore = await getWithToken(
      simulator,
      '/repos/acme/web/issues/comments?sort=updated&direction=desc&per_page=100',
      token,
    );

    clockMs += 1000;
    const deleted = await callControl(
      simulator,
      'DELETE',
      `/repos/acme/web/issues/comments/${commentId}`,
    );
    expect(deleted).toMatchObject({ status: 200, body: { id: commentId, user: 'dave' } });

    expect(
      (await getWithToken(simulator, `/repos/acme/web/issues/comments/${commentId}`, token)).status,
    ).toBe(404);
    const listed = await getWithToken(
      simulator,
      '/repos/acme/web/issues/comments?sort=updated&direction=desc&per_page=100',
      token,
      { 'if-none-match': listedBefore.headers.get('etag') ?? '' },
    );
    expect(listed.status).toBe(200);
    expect((listed.body as { id: number }[]).map((comment) => comment.id)).not.toContain(commentId);
    const thread = await getWithToken(
      simulator,
      `/repos/acme/web/issues/${issue.number}/comments`,
      token,
    );
    expect((thread.body as { id: number }[]).map((comment) => comment.id)).not.toContain(commentId);
    const issueAfter = await getWithToken(
      simulator,
      `/repos/acme/web/issues/${issue.number}`,
      token,
    );
    expect((issueAfter.body as { updated_at: string }).updated_at).toBe(
      (issueBefore.body as { updated_at: string }).updated_at,
    );
    const expected = new Map(countsBefore);
    const before = expected.get('web/dave') ?? 0;
    if (before === 1) expected.delete('web/dave');
    else expected.set('web/dave', before - 1);
    expect(commentCounts(simulator.groundTruth(clockMs))).toEqual(expected);

    expect(
      (await callControl(simulator, 'DELETE', `/repos/acme/web/issues/comments/${commentId}`))
        .status,
    ).toBe(404);
  });

  it('a deleted review comment leaves the review-comment list and its GET answers 404', async () => {
    clockMs += 1000;
    const pull = repoOf(simulator, 'web').pulls[0];
    if (!pull) throw new Error('acme/web has PRs');
    const added = await callControl(
      simulator,
      'POST',
      `/repos/acme/web/pulls/${pull.number}/comments`,
      {
        user: 'erin',
      },
    );
    const commentId = (added.body as { id: number }).id;
    expect(
      (await getWithToken(simulator, `/repos/acme/web/pulls/comments/${commentId}`, token)).body,
    ).toMatchObject({
      id: commentId,
      user: { login: 'erin' },
    });
    const deleted = await callControl(
      simulator,
      'DELETE',
      `/repos/acme/web/pulls/comments/${commentId}`,
    );
    expect(deleted.status).toBe(200);
    expect(
      (await getWithToken(simulator, `/repos/acme/web/pulls/comments/${commentId}`, token)).status,
    ).toBe(404);
    const listed = await getWithToken(
      simulator,
      '/repos/acme/web/pulls/comments?per_page=100',
      token,
    );
    expect((listed.body as { id: number }[]).map((comment) => comment.id)).not.toContain(commentId);
  });

  it('a transferred issue is listed in its new repo with its comments, and its old number answers 301', async () => {
    clockMs += 1000;
    const issue = repoOf(simulator, 'web').issues[0];
    if (!issue) throw new Error('acme/web has issues');
    const comment = await callControl(
      simulator,
      'POST',
      `/repos/acme/web/issues/${issue.number}/comments`,
      {
        user: 'frank',
      },
    );
    const { id: commentId } = comment.body as { id: number };
    const oldThread = await getWithToken(
      simulator,
      `/repos/acme/web/issues/${issue.number}/comments`,
      token,
    );
    const countsBefore = commentCounts(simulator.groundTruth(clockMs));

    clockMs += 1000;
    const transferred = await callControl(
      simulator,
      'POST',
      `/repos/acme/web/issues/${issue.number}/transfer`,
      {
        toRepo: 'mobile',
      },
    );
    expect(transferred.status).toBe(200);
    const { transfer } = transferred.body as { transfer: { toRepoId: number; toNumber: number } };
    expect(transfer.toRepoId).toBe(repoOf(simulator, 'mobile').id);

    const moved = await fetch(`${simulator.url}/repos/acme/web/issues/${issue.number}`, {
      headers: { authorization: `token ${token}` },
      redirect: 'manual',
    });
    const location = `${simulator.url}/repositories/${transfer.toRepoId}/issues/${transfer.toNumber}`;
    expect(moved.status).toBe(301);
    expect(moved.headers.get('location')).toBe(location);
    expect(await moved.json()).toMatchObject({ message: 'Moved Permanently', url: location });

    const oldList = await getWithToken(
      simulator,
      '/repos/acme/web/issues/comments?per_page=100&sort=updated&direction=desc',
      token,
    );
    expect((oldList.body as { id: number }[]).map((listed) => listed.id)).not.toContain(commentId);
    const newThread = await getWithToken(
      simulator,
      `/repos/acme/mobile/issues/${transfer.toNumber}/comments`,
      token,
    );
    // The same comments, ids and times kept; only the issue they belong to moved.
    const withoutIssueUrl = (body: unknown): unknown[] =>
      (body as { id: number; created_at: string; updated_at: string; user: unknown }[]).map(
        ({ id, created_at, updated_at, user }) => ({ id, created_at, updated_at, user }),
      );
    expect(withoutIssueUrl(newThread.body)).toEqual(withoutIssueUrl(oldThread.body));
    expect(withoutIssueUrl(newThread.body)).toContainEqual(
      expect.objectContaining({ id: commentId }),
    );
    const newIssue = await getWithToken(
      simulator,
      `/repos/acme/mobile/issues/${transfer.toNumber}`,
      token,
    );
    expect(newIssue.body).toMatchObject({
      number: transfer.toNumber,
      title: issue.title,
      comments: (oldThread.body as unknown[]).length,
    });

    // Every comment of the issue made in the last 24 h now counts in mobile, not in web.
    const expected = new Map(countsBefore);
    const move = (key: string, by: number): void => {
      const value = (expected.get(key) ?? 0) + by;
      if (value === 0) expected.delete(key);
      else expected.set(key, value);
    };
    for (const moved of oldThread.body as { created_at: string; user: { login: string } }[]) {
      if (Date.parse(moved.created_at) <= clockMs - 24 * 3_600_000) continue;
      move(`web/${moved.user.login}`, -1);
      move(`mobile/${moved.user.login}`, 1);
    }
    expect(commentCounts(simulator.groundTruth(clockMs))).toEqual(expected);

    const pull = repoOf(simulator, 'web').pulls[0];
    expect(
      (
        await callControl(simulator, 'POST', `/repos/acme/web/issues/${pull?.number}/transfer`, {
          toRepo: 'mobile',
        })
      ).status,
    ).toBe(409);
    expect(
      (
        await callControl(simulator, 'POST', `/repos/acme/web/issues/${issue.number}/transfer`, {
          toRepo: 'mobile',
        })
      ).status,
    ).toBe(404);
    expect(
      (
        await callControl(
          simulator,
          'POST',
          `/repos/acme/mobile/issues/${transfer.toNumber}/transfer`,
          {},
        )
      ).status,
    ).toBe(400);
  });
});
