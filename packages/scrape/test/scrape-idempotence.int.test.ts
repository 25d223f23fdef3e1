import { describe, expect } from 'vitest';

import { scrapeWorldTest } from './scrape-fixture.js';

const HOUR = 3_600_000;

describe('scrapeRepo writes each event once', () => {
  scrapeWorldTest(
    'gives the same numbers when the same repos are scraped again',
    async ({ world: fixture }) => {
      await fixture.scrapeAll();
      const first = await fixture.readAllSeries();
      const again = await fixture.scrapeAll();
      expect(again.map((outcome) => outcome.added)).toEqual(again.map(() => 0));
      expect(await fixture.readAllSeries()).toEqual(first);
      expect(first).toEqual(fixture.groundTruth());
    },
  );

  scrapeWorldTest(
    'gives the same numbers after overlapping backfill windows of one repo',
    async ({ world: fixture }) => {
      await fixture.scrapeAll();
      const t = fixture.nowMs;
      const backfills = [
        await fixture.scrape('acme', 'platform', { fromMs: t - 48 * HOUR, toMs: t - 12 * HOUR }),
        await fixture.scrape('acme', 'platform', { fromMs: t - 24 * HOUR, toMs: t }),
      ];
      expect(backfills.map((outcome) => [outcome.status, outcome.added])).toEqual([
        ['done', 0],
        ['done', 0],
      ]);
      expect(await fixture.readAllSeries()).toEqual(fixture.groundTruth());
    },
  );

  scrapeWorldTest(
    'gives the same numbers when two scrapers read the same repos at once',
    async ({ world: fixture }) => {
      const second = await fixture.sharingRedisAndSimulator();
      await Promise.all([fixture.scrapeAll(), second.scrapeAll()]);
      await second.close();
      expect(await fixture.readAllSeries()).toEqual(fixture.groundTruth());
    },
  );

  scrapeWorldTest(
    'counts events added between two scrapes once, at the next scrape',
    async ({ world: fixture }) => {
      await fixture.scrapeAll();
      const { simulator } = fixture;
      const web = { org: 'acme', repo: 'web' };
      const storefront = { org: 'globex', repo: 'storefront' };
      simulator.addCommit(web, { authorLogin: 'newcomer', additions: 3, deletions: 1 });
      simulator.addCommit(web, {
        authorLogin: null,
        authorEmail: '7+late@users.noreply.github.com',
      });
      const pull = simulator.openPull(storefront, { user: 'newcomer' });
      simulator.addReview(storefront, pull.number, { user: 'reviewer-one', state: 'APPROVED' });
      simulator.addIssueComment(storefront, pull.number, { user: 'newcomer' });
      simulator.mergePull(storefront, pull.number, 'maintainer');
      fixture.nowMs = Date.now();
      const outcomes = await fixture.scrapeAll();
      expect(outcomes.filter((outcome) => outcome.status !== 'done')).toEqual([]);
      const series = await fixture.readAllSeries();
      expect(series).toEqual(fixture.groundTruth());
      const newcomer = series.filter((row) => row.user === 'newcomer');
      expect(
        newcomer.map(({ repo, commits24h, prsOpened24h, prsMerged24h, issueComments24h }) => ({
          repo,
          commits24h,
          prsOpened24h,
          prsMerged24h,
          issueComments24h,
        })),
      ).toEqual([
        { repo: 'web', commits24h: 1, prsOpened24h: 0, prsMerged24h: 0, issueComments24h: 0 },
        {
          repo: 'storefront',
          commits24h: 0,
          prsOpened24h: 1,
          prsMerged24h: 1,
          issueComments24h: 1,
        },
      ]);
      // A third scrape finds nothing new.
      const third = await fixture.scrapeAll();
      expect(third.reduce((sum, outcome) => sum + outcome.added, 0)).toBe(0);
    },
  );
});
