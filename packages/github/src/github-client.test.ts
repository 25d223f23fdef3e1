import { describe, expect, it } from 'vitest';

import { FAKE_BASE_URL as BASE_URL, json, setupFakeClient as setup } from '../test/fake-github.js';
import { GitHubResponseError } from './github-errors.js';

const REPO_ROUTE = 'GET /repos/{owner}/{repo}';
const repoUrl = `${BASE_URL}/repos/acme/web`;

describe('GitHub client: conditional requests', () => {
  it('returns a 200 with its ETag, and stores the ETag only when told to', async () => {
    const { client, etagCache, github } = setup(() =>
      json({ name: 'web' }, 200, { etag: 'W/"v1"' }),
    );
    const answer = await client.getJson(REPO_ROUTE, { owner: 'acme', repo: 'web' });
    expect(answer).toEqual({ status: 200, data: { name: 'web' }, url: repoUrl, etag: 'W/"v1"' });
    expect(etagCache.entries.size).toBe(0);
    expect(github.seen.at(-1)?.headers.get('if-none-match')).toBeNull();
    await client.rememberEtag(answer);
    expect([...etagCache.entries]).toEqual([[`1001 ${repoUrl}`, 'W/"v1"']]);
  });

  it('sends the stored ETag for the exact URL and returns a 304 without data', async () => {
    const { client, etagCache, github } = setup((request) =>
      request.headers.get('if-none-match') === 'W/"v1"'
        ? new Response(null, { status: 304 })
        : json([]),
    );
    const url = `${BASE_URL}/repos/acme/web/commits?since=2026-11-27T13%3A00%3A00Z&per_page=100`;
    await etagCache.set(1001, url, 'W/"v1"');
    const params = { owner: 'acme', repo: 'web', since: '2026-11-27T13:00:00Z', per_page: 100 };
    expect(await client.getJson('GET /repos/{owner}/{repo}/commits', params)).toEqual({
      status: 304,
      url,
    });
    expect(github.seen.at(-1)?.url).toBe(url);
    // Another URL has no stored ETag: unconditional.
    const other = await client.getJson('GET /repos/{owner}/{repo}/commits', {
      ...params,
      per_page: 50,
    });
    expect(other.status).toBe(200);
    expect(github.seen.at(-1)?.headers.get('if-none-match')).toBeNull();
  });

  it('passes 202 and 204 through as statuses', async () => {
    let status = 202;
    const { client } = setup(() => new Response(status === 202 ? '{}' : null, { status }));
    const route = 'GET /repos/{owner}/{repo}/stats/contributors';
    const params = { owner: 'acme', repo: 'web' };
    expect(await client.getJson(route, params)).toEqual({
      status: 202,
      url: `${repoUrl}/stats/contributors`,
    });
    status = 204;
    expect(await client.getJson(route, params)).toEqual({
      status: 204,
      url: `${repoUrl}/stats/contributors`,
    });
  });

  it('decodes the body and names the endpoint when GitHub sends something else', async () => {
    let body = '{"name": 7}';
    const { client, github } = setup(
      () => new Response(body, { status: 200, headers: { 'content-type': 'application/json' } }),
    );
    const decode = (data: unknown): { name: string } => {
      if (
        typeof data === 'object' &&
        data !== null &&
        'name' in data &&
        typeof data.name === 'string'
      ) {
        return { name: data.name };
      }
      throw new TypeError('name must be a string');
    };
    const error: unknown = await client
      .getJson(REPO_ROUTE, { owner: 'acme', repo: 'web' }, decode)
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(GitHubResponseError);
    expect(error).toMatchObject({
      method: 'GET',
      endpoint: '/repos/{owner}/{repo}',
      status: 200,
      retryable: false,
    });
    expect((error as Error).message).toBe(
      'GET /repos/{owner}/{repo} answered 200 with an unusable body: name must be a string',
    );
    body = '{"name": "we';
    await expect(
      client.getJson(REPO_ROUTE, { owner: 'acme', repo: 'web' }, decode),
    ).rejects.toThrow(
      /^GET \/repos\/\{owner\}\/\{repo\} answered 200 with an unusable body: not JSON \(/,
    );
    // Permanent: neither was retried.
    expect(github.apiRoutes()).toHaveLength(2);
  });
});

describe('GitHub client: pagination', () => {
  const page = (index: number, last: number): Response =>
    json([{ n: index * 2 - 1 }, { n: index * 2 }], 200, {
      etag: `W/"p${index}"`,
      ...(index < last
        ? { link: `<${BASE_URL}/repositories/9/commits?page=${index + 1}>; rel="next"` }
        : {}),
    });
  const pageOf = (request: Request): number =>
    Number(new URL(request.url).searchParams.get('page') ?? '1');

  it('follows Link to the last page', async () => {
    const { client, github } = setup((request) => page(pageOf(request), 3));
    const pages = [];
    for await (const answer of client.paginate('GET /repos/{owner}/{repo}/commits', {
      owner: 'acme',
      repo: 'web',
    })) {
      pages.push(answer);
    }
    expect(
      pages.map((answer) =>
        answer.status === 200 ? [answer.index, answer.items, answer.etag] : answer,
      ),
    ).toEqual([
      [0, [{ n: 1 }, { n: 2 }], 'W/"p1"'],
      [1, [{ n: 3 }, { n: 4 }], 'W/"p2"'],
      [2, [{ n: 5 }, { n: 6 }], 'W/"p3"'],
    ]);
    expect(github.apiRoutes()).toEqual([
      'GET /api/v3/repos/acme/web/commits',
      'GET /api/v3/repositories/9/commits',
      'GET /api/v3/repositories/9/commits',
    ]);
  });

  it('stops fetching when the caller leaves the loop', async () => {
    const { client, github } = setup((request) => page(pageOf(request), 50));
    let seen = 0;
    for await (const answer of client.paginate('GET /repos/{owner}/{repo}/commits', {
      owner: 'acme',
      repo: 'web',
    })) {
      seen += answer.status === 200 ? answer.items.length : 0;
      if (seen >= 4) break;
    }
    expect(github.apiRoutes()).toHaveLength(2);
  });

  it('makes only the first page conditional, and ends on its 304', async () => {
    const { client, etagCache, github } = setup((request) =>
      request.headers.get('if-none-match') === 'W/"p1"'
        ? new Response(null, { status: 304 })
        : page(pageOf(request), 2),
    );
    const route = 'GET /repos/{owner}/{repo}/commits';
    const firstUrl = `${BASE_URL}/repos/acme/web/commits`;
    await etagCache.set(1001, firstUrl, 'W/"p1"');
    await etagCache.set(1001, `${BASE_URL}/repositories/9/commits?page=2`, 'W/"p2"');
    const pages = [];
    for await (const answer of client.paginate(route, { owner: 'acme', repo: 'web' }))
      pages.push(answer);
    expect(pages).toEqual([{ status: 304, url: firstUrl, index: 0 }]);
    etagCache.entries.clear();
    const fresh = [];
    for await (const answer of client.paginate(route, { owner: 'acme', repo: 'web' }))
      fresh.push(answer.status);
    expect(fresh).toEqual([200, 200]);
    expect(github.seen.filter((request) => request.headers.has('if-none-match'))).toHaveLength(1);
  });

  it('refuses a next link to another host, which would receive the token', async () => {
    const { client } = setup(() =>
      json([], 200, { link: '<https://evil.test/steal?page=2>; rel="next"' }),
    );
    const pages = client.paginate('GET /orgs/{org}/repos', { org: 'acme' });
    await expect(pages.next()).resolves.toMatchObject({ done: false });
    await expect(pages.next()).rejects.toThrow(
      'GET /orgs/{org}/repos answered 200 with an unusable body: next page link leaves https://github.test: https://evil.test/steal?page=2',
    );
  });

  it('requires a JSON array per page unless told how to find the items', async () => {
    const { client } = setup(() => json({ total_count: 1, repositories: [{ name: 'web' }] }));
    await expect(client.paginate('GET /installation/repositories').next()).rejects.toThrow(
      'GET /installation/repositories answered 200 with an unusable body: expected a JSON array, got an object',
    );
    const decodeItems = (data: unknown): readonly unknown[] =>
      typeof data === 'object' &&
      data !== null &&
      'repositories' in data &&
      Array.isArray(data.repositories)
        ? data.repositories
        : [];
    const first = await client
      .paginate('GET /installation/repositories', undefined, decodeItems)
      .next();
    expect(first.value).toMatchObject({ status: 200, items: [{ name: 'web' }] });
  });
});
