import { describe, expect, it } from 'vitest';

import { lastCompleteWeek, SCRAPE_CATALOG } from '@gse/activity';

import type { SimDataset } from '@gse/github-sim';

import { createScrapeFixture, scrapeWorldTest } from './scrape-fixture.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const { commitDetail: DETAIL_ENDPOINT, stats: STATS_ENDPOINT } = SCRAPE_CATALOG.loc.endpoints;
const MONOLITH = { org: 'acme', repo: 'legacy-monolith' };

/** Default-branch commits of the last complete week the fallback reads: linked, no merges. */
function countFallbackCommits(dataset: SimDataset, repoName: string, nowMs: number): number {
  const week = lastCompleteWeek(nowMs);
  const repo = dataset.orgs.flatMap((org) => org.repos).find((r) => r.name === repoName);
  return (repo?.commits ?? []).filter((commit) => {
    const authoredMs = Date.parse(commit.author.date);
    return (
      commit.branch === repo?.defaultBranch &&
      commit.authorLogin !== null &&
      commit.parents.length === 1 &&
      authoredMs >= week.startMs &&
      authoredMs < week.endMs
    );
  }).length;
}

describe('scrapeRepo LOC', () => {
  scrapeWorldTest(
    'skips merge commits in the per-commit fallback, as /stats/contributors does',
    async ({ world }) => {
      // legacy-monolith reports zero lines (10,000+ commits): its LOC comes from the fallback.
      const ref = MONOLITH;
      const atMs = lastCompleteWeek(world.nowMs).startMs + 2 * DAY;
      const pull = world.simulator.openPull(ref, { user: 'zoe' }, atMs);
      world.simulator.addCommit(
        ref,
        { authorLogin: 'zoe', branch: pull.headRef, additions: 40, deletions: 4 },
        atMs + HOUR,
      );
      // A merge commit by heidi: on GitHub its diff (against the first parent) has zoe's lines.
      world.simulator.mergePull(ref, pull.number, 'heidi', atMs + 2 * HOUR);
      await world.scrape(ref.org, ref.repo);
      expect(world.reports.filter((report) => report.endpoint === DETAIL_ENDPOINT)).toHaveLength(
        countFallbackCommits(world.dataset, ref.repo, world.nowMs),
      );
      const truth = world.groundTruth().filter((row) => row.repo === ref.repo);
      const series = (await world.readAllSeries()).filter((row) => row.repo === ref.repo);
      expect(series).toEqual(truth);
    },
  );

  it('records a spent fallback budget once and retries when it renews, not every cycle', async () => {
    const perHour = 30;
    const world = await createScrapeFixture({
      locBudget: { maxCommitDetailCallsPerOrgPerHour: perHour },
    });
    try {
      // One minute into a clock hour: the org's budget renews at the next one.
      world.nowMs = world.nowMs - (world.nowMs % HOUR) + HOUR + 60_000;
      const total = countFallbackCommits(world.dataset, MONOLITH.repo, world.nowMs);
      expect(total).toBeGreaterThan(2 * perHour);
      const locRequests = (): number =>
        world.reports.filter(
          (report) => report.endpoint === DETAIL_ENDPOINT || report.endpoint === STATS_ENDPOINT,
        ).length;

      const first = await world.scrape(MONOLITH.org, MONOLITH.repo);
      expect([first.status, first.missing, first.locTruncation]).toEqual([
        'done',
        [],
        {
          budget: 'org_hour_exhausted',
          unreadCommits: total - perHour,
          retryAtMs: world.nowMs - 60_000 + HOUR,
        },
      ]);

      // Cycles before the renewal send LOC nothing and report nothing new.
      const renewalMs = first.locTruncation?.retryAtMs ?? 0;
      const before = locRequests();
      for (const minutes of [5, 30, 58]) {
        world.nowMs = renewalMs - HOUR + minutes * 60_000;
        const cycle = await world.scrape(MONOLITH.org, MONOLITH.repo);
        expect([
          cycle.status,
          cycle.locTruncation,
          cycle.collectors.map((run) => run.resource),
        ]).toEqual(['done', undefined, ['commits', 'pulls', 'issue_comments']]);
      }
      expect(locRequests()).toBe(before);

      // Each renewal reads the next budget's worth, until the week is complete.
      let unread = total - perHour;
      while (unread > 0) {
        world.nowMs += HOUR;
        const details = world.reports.filter(
          (report) => report.endpoint === DETAIL_ENDPOINT,
        ).length;
        const retry = await world.scrape(MONOLITH.org, MONOLITH.repo);
        const read = Math.min(unread, perHour);
        expect(
          world.reports.filter((report) => report.endpoint === DETAIL_ENDPOINT).length - details,
        ).toBe(read);
        unread -= read;
        expect(retry.locTruncation?.unreadCommits).toBe(unread > 0 ? unread : undefined);
      }
      const truth = world.groundTruth().filter((row) => row.repo === MONOLITH.repo);
      expect((await world.readAllSeries()).filter((row) => row.repo === MONOLITH.repo)).toEqual(
        truth,
      );
    } finally {
      await world.close();
    }
  });
});
