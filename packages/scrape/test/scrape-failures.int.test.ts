import { afterEach, describe, expect, it } from 'vitest';

import { createScrapeFixture, type FixtureOptions, type ScrapeFixture } from './scrape-fixture.js';

const PULLS = 'GET /repos/{owner}/{repo}/pulls';
const COMMITS = 'GET /repos/{owner}/{repo}/commits';

describe('scrapeRepo when GitHub misbehaves', () => {
  let fixture: ScrapeFixture | undefined;
  const open = async (options?: FixtureOptions): Promise<ScrapeFixture> => {
    fixture = await createScrapeFixture(options);
    return fixture;
  };
  afterEach(async () => {
    await fixture?.close();
    fixture = undefined;
  });

  const seriesOf = async (f: ScrapeFixture, repo: string) =>
    (await f.readAllSeries()).filter((row) => row.org === 'acme' && row.repo === repo);
  const truthOf = (f: ScrapeFixture, repo: string) =>
    f.groundTruth().filter((row) => row.org === 'acme' && row.repo === repo);

  it('lists a malformed response as missing, names the endpoint, writes no wrong numbers, and recovers', async () => {
    const f = await open();
    f.simulator.injectMalformed({ org: 'acme', endpoint: PULLS, count: 1 });
    const outcome = await f.scrape('acme', 'web');
    expect(outcome.status).toBe('partial');
    expect(outcome.missing).toEqual([
      {
        resource: 'pulls',
        reason: 'malformed_response',
        error: expect.stringContaining(`${PULLS} answered 200 with an unusable body`) as string,
        window: { fromMs: f.nowMs - 30 * 86_400_000, toMs: f.nowMs },
      },
    ]);
    expect(outcome.collectors.map(({ resource, success }) => [resource, success])).toEqual([
      ['commits', true],
      ['pulls', false],
      ['issue_comments', true],
      ['loc', true],
    ]);
    expect(outcome.series).toBeUndefined();
    expect(await seriesOf(f, 'web')).toEqual([]);

    const retried = await f.scrape('acme', 'web');
    expect(retried.status).toBe('done');
    expect(await seriesOf(f, 'web')).toEqual(truthOf(f, 'web'));
  });

  it('rides out a short 5xx burst, and reports a long one as missing until GitHub is back', async () => {
    const f = await open();
    f.simulator.injectErrors({ org: 'acme', endpoint: COMMITS, status: 502, count: 2 });
    expect((await f.scrape('acme', 'web')).status).toBe('done');
    expect(await seriesOf(f, 'web')).toEqual(truthOf(f, 'web'));

    f.simulator.injectErrors({ org: 'acme', endpoint: COMMITS, status: 503, count: 3 });
    const outage = await f.scrape('acme', 'docs');
    expect(outage.missing.map(({ resource, reason }) => ({ resource, reason }))).toEqual([
      { resource: 'commits', reason: 'github_unavailable' },
    ]);
    expect((await f.scrape('acme', 'docs')).status).toBe('done');
    expect(await seriesOf(f, 'docs')).toEqual(truthOf(f, 'docs'));
  });

  it('waits out a secondary limit with retry-after and completes', async () => {
    const f = await open();
    f.simulator.injectSecondaryLimit({ org: 'acme', count: 1, retryAfterSeconds: 1 });
    const startedMs = Date.now();
    expect((await f.scrape('acme', 'web')).status).toBe('done');
    expect(Date.now() - startedMs).toBeGreaterThanOrEqual(1000);
    expect(f.simulator.counters().total.byStatus['403']).toBe(1);
    expect(await seriesOf(f, 'web')).toEqual(truthOf(f, 'web'));
  });

  it('waits for the primary rate limit to reset, then completes', async () => {
    const f = await open({ simulator: { primaryWindowMs: 1500 } });
    const installationId = f.dataset.orgs.find((org) => org.login === 'acme')?.installationId ?? 0;
    f.simulator.setRateLimitRemaining(installationId, 2);
    expect((await f.scrape('acme', 'web')).status).toBe('done');
    expect(await seriesOf(f, 'web')).toEqual(truthOf(f, 'web'));
  });

  it('renews an expired installation token and completes', async () => {
    const f = await open();
    expect((await f.scrape('acme', 'web')).status).toBe('done');
    f.simulator.expireTokens('acme');
    f.simulator.addCommit({ org: 'acme', repo: 'web' }, { authorLogin: 'after-rotation' });
    f.nowMs = Date.now();
    expect((await f.scrape('acme', 'web')).status).toBe('done');
    expect(await seriesOf(f, 'web')).toEqual(truthOf(f, 'web'));
    expect(
      (await seriesOf(f, 'web')).find((row) => row.user === 'after-rotation')?.commits24h,
    ).toBe(1);
  });
});
