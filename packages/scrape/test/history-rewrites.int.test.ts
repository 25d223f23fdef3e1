import { SCRAPE_CATALOG } from '@gse/activity';
import type { GroundTruthSeries } from '@gse/github-sim';
import { waitFor } from '@gse/testing';
import { describe, expect } from 'vitest';

import { scrapeWorldTest as it, type ScrapeFixture } from './scrape-fixture.js';

const REF = { org: 'acme', repo: 'web' };
/** Its stats report zero lines (10,000+ commits): its LOC comes from per-commit details. */
const MONOLITH = { org: 'acme', repo: 'legacy-monolith' };
const DAY_MS = 86_400_000;
const { pulls: PULLS, reviews: REVIEWS } = SCRAPE_CATALOG.pulls.endpoints;
const COMMITS = SCRAPE_CATALOG.commits.endpoints.commits;

const ofRepo = (
  rows: readonly GroundTruthSeries[],
  ref: { org: string; repo: string } = REF,
): GroundTruthSeries[] => rows.filter((row) => row.org === ref.org && row.repo === ref.repo);

/**
 * Scrapes acme/web at the simulator's current time (events injected just now count) and
 * returns its series and the ground truth, and the requests the scrape sent.
 */
async function scrapeNow(
  world: ScrapeFixture,
  ref: { org: string; repo: string } = REF,
): Promise<{
  stored: GroundTruthSeries[];
  truth: GroundTruthSeries[];
  requests: { endpoint: string; status: number | undefined }[];
}> {
  world.nowMs = Date.now() + 1000;
  const reportsBefore = world.reports.length;
  const outcome = await world.scrape(ref.org, ref.repo);
  expect(outcome.status).toBe('done');
  return {
    stored: ofRepo(await world.readAllSeries(), ref),
    truth: ofRepo(world.groundTruth(), ref),
    requests: world.reports
      .slice(reportsBefore)
      .map(({ endpoint, status }) => ({ endpoint, status })),
  };
}

const reviewsOf = (rows: readonly GroundTruthSeries[], user: string): number | undefined =>
  rows.find((row) => row.user === user)?.reviewsSubmitted24h;

describe('events GitHub shows only on a second look (issue 10)', () => {
  it('counts a review submitted in the second of the PR update already read, at the next scrape', async ({
    world,
  }) => {
    const pull = world.simulator.openPull(REF, { user: 'bob' });
    const first = await scrapeNow(world);
    expect(first.stored).toEqual(first.truth);

    world.simulator.addReviewInUpdateSecond(REF, pull.number, { user: 'carol', state: 'APPROVED' });
    const second = await scrapeNow(world);
    // The PR list is unchanged (`updated_at` kept its second): only the recheck sees the review.
    expect(second.requests.filter((request) => request.endpoint === PULLS)).toEqual([
      { endpoint: PULLS, status: 304 },
    ]);
    expect(second.requests.filter((request) => request.endpoint === REVIEWS)).toEqual([
      { endpoint: REVIEWS, status: 200 },
    ]);
    expect(second.stored).toEqual(second.truth);
    expect(reviewsOf(second.stored, 'carol')).toBe((reviewsOf(first.stored, 'carol') ?? 0) + 1);

    // Rechecked once: a quiet repo asks for no reviews after that.
    const third = await scrapeNow(world);
    expect(third.requests.filter((request) => request.endpoint === REVIEWS)).toEqual([]);
    expect(third.stored).toEqual(third.truth);
  });

  it('counts a review that lands beyond the first page of 100, at the next scrape', async ({
    world,
  }) => {
    const pull = world.simulator.openPull(REF, { user: 'bob' });
    world.simulator.addReviews(REF, pull.number, { count: 150, users: ['carol', 'dave'] });
    const first = await scrapeNow(world);
    expect(first.stored).toEqual(first.truth);
    const carolBefore = reviewsOf(first.stored, 'carol') ?? 0;

    // 150 → 151 (page 2), 151 → 200 (page 2 full), 200 → 201 (a new page 3).
    for (const count of [1, 49, 1]) {
      await nextSecond(); // a new second: `updated_at` moves
      world.simulator.addReviews(REF, pull.number, { count, users: ['carol'] });
      const next = await scrapeNow(world);
      expect(next.stored).toEqual(next.truth);
      // Page 1 of the reviews is not asked again: reading resumes where the next review lands.
      expect(next.requests.filter((request) => request.endpoint === REVIEWS).length).toBeLessThan(
        3,
      );
    }
    expect(reviewsOf(ofRepo(await world.readAllSeries()), 'carol')).toBe(carolBefore + 51);
  });

  it('follows a force-push that drops commits and adds others: counts and per-commit LOC, at the next scrape', async ({
    world,
  }) => {
    // Authored in the last complete week, so the LOC fallback reads their lines.
    const authorDateMs = lastCompleteWeekStartMs(Date.now()) + 2 * DAY_MS;
    for (const additions of [10, 20]) {
      world.simulator.addCommit(MONOLITH, {
        authorLogin: 'history-rewriter',
        additions,
        deletions: 1,
        authorDateMs,
      });
    }
    const first = await scrapeNow(world, MONOLITH);
    expect(first.stored).toEqual(first.truth);
    expect(first.stored.find((row) => row.user === 'history-rewriter')).toMatchObject({
      commits24h: 2,
      locAddedWeekly: 30,
    });

    await nextSecond(); // the push gets its own second
    world.simulator.forcePush(MONOLITH, {
      dropCommits: 2,
      commits: [{ authorLogin: 'history-rewriter', additions: 5, deletions: 0, authorDateMs }],
    });
    const second = await scrapeNow(world, MONOLITH);
    expect(second.stored).toEqual(second.truth);
    expect(second.stored.find((row) => row.user === 'history-rewriter')).toMatchObject({
      commits24h: 1,
      locAddedWeekly: 5,
      locRemovedWeekly: 0,
    });

    // A plain push afterwards is no rewrite: nothing is listed again.
    await nextSecond();
    world.simulator.addCommit(MONOLITH, { authorLogin: 'history-rewriter' });
    const third = await scrapeNow(world, MONOLITH);
    expect(third.stored).toEqual(third.truth);
    expect(
      third.requests.filter((request) => request.endpoint === COMMITS && request.status === 200),
    ).toHaveLength(1);
  });
});

/** The start of the last complete Sunday-to-Sunday UTC week before `ms`. */
function lastCompleteWeekStartMs(ms: number): number {
  const day = Math.floor(ms / DAY_MS);
  const sinceSunday = (((day + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday
  return (day - sinceSunday - 7) * DAY_MS;
}

/** Waits for the clock's next second: an event then moves `updated_at`/the head's date. */
async function nextSecond(): Promise<void> {
  const second = Math.floor(Date.now() / 1000);
  await waitFor(() => Math.floor(Date.now() / 1000) > second, {
    timeoutMs: 2000,
    intervalMs: 20,
    description: 'the next second',
  });
}
