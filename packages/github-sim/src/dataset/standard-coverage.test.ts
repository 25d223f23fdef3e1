import { beforeAll, describe, expect, it } from 'vitest';

import { attributeCommit, computeGroundTruth, lastCompleteWeek } from '../ground-truth.js';
import type { GroundTruthSeries } from '../ground-truth.js';
import type { SimCommit, SimDataset, SimOrg, SimRepo } from '../model.js';
import { generateDataset } from './generate-dataset.js';

const DAY = 86_400_000;

/** Different seeds and ends of history: a Saturday, a Sunday 00:00 sharp, a fractional second. */
describe.each([
  { seed: 20_261_128, generatedAt: '2026-11-28T13:00:00Z' },
  { seed: 1, generatedAt: '2026-11-29T00:00:00Z' },
  { seed: 99, generatedAt: '2027-03-02T23:59:59.500Z' },
])(
  'the standard dataset (seed $seed, ending $generatedAt) covers every case',
  ({ seed, generatedAt }) => {
    const t = Date.parse(generatedAt);
    // Events lie on whole seconds: the edges are relative to t truncated to a second.
    const anchorMs = Math.floor(t / 1000) * 1000;
    const windowStartMs = t - DAY;
    const retentionStartMs = t - 30 * DAY;

    let dataset: SimDataset;
    let truth: GroundTruthSeries[];
    let repos: SimRepo[];
    /** Repos a fresh fleet scrapes (not archived, not disabled). */
    let scraped: SimRepo[];

    beforeAll(() => {
      dataset = generateDataset({
        seed,
        generatedAtMs: t,
        keyPairs: [
          { appId: 101, privateKeyPem: 'k', publicKeyPem: 'k' },
          { appId: 102, privateKeyPem: 'k', publicKeyPem: 'k' },
        ],
      });
      truth = computeGroundTruth(dataset, { atMs: t });
      repos = dataset.orgs.flatMap((org) => org.repos);
      scraped = repos.filter((r) => !r.archived && !r.disabled);
    });

    const ms = (iso: string): number => Date.parse(iso);
    const inWindow = (iso: string | null): boolean =>
      iso !== null && ms(iso) > windowStartMs && ms(iso) <= t;
    const inRetention = (iso: string | null): boolean =>
      iso !== null && ms(iso) > retentionStartMs && ms(iso) <= t;
    const defaultCommits = (repo: SimRepo): SimCommit[] =>
      repo.commits.filter((c) => c.branch === repo.defaultBranch);
    const recentDefaultCommits = (repo: SimRepo): SimCommit[] =>
      defaultCommits(repo).filter((c) => inRetention(c.committer.date));
    const allCommits = (): SimCommit[] => scraped.flatMap(recentDefaultCommits);
    const pulls = (): SimRepo['pulls'] => scraped.flatMap((r) => r.pulls);
    const reviews = (): SimRepo['pulls'][number]['reviews'] => pulls().flatMap((p) => p.reviews);

    it('has org acme on App 101 / installation 1001 and globex on 102 / 1002', () => {
      const ref = (org: SimOrg): [string, number, number] => [
        org.login,
        org.appId,
        org.installationId,
      ];
      expect(dataset.orgs.map(ref)).toEqual([
        ['acme', 101, 1001],
        ['globex', 102, 1002],
      ]);
      expect(dataset.apps.map((a) => [a.appId, a.slug])).toEqual([
        [101, 'gse-acme'],
        [102, 'gse-globex'],
      ]);
    });

    it('has many users, and bots of type Bot', () => {
      expect(dataset.users.length).toBeGreaterThan(100);
      const bots = dataset.users.filter((u) => u.type === 'Bot').map((u) => u.login);
      expect(bots).toEqual(expect.arrayContaining(['dependabot[bot]', 'renovate[bot]']));
      expect(allCommits().some((c) => c.authorLogin === 'dependabot[bot]')).toBe(true);
      expect(pulls().some((p) => p.user === 'renovate[bot]' && inRetention(p.createdAt))).toBe(
        true,
      );
    });

    it('has unlinked authors: noreply emails in both forms and plain emails', () => {
      const unlinked = allCommits().filter((c) => c.authorLogin === null);
      const emails = unlinked.map((c) => c.author.email);
      expect(emails.some((e) => /^\d+\+[a-z-]+@users\.noreply\.github\.com$/.test(e))).toBe(true);
      expect(emails.some((e) => /^[a-z-]+@users\.noreply\.github\.com$/.test(e))).toBe(true);
      expect(emails.some((e) => !e.endsWith('@users.noreply.github.com'))).toBe(true);
      // A plain email whose local part is someone's login still counts as `unlinked`.
      expect(unlinked.some((c) => c.author.email === 'alice@old-laptop.local')).toBe(true);
      expect(truth.some((s) => s.user === 'unlinked' && s.commits24h > 0)).toBe(true);
    });

    it('has UI merges committed by web-flow and authored by a person (merge and squash)', () => {
      const uiMerges = allCommits().filter((c) => c.committerLogin === 'web-flow');
      expect(uiMerges.every((c) => c.authorLogin !== null && c.authorLogin !== 'web-flow')).toBe(
        true,
      );
      expect(uiMerges.some((c) => c.parents.length === 2)).toBe(true);
      expect(uiMerges.some((c) => c.parents.length === 1 && c.files.length > 0)).toBe(true);
      expect(uiMerges.some((c) => inWindow(c.committer.date))).toBe(true);
      expect(truth.some((s) => s.user === 'web-flow')).toBe(false);
    });

    it('has a repo with hundreds of commits a day over the retention window', () => {
      const busiest = Math.max(...scraped.map((r) => recentDefaultCommits(r).length));
      expect(busiest / 30).toBeGreaterThanOrEqual(150);
    });

    it('has a repo with more than 100 PRs updated in the last 24 hours', () => {
      const hot = scraped.map((r) => r.pulls.filter((p) => inWindow(p.updatedAt)).length);
      expect(Math.max(...hot)).toBeGreaterThan(100);
    });

    it('has a repo with more than 100 contributors, over 100 of them with lines last week', () => {
      const contributors = scraped.map(
        (r) => new Set(defaultCommits(r).map((c) => c.authorLogin)).size,
      );
      expect(Math.max(...contributors)).toBeGreaterThan(100);
      const withLines = new Map<string, number>();
      for (const s of truth)
        if (s.locAddedWeekly > 0) withLines.set(s.repo, (withLines.get(s.repo) ?? 0) + 1);
      expect(Math.max(...withLines.values())).toBeGreaterThan(100);
    });

    it('has a scraped repo whose stats report zero lines, with real lines last week', () => {
      const zero = scraped.filter((r) => r.statsReportZeroLines);
      expect(zero.length).toBeGreaterThan(0);
      expect(truth.some((s) => zero.some((r) => r.name === s.repo) && s.locAddedWeekly > 0)).toBe(
        true,
      );
    });

    it('has an empty repo', () => {
      expect(scraped.some((r) => r.commits.length === 0)).toBe(true);
    });

    it('has a default branch other than main, with recent commits on other branches that do not count', () => {
      const repo = scraped.find((r) => r.defaultBranch !== 'main');
      expect(repo?.defaultBranch).toBe('develop');
      const elsewhere =
        repo?.commits.filter((c) => c.branch !== 'develop' && inWindow(c.committer.date)) ?? [];
      expect(new Set(elsewhere.map((c) => c.branch)).size).toBeGreaterThanOrEqual(2);
      // Someone who commits only to other branches gets no series from it.
      const onlyElsewhere = elsewhere
        .map((c) => c.authorLogin)
        .filter(
          (login) => !repo?.commits.some((c) => c.branch === 'develop' && c.authorLogin === login),
        );
      expect(onlyElsewhere.length).toBeGreaterThan(0);
      expect(truth.some((s) => s.repo === repo?.name && onlyElsewhere.includes(s.user))).toBe(
        false,
      );
    });

    it('has archived repos (one active in the last 30 days), a disabled repo and a fork', () => {
      const archived = repos.filter((r) => r.archived);
      expect(archived.length).toBeGreaterThanOrEqual(2);
      expect(archived.some((r) => r.commits.some((c) => inRetention(c.committer.date)))).toBe(true);
      const disabled = repos.filter((r) => r.disabled);
      expect(disabled.some((r) => r.commits.some((c) => inRetention(c.committer.date)))).toBe(true);
      expect(truth.some((s) => [...archived, ...disabled].some((r) => r.name === s.repo))).toBe(
        false,
      );
      expect(
        scraped.some((r) => r.fork && r.commits.some((c) => inRetention(c.committer.date))),
      ).toBe(true);
    });

    it('has drafts, open, closed-unmerged PRs and PRs merged by someone else', () => {
      const recent = pulls().filter((p) => inRetention(p.updatedAt));
      expect(recent.some((p) => p.draft && p.state === 'open')).toBe(true);
      expect(recent.some((p) => !p.draft && p.state === 'open')).toBe(true);
      expect(recent.some((p) => p.state === 'closed' && p.mergedAt === null)).toBe(true);
      expect(recent.some((p) => p.mergedAt !== null && p.mergedBy !== p.user)).toBe(true);
      expect(recent.some((p) => p.mergedAt !== null && p.mergedBy === p.user)).toBe(true);
    });

    it('has reviews in every state, PENDING without submittedAt, several by one reviewer on a PR', () => {
      const states = new Set(reviews().map((r) => r.state));
      expect([...states].sort()).toEqual([
        'APPROVED',
        'CHANGES_REQUESTED',
        'COMMENTED',
        'DISMISSED',
        'PENDING',
      ]);
      expect(reviews().every((r) => (r.state === 'PENDING') === (r.submittedAt === null))).toBe(
        true,
      );
      const repeated = pulls().some((p) =>
        p.reviews.some((r) => p.reviews.filter((other) => other.user === r.user).length >= 3),
      );
      expect(repeated).toBe(true);
    });

    it('has comments on PRs and issues, edited ones, and old comments edited recently', () => {
      const comments = scraped.flatMap((r) =>
        r.comments.map((c) => ({ ...c, onPull: r.pulls.some((p) => p.number === c.issueNumber) })),
      );
      expect(comments.some((c) => c.onPull && inWindow(c.createdAt))).toBe(true);
      expect(comments.some((c) => !c.onPull && inWindow(c.createdAt))).toBe(true);
      expect(comments.some((c) => c.updatedAt > c.createdAt)).toBe(true);
      expect(comments.some((c) => !inRetention(c.createdAt) && inWindow(c.updatedAt))).toBe(true);
      expect(
        comments.some(
          (c) => inRetention(c.createdAt) && !inWindow(c.createdAt) && inWindow(c.updatedAt),
        ),
      ).toBe(true);
    });

    it('has rebased commits authored days before they were committed', () => {
      expect(allCommits().some((c) => ms(c.committer.date) - ms(c.author.date) >= DAY)).toBe(true);
    });

    it('has at least six weeks of history, and people active only before retention have no series', () => {
      const oldest = Math.min(
        ...scraped.flatMap((r) => r.commits.map((c) => ms(c.committer.date))),
      );
      expect(oldest).toBeLessThanOrEqual(t - 42 * DAY);
      const series = new Set(truth.map((s) => s.user));
      const activeBefore = new Set(
        scraped.flatMap((r) => defaultCommits(r).map((c) => attributeCommit(c))),
      );
      const onlyOld = [...activeBefore].filter((login) => !series.has(login));
      expect(onlyOld).toContain('uma');
    });

    it('has quiet users (a series of zeros) and users with no activity at all', () => {
      const quiet = truth.filter(
        (s) =>
          s.commits24h +
            s.prsOpened24h +
            s.prsMerged24h +
            s.reviewsSubmitted24h +
            s.issueComments24h ===
          0,
      );
      expect(quiet.length).toBeGreaterThan(5);
      expect(dataset.users.some((u) => u.login === 'zoe')).toBe(true);
      expect(truth.some((s) => s.user === 'zoe')).toBe(false);
    });

    it('has events exactly at t − 24h (excluded) and one second inside, of every kind', () => {
      const edge = new Date(anchorMs - DAY).toISOString().replace('.000Z', 'Z');
      const inside = new Date(anchorMs - DAY + 1000).toISOString().replace('.000Z', 'Z');
      for (const at of [edge, inside]) {
        expect(allCommits().some((c) => c.committer.date === at)).toBe(true);
        expect(pulls().some((p) => p.createdAt === at)).toBe(true);
        expect(pulls().some((p) => p.mergedAt === at)).toBe(true);
        expect(reviews().some((r) => r.submittedAt === at)).toBe(true);
        expect(scraped.some((r) => r.comments.some((c) => c.createdAt === at))).toBe(true);
      }
      const payments = (user: string): GroundTruthSeries | undefined =>
        truth.find((s) => s.repo === 'payments' && s.user === user);
      expect(payments('lena')).toMatchObject({ commits24h: 0, issueComments24h: 0 });
      expect(payments('marco')).toMatchObject({ commits24h: 1, issueComments24h: 1 });
      expect(payments('nadia')).toMatchObject({ prsOpened24h: 0 });
      expect(payments('oscar')).toMatchObject({ prsOpened24h: 1 });
      expect(payments('priya')).toMatchObject({ prsMerged24h: 0 });
      expect(payments('quinn')).toMatchObject({ prsMerged24h: 1 });
      expect(payments('rosa')).toMatchObject({ reviewsSubmitted24h: 1 });
      expect(payments('xavier')).toBeUndefined();
      expect(payments('yara')?.lastEventUnixtime).toBe((anchorMs - 30 * DAY) / 1000 + 1);
    });

    it('has commits on both edges of the last complete week', () => {
      const week = lastCompleteWeek(anchorMs);
      const authored = new Set(allCommits().map((c) => ms(c.author.date)));
      for (const edge of [week.startMs - 1000, week.startMs, week.endMs - 1000, week.endMs]) {
        expect(authored.has(edge)).toBe(true);
      }
      const kenji = truth.find((s) => s.repo === 'payments' && s.user === 'kenji');
      expect(kenji).toMatchObject({ locAddedWeekly: 18, locRemovedWeekly: 5 });
    });

    it('stays small enough that a 30-day scrape needs at most a few thousand requests', () => {
      // Per repo: repo + stats + commit pages + PR pages + one reviews call per PR + comment pages.
      const pages = (n: number): number => Math.max(1, Math.ceil(n / 100));
      const requests = scraped.reduce((sum, repo) => {
        const recentPulls = repo.pulls.filter((p) => inRetention(p.updatedAt)).length;
        const recentComments = repo.comments.filter((c) => inRetention(c.updatedAt)).length;
        return (
          sum +
          2 +
          pages(recentDefaultCommits(repo).length) +
          pages(recentPulls) +
          recentPulls +
          pages(recentComments)
        );
      }, 0);
      expect(requests).toBeLessThan(3000);
    });
  },
);
