import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { GitHubSimulator } from '../src/index.js';
import { callControl, getWithToken, mintToken, startSimulator } from './sim-fixture.js';

const DAY_MS = 86_400_000;

interface ListedRepoJson {
  readonly id: number;
  readonly name: string;
  readonly archived: boolean;
}

describe('repo lifecycle through the control API (rename, delete, transfer, archive)', () => {
  let simulator: GitHubSimulator;
  let token: string;

  beforeEach(async () => {
    simulator = await startSimulator();
    token = await mintToken(simulator, 'acme');
  });
  afterEach(async () => {
    await simulator.stop();
  });

  /** A GET that does not follow redirects, so the test sees GitHub's `301` itself. */
  const getManually = async (
    path: string,
  ): Promise<{ status: number; location: string | null; body: unknown }> => {
    const response = await fetch(`${simulator.url}${path}`, {
      headers: { authorization: `token ${token}` },
      redirect: 'manual',
    });
    return {
      status: response.status,
      location: response.headers.get('location'),
      body: await response.json(),
    };
  };
  const listed = async (): Promise<ListedRepoJson[]> => {
    const answer = await getWithToken(simulator, '/installation/repositories?per_page=100', token);
    return (answer.body as { repositories: ListedRepoJson[] }).repositories;
  };
  const idOf = async (name: string): Promise<number> => {
    const repo = (await listed()).find((candidate) => candidate.name === name);
    if (!repo) throw new Error(`acme/${name} is not listed`);
    return repo.id;
  };
  const truthRepos = (): string[] => [
    ...new Set(
      simulator
        .groundTruth(Date.now(), { retentionMs: 30 * DAY_MS })
        .filter((row) => row.org === 'acme')
        .map((row) => row.repo),
    ),
  ];

  it('a rename keeps the id; the old name answers 301 to /repositories/{id}/…, which serves the repo', async () => {
    const id = await idOf('web');
    const before = await getWithToken(simulator, '/repos/acme/web/commits?per_page=5', token);
    const renamed = await callControl(simulator, 'POST', '/repos/acme/web/rename', {
      name: 'web-app',
    });
    expect(renamed).toEqual({
      status: 200,
      body: { org: 'acme', id, name: 'web-app', archived: false },
    });

    expect((await listed()).filter((repo) => repo.id === id).map((repo) => repo.name)).toEqual([
      'web-app',
    ]);
    const moved = await getManually('/repos/acme/web/commits?per_page=5');
    const location = `${simulator.url}/repositories/${id}/commits?per_page=5`;
    expect(moved).toEqual({
      status: 301,
      location,
      body: {
        message: 'Moved Permanently',
        url: location,
        documentation_url:
          'https://docs.github.com/rest/guides/best-practices-for-using-the-rest-api#follow-redirects',
      },
    });
    const byId = await getWithToken(simulator, `/repositories/${id}/commits?per_page=5`, token);
    expect(byId.status).toBe(200);
    // The same commits; their URLs now name the repo's new name.
    const shas = (body: unknown): string[] => (body as { sha: string }[]).map((c) => c.sha);
    expect(shas(byId.body)).toEqual(shas(before.body));
    expect(JSON.stringify(byId.body)).toContain('/repos/acme/web-app/commits/');
    expect((await getWithToken(simulator, '/repos/acme/web-app', token)).body).toMatchObject({
      id,
      name: 'web-app',
      full_name: 'acme/web-app',
    });
    // The ground truth follows: the same series, under the new name only.
    expect(truthRepos()).toContain('web-app');
    expect(truthRepos()).not.toContain('web');
  });

  it('a deleted repo leaves the list and answers 404 by name and by id; its series leave the ground truth', async () => {
    const id = await idOf('web');
    expect(truthRepos()).toContain('web');
    expect(await callControl(simulator, 'DELETE', '/repos/acme/web')).toEqual({
      status: 200,
      body: { org: 'acme', id, name: 'web', archived: false },
    });
    expect((await listed()).some((repo) => repo.id === id)).toBe(false);
    expect((await getManually('/repos/acme/web/commits')).status).toBe(404);
    expect((await getManually(`/repositories/${id}/commits`)).status).toBe(404);
    expect(truthRepos()).not.toContain('web');
    expect((await callControl(simulator, 'DELETE', '/repos/acme/web')).status).toBe(404);
  });

  it('a repo transferred out leaves the list; its old name answers 301, and the id 404 to this org', async () => {
    const id = await idOf('web');
    expect((await callControl(simulator, 'POST', '/repos/acme/web/transfer')).status).toBe(200);
    expect((await listed()).some((repo) => repo.id === id)).toBe(false);
    const moved = await getManually('/repos/acme/web/pulls');
    expect(moved.status).toBe(301);
    expect(moved.location).toBe(`${simulator.url}/repositories/${id}/pulls`);
    expect((await getManually(`/repositories/${id}/pulls`)).status).toBe(404);
    expect(truthRepos()).not.toContain('web');
  });

  it('archive and unarchive flip `archived` in the list; an archived repo refuses writes and keeps its series in the ground truth', async () => {
    const id = await idOf('web');
    const seriesBefore = simulator
      .groundTruth(Date.now(), { retentionMs: 30 * DAY_MS })
      .filter((row) => row.repo === 'web');
    expect(seriesBefore.length).toBeGreaterThan(0);
    expect((await callControl(simulator, 'POST', '/repos/acme/web/archive')).body).toEqual({
      org: 'acme',
      id,
      name: 'web',
      archived: true,
    });
    expect((await listed()).find((repo) => repo.id === id)?.archived).toBe(true);
    expect(
      (await callControl(simulator, 'POST', '/repos/acme/web/commits', { authorLogin: 'alice' }))
        .status,
    ).toBe(409);
    // Still readable, as on GitHub.
    expect((await getManually('/repos/acme/web/commits')).status).toBe(200);
    expect(
      simulator
        .groundTruth(Date.now(), { retentionMs: 30 * DAY_MS })
        .filter((row) => row.repo === 'web'),
    ).toEqual(seriesBefore);
    expect((await callControl(simulator, 'POST', '/repos/acme/web/archive')).status).toBe(409);

    expect((await callControl(simulator, 'POST', '/repos/acme/web/unarchive')).status).toBe(200);
    expect((await listed()).find((repo) => repo.id === id)?.archived).toBe(false);
    expect(
      (await callControl(simulator, 'POST', '/repos/acme/web/commits', { authorLogin: 'alice' }))
        .status,
    ).toBe(201);
  });

  it('a repo generated archived has no series in the ground truth (no fleet ever read it)', async () => {
    const archived = (await listed()).filter((repo) => repo.archived).map((repo) => repo.name);
    expect(archived.length).toBeGreaterThan(0);
    for (const name of archived) expect(truthRepos()).not.toContain(name);
  });

  it('refuses a rename onto a taken or invalid name, and unknown repos', async () => {
    expect(
      (await callControl(simulator, 'POST', '/repos/acme/web/rename', { name: 'mobile' })).status,
    ).toBe(409);
    expect(
      (await callControl(simulator, 'POST', '/repos/acme/web/rename', { name: 'a/b' })).status,
    ).toBe(409);
    expect((await callControl(simulator, 'POST', '/repos/acme/web/rename', {})).status).toBe(400);
    expect(
      (await callControl(simulator, 'POST', '/repos/acme/nope/rename', { name: 'x' })).status,
    ).toBe(404);
  });
});
