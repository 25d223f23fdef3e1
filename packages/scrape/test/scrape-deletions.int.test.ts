import type { GroundTruthSeries, SimIssueComment } from '@gse/github-sim';
import { describe, expect, it } from 'vitest';

import { createScrapeFixture, type ScrapeFixture } from './scrape-fixture.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const INTERVAL = 10 * MINUTE;
const COMMENTS_ENDPOINT = 'GET /repos/{owner}/{repo}/issues/comments';

function commentsOf(world: ScrapeFixture, repo: string): SimIssueComment[] {
  const found = world.dataset.orgs
    .find((org) => org.login === 'acme')
    ?.repos.find((candidate) => candidate.name === repo);
  if (!found) throw new Error(`no acme/${repo}`);
  return found.comments;
}

/** The stored series of some acme repos. */
async function seriesOf(world: ScrapeFixture, ...repos: string[]): Promise<GroundTruthSeries[]> {
  return (await world.readAllSeries()).filter(
    (row) => row.org === 'acme' && repos.includes(row.repo),
  );
}

/** The ground truth of some acme repos at the scrapers' clock. */
function truthOf(world: ScrapeFixture, ...repos: string[]): GroundTruthSeries[] {
  return world.groundTruth().filter((row) => row.org === 'acme' && repos.includes(row.repo));
}

/** Counted requests to the issue-comment list since the last `resetCounters()`. */
function countedCommentRequests(world: ScrapeFixture): number {
  return world.simulator.counters().endpoints[COMMENTS_ENDPOINT]?.counted ?? 0;
}

/** A comment of the repo created in the last 24 h, neither the newest nor the oldest of them. */
function recentComment(world: ScrapeFixture, repo: string, hoursAgo: number): SimIssueComment {
  const sinceMs = world.nowMs - hoursAgo * HOUR;
  const found = commentsOf(world, repo).find(
    (comment) =>
      Date.parse(comment.createdAt) > sinceMs &&
      Date.parse(comment.createdAt) < world.nowMs - HOUR &&
      comment.updatedAt === comment.createdAt,
  );
  if (!found) throw new Error(`acme/${repo} has a comment of the last ${hoursAgo} h`);
  return found;
}

