import { isDeepStrictEqual } from 'node:util';

import type { GroundTruthSeries } from '@gse/github-sim';
import { waitFor } from '@gse/testing';
import { afterEach, describe, expect, it } from 'vitest';

import {
  createAcmeFleet,
  readExposedSeries,
  startScrapingFleet,
  type FleetFixture,
} from './fleet-fixture.js';

const INTERVAL_MS = 3000;
/** One cycle in flight when the change lands, the next one, and a loaded machine's slack. */
const ONE_CYCLE_MS = 2 * INTERVAL_MS + 15_000;
const DAY_MS = 86_400_000;
const WEB = { org: 'acme', repo: 'web' };
/** Its stats report zero lines (10,000+ commits): its LOC comes from per-commit details. */
const MONOLITH = { org: 'acme', repo: 'legacy-monolith' };
const ALLOWLIST = [WEB.repo, MONOLITH.repo];

let fixture: FleetFixture | undefined;

afterEach(async () => {
  await fixture?.cleanup();
  fixture = undefined;
});

describe('history rewrites on /metrics (real scheduler, worker and gateway; real Redis; the simulator)', () => {
  it('shows a review in the PR update second, a review beyond the first 100 and a force-push within one cycle', async () => {
    const fleet = await createAcmeFleet({
      repos: ALLOWLIST,
      scrapeInterval: `${INTERVAL_MS}ms`,
      metricRefreshInterval: '100ms',
    });
    fixture = fleet;
    const { gateway } = await startScrapingFleet(fleet);

    const scrapedAtMs = async (ref: { org: string; repo: string }): Promise<number> =>
      Number((await fleet.redis.redis.zscore(fleet.keys.repoIndex, `${ref.org}/${ref.repo}`)) ?? 0);
    /** Resolves once a scrape of `ref` that started after `sinceMs` has stored its series. */
    const scrapeAfter = (ref: { org: string; repo: string }, sinceMs: number): Promise<number> =>
      waitFor(async () => ((await scrapedAtMs(ref)) > sinceMs ? scrapedAtMs(ref) : undefined), {
        timeoutMs: ONE_CYCLE_MS,
        description: `a scrape of ${ref.repo} after ${new Date(sinceMs).toISOString()}`,
      });
    /** `/metrics` and the ground truth at the stored scrape times, read while no scrape lands. */
    const exposedAndTruth = async (): Promise<{
      exposed: GroundTruthSeries[];
      truth: GroundTruthSeries[];
    }> =>
      waitFor(
        async () => {
          const before = [await scrapedAtMs(WEB), await scrapedAtMs(MONOLITH)];
          const exposed = await readExposedSeries(gateway);
          // The ground truth lists every repo of the org; the fleet reads the allowlisted ones.
          const truth = (await fleet.groundTruthAtScrapeTimes()).filter((row) =>
            ALLOWLIST.includes(row.repo),
          );
          const after = [await scrapedAtMs(WEB), await scrapedAtMs(MONOLITH)];
          return before.join() === after.join() ? { exposed, truth } : undefined;
        },
        { timeoutMs: ONE_CYCLE_MS, description: '/metrics read between two scrapes' },
      );
    /**
     * `/metrics` equals the ground truth within one cycle of the change: once a scrape of
     * `ref` started after it, and the gateway's snapshot (`store.metric_refresh_interval`)
     * caught up. On timeout the last comparison shows the difference.
     */
    const expectTruthWithinOneCycle = async (
      ref: { org: string; repo: string },
      changedAtMs: number,
    ): Promise<GroundTruthSeries[]> => {
      const deadlineMs = Math.max(changedAtMs, Date.now()) + ONE_CYCLE_MS;
      await scrapeAfter(ref, changedAtMs);
      let last = await exposedAndTruth();
      while (!isDeepStrictEqual(last.exposed, last.truth) && Date.now() < deadlineMs) {
        last = await exposedAndTruth();
      }
      expect(last.exposed).toEqual(last.truth);
      return last.exposed.filter((row) => row.repo === ref.repo);
    };
    const rowOf = (
      rows: readonly GroundTruthSeries[],
      user: string,
    ): GroundTruthSeries | undefined => rows.find((row) => row.user === user);

    await scrapeAfter(WEB, 0);
    await scrapeAfter(MONOLITH, 0);
    const initial = await expectTruthWithinOneCycle(WEB, 0);
    expect(initial.length).toBeGreaterThan(0);
    const carolBefore = rowOf(initial, 'carol')?.reviewsSubmitted24h ?? 0;

    // A PR, read by a scrape; then a review in the second of its last update.
    const pull = fleet.simulator.openPull(WEB, { user: 'bob' });
    await scrapeAfter(WEB, Date.now());
    fleet.simulator.addReviewInUpdateSecond(WEB, pull.number, { user: 'carol', state: 'APPROVED' });
    const sameSecond = await expectTruthWithinOneCycle(WEB, Date.now());
    expect(rowOf(sameSecond, 'carol')?.reviewsSubmitted24h).toBe(carolBefore + 1);

    // 150 reviews, read; then one more, on the second page.
    await sleepToNextSecond();
    fleet.simulator.addReviews(WEB, pull.number, { count: 150, users: ['dave'] });
    await scrapeAfter(WEB, Date.now());
    await sleepToNextSecond();
    fleet.simulator.addReviews(WEB, pull.number, { count: 1, users: ['carol'] });
    const secondPage = await expectTruthWithinOneCycle(WEB, Date.now());
    expect(rowOf(secondPage, 'carol')?.reviewsSubmitted24h).toBe(carolBefore + 2);

    // Two commits authored last week (the LOC fallback reads them), read; then a force-push
    // that drops both and pushes one.
    const authorDateMs = lastCompleteWeekStartMs(Date.now()) + 2 * DAY_MS;
    for (const additions of [10, 20]) {
      fleet.simulator.addCommit(MONOLITH, {
        authorLogin: 'history-rewriter',
        additions,
        deletions: 1,
        authorDateMs,
      });
    }
    await scrapeAfter(MONOLITH, Date.now());
    await sleepToNextSecond();
    fleet.simulator.forcePush(MONOLITH, {
      dropCommits: 2,
      commits: [{ authorLogin: 'history-rewriter', additions: 5, deletions: 0, authorDateMs }],
    });
    const rewritten = await expectTruthWithinOneCycle(MONOLITH, Date.now());
    expect(rowOf(rewritten, 'history-rewriter')).toMatchObject({
      commits24h: 1,
      locAddedWeekly: 5,
      locRemovedWeekly: 0,
    });
  });
});

/** Events of a new second move `updated_at`: the steps that are not about the same second. */
async function sleepToNextSecond(): Promise<void> {
  const second = Math.floor(Date.now() / 1000);
  await waitFor(() => Math.floor(Date.now() / 1000) > second, {
    timeoutMs: 2000,
    intervalMs: 20,
    description: 'the next second',
  });
}

/** The start of the last complete Sunday-to-Sunday UTC week before `ms`. */
function lastCompleteWeekStartMs(ms: number): number {
  const day = Math.floor(ms / DAY_MS);
  const sinceSunday = (((day + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday
  return (day - sinceSunday - 7) * DAY_MS;
}
