import { describe, expect, it, vi } from 'vitest';

import { isBotLogin } from '@gse/activity';

import { toIncrementalBackfillNeeds } from '../src/index.js';
import { createScrapeFixture } from './scrape-fixture.js';

const MINUTE = 60_000;

describe('scrapeRepo: rules applied when series are computed', () => {
  it('applies exclude_bots at the next refresh either way, without reading history again', async () => {
    const world = await createScrapeFixture({ excludeBots: true });
    try {
      const truth = (excludeBots: boolean) =>
        world.simulator.groundTruth(world.nowMs, { retentionMs: 30 * 86_400_000, excludeBots });
      await world.scrapeAll();
      const withoutBots = await world.readAllSeries();
      expect(withoutBots).toEqual(truth(true));
      expect(withoutBots.filter((row) => isBotLogin(row.user))).toEqual([]);

      // The operator turns exclude_bots off: the next refresh brings the bots' history back.
      const including = await world.sharingRedisAndSimulator({ excludeBots: false });
      try {
        const outcomes = await including.scrapeAll();
        expect(outcomes.reduce((sum, outcome) => sum + outcome.added, 0)).toBe(0);
        // Nothing was read again: every list answered 304 (the empty repo's 409 aside).
        expect(including.reports.filter((report) => report.status === 200)).toEqual([]);
        const withBots = await world.readAllSeries();
        expect(withBots).toEqual(truth(false));
        expect(withBots.filter((row) => isBotLogin(row.user)).length).toBeGreaterThan(0);
      } finally {
        await including.close();
      }
    } finally {
      await world.close();
    }
  });

  it('anchors the window at Redis TIME, so a worker whose clock runs ahead cannot pin it in the future', async () => {
    const world = await createScrapeFixture({ redisClock: true });
    const redisNowMs = async (): Promise<number> => {
      const [seconds, microseconds] = await world.redis.redis.time();
      return Number(seconds) * 1000 + Math.floor(Number(microseconds) / 1000);
    };
    try {
      // A first scrape mints the installation token; the skew below stays inside its hour.
      await world.scrape('acme', 'web');
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(Date.now() + 10 * MINUTE);
      const beforeMs = await redisNowMs();
      const outcome = await world.scrape('acme', 'web');
      const afterMs = await redisNowMs();
      expect(outcome.missing).toEqual([]);
      const anchorMs = outcome.series?.scrapedAtMs ?? 0;
      expect({ notBefore: anchorMs >= beforeMs, notAfter: anchorMs <= afterMs }).toEqual({
        notBefore: true,
        notAfter: true,
      });
    } finally {
      vi.useRealTimers();
      await world.close();
    }
  });

  it('reports a permanent refusal once and keeps the other families of the repo fresh', async () => {
    const world = await createScrapeFixture();
    try {
      const web = { org: 'acme', repo: 'web' };
      const ofWeb = <T extends { repo: string; org: string }>(rows: T[]): T[] =>
        rows.filter((row) => row.org === web.org && row.repo === web.repo);
      await world.scrape(web.org, web.repo);
      // The App loses the Issues permission; meanwhile someone commits and someone comments.
      world.simulator.denyPermission({
        org: 'acme',
        endpoint: 'GET /repos/{owner}/{repo}/issues/comments',
      });
      world.nowMs += 5 * MINUTE;
      world.simulator.addCommit(web, { authorLogin: 'newcomer' }, world.nowMs - MINUTE);
      world.simulator.addIssueComment(web, 1, { user: 'unseen-commenter' }, world.nowMs - MINUTE);

      const first = await world.scrape(web.org, web.repo);
      expect({
        status: first.status,
        missing: first.missing.map(({ resource, reason, error }) => ({ resource, reason, error })),
        newlyRefused: first.newlyRefused,
        needs: toIncrementalBackfillNeeds(first).map((entry) => entry.resource),
        refreshedAt: first.series?.scrapedAtMs,
      }).toEqual({
        status: 'partial',
        missing: [
          {
            resource: 'issue_comments',
            reason: 'github_rejected',
            error: expect.stringContaining('Resource not accessible by integration') as string,
          },
        ],
        newlyRefused: ['issue_comments'],
        needs: ['issue_comments'],
        refreshedAt: world.nowMs,
      });
      // Every family but the refused one equals GitHub; the comment made meanwhile is unseen.
      const withoutUnseen = ofWeb(world.groundTruth()).filter(
        (row) => row.user !== 'unseen-commenter',
      );
      expect(ofWeb(await world.readAllSeries())).toEqual(withoutUnseen);

      // Next cycle: still refused, reported no more.
      world.nowMs += 5 * MINUTE;
      const second = await world.scrape(web.org, web.repo);
      expect([
        second.newlyRefused,
        toIncrementalBackfillNeeds(second),
        second.series?.scrapedAtMs,
      ]).toEqual([[], [], world.nowMs]);

      // Permission back: the comment is read from the resource's checkpoint, exactly.
      world.simulator.clearFaults();
      world.nowMs += 5 * MINUTE;
      const third = await world.scrape(web.org, web.repo);
      expect([third.status, third.noLongerRefused]).toEqual(['done', ['issue_comments']]);
      expect(ofWeb(await world.readAllSeries())).toEqual(ofWeb(world.groundTruth()));
    } finally {
      await world.close();
    }
  });
});
