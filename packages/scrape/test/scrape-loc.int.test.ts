import { describe, expect } from 'vitest';

import { lastCompleteWeek, SCRAPE_CATALOG } from '@gse/activity';

import { scrapeWorldTest } from './scrape-fixture.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const DETAIL_ENDPOINT = SCRAPE_CATALOG.loc.endpoints.commitDetail;

describe('scrapeRepo LOC', () => {
  scrapeWorldTest(
    'skips merge commits in the per-commit fallback, as /stats/contributors does',
    async ({ world }) => {
      // legacy-monolith reports zero lines (10,000+ commits): its LOC comes from the fallback.
      const ref = { org: 'acme', repo: 'legacy-monolith' };
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
      const week = lastCompleteWeek(world.nowMs);
      const repo = world.dataset.orgs[0]?.repos.find((candidate) => candidate.name === ref.repo);
      const readable = (repo?.commits ?? []).filter((commit) => {
        const authoredMs = Date.parse(commit.author.date);
        return (
          commit.branch === repo?.defaultBranch &&
          commit.authorLogin !== null &&
          commit.parents.length === 1 &&
          authoredMs >= week.startMs &&
          authoredMs < week.endMs
        );
      });
      expect(world.reports.filter((report) => report.endpoint === DETAIL_ENDPOINT)).toHaveLength(
        readable.length,
      );
      const truth = world.groundTruth().filter((row) => row.repo === ref.repo);
      const series = (await world.readAllSeries()).filter((row) => row.repo === ref.repo);
      expect(series).toEqual(truth);
    },
  );
});