describe('scrapeRepo: comments GitHub no longer lists leave the counts', () => {
  it('a repo whose first comment page reaches back to retention drops a deleted comment in the next cycle, at no extra request', async () => {
    const world = await createScrapeFixture({ scrape: { commentReconcileIntervalMs: INTERVAL } });
    try {
      const first = await world.scrapeAll();
      expect(
        first.every((outcome) => outcome.reconciledToRetention.includes('issue_comments')),
      ).toBe(true);
      const deleted = recentComment(world, 'mobile', 24);
      world.simulator.deleteIssueComment({ org: 'acme', repo: 'mobile' }, deleted.id);
      expect(await seriesOf(world, 'mobile')).not.toEqual(truthOf(world, 'mobile'));

      world.nowMs += 5 * MINUTE;
      world.simulator.resetCounters();
      const outcome = await world.scrape('acme', 'mobile');
      expect(outcome).toMatchObject({
        status: 'done',
        removed: 1,
        reconcileRequests: 0,
        reconciledToRetention: ['issue_comments'],
      });
      // The one page the cycle reads anyway (its ETag changed with the deletion).
      expect(countedCommentRequests(world)).toBe(1);
      expect(await seriesOf(world, 'mobile')).toEqual(truthOf(world, 'mobile'));

      // Unchanged since: a free 304 proves the ledger whole again.
      world.nowMs += 5 * MINUTE;
      world.simulator.resetCounters();
      expect(await world.scrape('acme', 'mobile')).toMatchObject({
        removed: 0,
        reconcileRequests: 0,
        reconciledToRetention: ['issue_comments'],
      });
      expect(countedCommentRequests(world)).toBe(0);
    } finally {
      await world.close();
    }
  }, 90_000);

  it('a busy repo drops a deletion beyond its first page once comment_reconcile_interval has passed', async () => {
    const world = await createScrapeFixture({ scrape: { commentReconcileIntervalMs: INTERVAL } });
    try {
      // 110 comments in the last half hour: the first page (100) no longer reaches back 24 h.
      const web = { org: 'acme', repo: 'web' };
      const pull = world.dataset.orgs[0]?.repos.find((repo) => repo.name === 'web')?.pulls[0];
      if (!pull) throw new Error('acme/web has PRs');
      for (let index = 0; index < 110; index++) {
        world.simulator.addIssueComment(
          web,
          pull.number,
          { user: 'busy' },
          world.nowMs - 30 * MINUTE + index * 10_000,
        );
      }
      await world.scrapeAll();
      expect(await seriesOf(world, 'web')).toEqual(truthOf(world, 'web'));

      const older = recentComment(world, 'web', 20);
      world.simulator.deleteIssueComment(web, older.id);
      world.nowMs += 5 * MINUTE;
      world.simulator.resetCounters();
      // The first page did not change (304) and cannot prove the older range: not due yet.
      expect(await world.scrape('acme', 'web')).toMatchObject({
        removed: 0,
        reconcileRequests: 0,
        reconciledToRetention: [],
      });
      expect(countedCommentRequests(world)).toBe(0);
      expect(await seriesOf(world, 'web')).not.toEqual(truthOf(world, 'web'));

      // Due: the list since retention, every page, compared with the ledger.
      world.nowMs += INTERVAL;
      world.simulator.resetCounters();
      const due = await world.scrape('acme', 'web');
      const pages = Math.ceil(
        commentsOf(world, 'web').filter(
          (comment) => Date.parse(comment.updatedAt) >= world.nowMs - 30 * 24 * HOUR - 1000,
        ).length / 100,
      );
      expect(due).toMatchObject({
        removed: 1,
        reconcileRequests: pages,
        reconciledToRetention: ['issue_comments'],
      });
      expect(pages).toBeGreaterThan(1);
      expect(countedCommentRequests(world)).toBe(pages);
      expect(await seriesOf(world, 'web')).toEqual(truthOf(world, 'web'));

      // After a token rotation the first page is a counted 200 anyway: when due, the read goes
      // on from it, so only the pages after the first cost extra.
      const another = recentComment(world, 'web', 20);
      world.simulator.deleteIssueComment(web, another.id);
      world.simulator.expireTokens('acme');
      world.nowMs += INTERVAL;
      world.simulator.resetCounters();
      expect(await world.scrape('acme', 'web')).toMatchObject({
        removed: 1,
        reconcileRequests: pages - 1,
        reconciledToRetention: ['issue_comments'],
      });
      expect(countedCommentRequests(world)).toBe(pages);
      expect(await seriesOf(world, 'web')).toEqual(truthOf(world, 'web'));
    } finally {
      await world.close();
    }
  }, 90_000);

  it("a transferred issue's comments leave the old repo and count in the new one in the next cycle", async () => {
    const world = await createScrapeFixture({ scrape: { commentReconcileIntervalMs: INTERVAL } });
    try {
      await world.scrapeAll();
      const mobile = { org: 'acme', repo: 'mobile' };
      const repo = world.dataset.orgs[0]?.repos.find((candidate) => candidate.name === 'mobile');
      // An issue (not a PR) of acme/mobile commented on in the last 24 h.
      const issue = repo?.issues.find((candidate) =>
        commentsOf(world, 'mobile').some(
          (comment) =>
            comment.issueNumber === candidate.number &&
            Date.parse(comment.createdAt) > world.nowMs - 24 * HOUR,
        ),
      );
      if (!issue) throw new Error('acme/mobile has an issue commented on in the last 24 h');
      const commentCount = commentsOf(world, 'mobile').filter(
        (comment) =>
          comment.issueNumber === issue.number &&
          Date.parse(comment.createdAt) > world.nowMs - 30 * 24 * HOUR,
      ).length;
      world.simulator.transferIssue(mobile, issue.number, 'community');

      world.nowMs += 5 * MINUTE;
      const [fromOutcome, toOutcome] = [
        await world.scrape('acme', 'mobile'),
        await world.scrape('acme', 'community'),
      ];
      expect(fromOutcome).toMatchObject({ removed: commentCount, reconcileRequests: 0 });
      expect(toOutcome).toMatchObject({ added: commentCount, removed: 0, reconcileRequests: 0 });
      expect(await seriesOf(world, 'mobile', 'community')).toEqual(
        truthOf(world, 'mobile', 'community'),
      );
    } finally {
      await world.close();
    }
  }, 90_000);

  it('a deleted PR review comment leaves the counts like an issue comment', async () => {
    const world = await createScrapeFixture({
      scrape: {
        commentReconcileIntervalMs: INTERVAL,
        resources: ['commits', 'pulls', 'issue_comments', 'pr_review_comments', 'loc'],
      },
    });
    try {
      const mobile = { org: 'acme', repo: 'mobile' };
      const pull = world.dataset.orgs[0]?.repos.find((repo) => repo.name === 'mobile')?.pulls[0];
      if (!pull) throw new Error('acme/mobile has PRs');
      const comments = [0, 1, 2].map((index) =>
        world.simulator.addReviewComment(
          mobile,
          pull.number,
          { user: 'reviewer' },
          world.nowMs - (3 - index) * HOUR,
        ),
      );
      await world.scrapeAll();
      expect(await seriesOf(world, 'mobile')).toEqual(truthOf(world, 'mobile'));

      world.simulator.deleteReviewComment(mobile, comments[1]?.id ?? 0);
      world.nowMs += 5 * MINUTE;
      expect(await world.scrape('acme', 'mobile')).toMatchObject({
        removed: 1,
        reconcileRequests: 0,
        reconciledToRetention: ['issue_comments', 'pr_review_comments'],
      });
      expect(await seriesOf(world, 'mobile')).toEqual(truthOf(world, 'mobile'));
    } finally {
      await world.close();
    }
  }, 90_000);
});
