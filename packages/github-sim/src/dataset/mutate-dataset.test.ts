import { beforeAll, describe, expect, it } from 'vitest';

import { computeGroundTruth } from '../ground-truth.js';
import type { GroundTruthSeries } from '../ground-truth.js';
import type { SimDataset } from '../model.js';
import { listDatasetViolations } from './dataset-invariants.js';
import { generateDataset } from './generate-dataset.js';
import {
  addCommit,
  addIssueComment,
  addReview,
  findRepo,
  mergePull,
  openPull,
} from './mutate-dataset.js';
import { SimConflictError, SimNotFoundError } from './sim-errors.js';

const GENERATED_AT_MS = Date.parse('2026-11-28T13:00:00Z');
/** Run time: an hour after the history ends. */
const NOW = GENERATED_AT_MS + 3_600_000;
const NOW_ISO = '2026-11-28T14:00:00Z';
const WEB = { org: 'acme', repo: 'web' };

let pristine: SimDataset;

beforeAll(() => {
  pristine = generateDataset({
    seed: 5,
    generatedAtMs: GENERATED_AT_MS,
    keyPairs: [
      { appId: 101, privateKeyPem: 'k', publicKeyPem: 'k' },
      { appId: 102, privateKeyPem: 'k', publicKeyPem: 'k' },
    ],
  });
});

function fresh(): SimDataset {
  return structuredClone(pristine);
}

const ZERO = {
  commits24h: 0,
  prsOpened24h: 0,
  prsMerged24h: 0,
  reviewsSubmitted24h: 0,
  issueComments24h: 0,
};

function seriesOf(dataset: SimDataset, repo: string, user: string): GroundTruthSeries {
  const found = computeGroundTruth(dataset, { atMs: NOW }).find(
    (s) => s.repo === repo && s.user === user,
  );
  return (
    found ?? {
      org: '',
      repo,
      user,
      ...ZERO,
      prReviewComments24h: 0,
      locAddedWeekly: 0,
      locRemovedWeekly: 0,
      lastEventUnixtime: 0,
    }
  );
}

/** How a series moved between two datasets, 24 h counters and last event only. */
function delta(before: GroundTruthSeries, after: GroundTruthSeries): Record<string, number> {
  return {
    commits24h: after.commits24h - before.commits24h,
    prsOpened24h: after.prsOpened24h - before.prsOpened24h,
    prsMerged24h: after.prsMerged24h - before.prsMerged24h,
    reviewsSubmitted24h: after.reviewsSubmitted24h - before.reviewsSubmitted24h,
    issueComments24h: after.issueComments24h - before.issueComments24h,
    lastEventUnixtime: after.lastEventUnixtime,
  };
}

describe('findRepo', () => {
  it('matches names case-insensitively and names what is missing', () => {
    const dataset = fresh();
    expect(findRepo(dataset, { org: 'ACME', repo: 'Web' }).name).toBe('web');
    expect(() => findRepo(dataset, { org: 'nope', repo: 'web' })).toThrow(
      new SimNotFoundError('no org "nope" in the simulated dataset'),
    );
    expect(() => findRepo(dataset, { org: 'acme', repo: 'nope' })).toThrow(
      new SimNotFoundError('no repo "acme/nope" in the simulated dataset'),
    );
  });
});

describe('addCommit', () => {
  it('pushes onto the default branch: newest first, pushedAt and updatedAt move, ground truth counts it', () => {
    const dataset = fresh();
    const before = seriesOf(dataset, 'web', 'alice');
    const commit = addCommit(
      dataset,
      WEB,
      { authorLogin: 'alice', additions: 4, deletions: 1 },
      NOW,
    );
    const repo = findRepo(dataset, WEB);
    expect(repo.commits[0]).toBe(commit);
    expect(commit).toMatchObject({
      branch: 'main',
      authorLogin: 'alice',
      committerLogin: 'alice',
      committer: { date: NOW_ISO },
      files: [{ additions: 4, deletions: 1 }],
    });
    expect(commit.parents).toHaveLength(1);
    expect(repo.pushedAt).toBe(NOW_ISO);
    expect(repo.updatedAt).toBe(NOW_ISO);
    expect(delta(before, seriesOf(dataset, 'web', 'alice'))).toEqual({
      ...ZERO,
      commits24h: 1,
      lastEventUnixtime: NOW / 1000,
    });
    expect(listDatasetViolations(dataset)).toEqual([]);
  });

  it('credits an unlinked noreply author by the login in the email, a plain email to unlinked', () => {
    const dataset = fresh();
    const ghostBefore = seriesOf(dataset, 'web', 'ghost');
    const unlinkedBefore = seriesOf(dataset, 'web', 'unlinked');
    addCommit(
      dataset,
      WEB,
      { authorLogin: null, authorEmail: '77+ghost@users.noreply.github.com' },
      NOW,
    );
    addCommit(
      dataset,
      WEB,
      { authorLogin: null, authorEmail: 'me@laptop.local', authorName: 'Me' },
      NOW,
    );
    expect(delta(ghostBefore, seriesOf(dataset, 'web', 'ghost')).commits24h).toBe(1);
    expect(delta(unlinkedBefore, seriesOf(dataset, 'web', 'unlinked')).commits24h).toBe(1);
    expect(dataset.users.some((u) => u.login === 'ghost')).toBe(false);
    expect(() => addCommit(dataset, WEB, { authorLogin: null }, NOW)).toThrow(TypeError);
    expect(listDatasetViolations(dataset)).toEqual([]);
  });

  it('does not count a commit on another branch, nor credit a web-flow committer', () => {
    const dataset = fresh();
    const before = seriesOf(dataset, 'web', 'bob');
    addCommit(dataset, WEB, { authorLogin: 'bob', branch: 'topic' }, NOW);
    expect(findRepo(dataset, WEB).pushedAt).toBe(NOW_ISO);
    expect(delta(before, seriesOf(dataset, 'web', 'bob')).commits24h).toBe(0);
    addCommit(dataset, WEB, { authorLogin: 'bob', committerLogin: 'web-flow' }, NOW);
    expect(delta(before, seriesOf(dataset, 'web', 'bob')).commits24h).toBe(1);
    expect(findRepo(dataset, WEB).commits[0]?.committer).toEqual({
      name: 'GitHub',
      email: 'noreply@github.com',
      date: NOW_ISO,
    });
    expect(listDatasetViolations(dataset)).toEqual([]);
  });

  it('keeps order for a back-dated commit and its rebased author date; pushedAt stays', () => {
    const dataset = fresh();
    const repo = findRepo(dataset, WEB);
    const pushedAt = repo.pushedAt;
    const atMs = GENERATED_AT_MS - 5 * 3_600_000;
    const commit = addCommit(
      dataset,
      WEB,
      { authorLogin: 'carol', authorDateMs: atMs - 3 * 86_400_000 },
      atMs,
    );
    expect(commit.author.date).toBe('2026-11-25T08:00:00Z');
    expect(repo.pushedAt).toBe(pushedAt);
    expect(repo.commits.indexOf(commit)).toBeGreaterThan(0);
    expect(listDatasetViolations(dataset)).toEqual([]);
  });

  it('refuses archived and disabled repos', () => {
    const dataset = fresh();
    expect(() =>
      addCommit(dataset, { org: 'acme', repo: 'legacy-api' }, { authorLogin: 'alice' }, NOW),
    ).toThrow(new SimConflictError('acme/legacy-api is archived and read-only'));
    expect(() =>
      addCommit(dataset, { org: 'acme', repo: 'billing-export' }, { authorLogin: 'alice' }, NOW),
    ).toThrow(SimConflictError);
  });
});

describe('pull requests', () => {
  it('opens a PR with the next shared number, creating an unknown author', () => {
    const dataset = fresh();
    const repo = findRepo(dataset, WEB);
    const highest = Math.max(
      ...repo.pulls.map((p) => p.number),
      ...repo.issues.map((i) => i.number),
    );
    const nextId = dataset.nextId;
    const pull = openPull(dataset, WEB, { user: 'newcomer', draft: true }, NOW);
    expect(pull).toMatchObject({
      number: highest + 1,
      user: 'newcomer',
      draft: true,
      state: 'open',
      createdAt: NOW_ISO,
    });
    expect(repo.pulls[0]).toBe(pull);
    expect(dataset.users.find((u) => u.login === 'newcomer')).toEqual({
      login: 'newcomer',
      id: nextId,
      type: 'User',
    });
    expect(dataset.nextId).toBe(nextId + 1);
    expect(seriesOf(dataset, 'web', 'newcomer')).toMatchObject({
      prsOpened24h: 1,
      lastEventUnixtime: NOW / 1000,
    });
    expect(() =>
      openPull(dataset, { org: 'acme', repo: 'sandbox' }, { user: 'alice' }, NOW),
    ).toThrow(SimConflictError);
    expect(listDatasetViolations(dataset)).toEqual([]);
  });

  it('merges: the author gets the merge, the merger the web-flow merge commit', () => {
    const dataset = fresh();
    const pull = openPull(dataset, WEB, { user: 'erin' }, NOW - 60_000);
    const erinBefore = seriesOf(dataset, 'web', 'erin');
    const frankBefore = seriesOf(dataset, 'web', 'frank');
    const merged = mergePull(dataset, WEB, pull.number, 'frank', NOW);
    expect(merged).toMatchObject({
      state: 'closed',
      mergedAt: NOW_ISO,
      closedAt: NOW_ISO,
      mergedBy: 'frank',
      updatedAt: NOW_ISO,
    });
    const repo = findRepo(dataset, WEB);
    expect(repo.pulls.find((p) => p.number === pull.number)).toBe(merged);
    expect(repo.commits[0]).toMatchObject({
      branch: 'main',
      authorLogin: 'frank',
      committerLogin: 'web-flow',
      files: [],
      message: `Merge pull request #${pull.number} from acme/erin/change-${pull.number}\n\nChange ${pull.number}`,
    });
    expect(delta(erinBefore, seriesOf(dataset, 'web', 'erin'))).toEqual({
      ...ZERO,
      prsMerged24h: 1,
      lastEventUnixtime: NOW / 1000,
    });
    expect(delta(frankBefore, seriesOf(dataset, 'web', 'frank'))).toEqual({
      ...ZERO,
      commits24h: 1,
      lastEventUnixtime: NOW / 1000,
    });
    expect(() => mergePull(dataset, WEB, pull.number, 'frank', NOW)).toThrow(
      new SimConflictError(`pull request #${pull.number} is not open, so it cannot be merged`),
    );
    expect(listDatasetViolations(dataset)).toEqual([]);
  });

  it('refuses to merge a draft, and names a missing PR', () => {
    const dataset = fresh();
    const draft = openPull(dataset, WEB, { user: 'erin', draft: true }, NOW);
    expect(() => mergePull(dataset, WEB, draft.number, 'frank', NOW)).toThrow(
      new SimConflictError(`pull request #${draft.number} is still a draft`),
    );
    expect(() => mergePull(dataset, WEB, 99_999, 'frank', NOW)).toThrow(
      new SimNotFoundError('no pull request #99999 in acme/web'),
    );
    const issue = findRepo(dataset, WEB).issues[0];
    expect(() => mergePull(dataset, WEB, issue?.number ?? 0, 'frank', NOW)).toThrow(
      SimNotFoundError,
    );
  });

  it('moves a PR when its head branch gets a push', () => {
    const dataset = fresh();
    const pull = openPull(dataset, WEB, { user: 'erin' }, NOW - 60_000);
    addCommit(dataset, WEB, { authorLogin: 'erin', branch: pull.headRef }, NOW);
    expect(pull.updatedAt).toBe(NOW_ISO);
    expect(listDatasetViolations(dataset)).toEqual([]);
  });
});

describe('addReview', () => {
  it('moves the PR and counts a submitted review; a PENDING one does neither', () => {
    const dataset = fresh();
    const pull = openPull(dataset, WEB, { user: 'erin' }, NOW - 60_000);
    const before = seriesOf(dataset, 'web', 'grace');
    const pending = addReview(
      dataset,
      WEB,
      pull.number,
      { user: 'grace', state: 'PENDING' },
      NOW - 30_000,
    );
    expect(pending.submittedAt).toBeNull();
    expect(pull.updatedAt).toBe('2026-11-28T13:59:00Z');
    expect(delta(before, seriesOf(dataset, 'web', 'grace')).reviewsSubmitted24h).toBe(0);
    const review = addReview(
      dataset,
      WEB,
      pull.number,
      { user: 'grace', state: 'DISMISSED', body: 'hm' },
      NOW,
    );
    expect(review).toMatchObject({
      user: 'grace',
      state: 'DISMISSED',
      submittedAt: NOW_ISO,
      body: 'hm',
    });
    expect(review.commitId).toMatch(/^[0-9a-f]{40}$/);
    expect(pull.reviews).toEqual([pending, review]);
    expect(pull.updatedAt).toBe(NOW_ISO);
    expect(delta(before, seriesOf(dataset, 'web', 'grace'))).toEqual({
      ...ZERO,
      reviewsSubmitted24h: 1,
      lastEventUnixtime: NOW / 1000,
    });
    expect(() =>
      addReview(dataset, WEB, 99_999, { user: 'grace', state: 'APPROVED' }, NOW),
    ).toThrow(SimNotFoundError);
    expect(listDatasetViolations(dataset)).toEqual([]);
  });
});

describe('addIssueComment', () => {
  it('appends to issues and PRs alike, moving their updatedAt and counting for the commenter', () => {
    const dataset = fresh();
    const repo = findRepo(dataset, WEB);
    const issue = repo.issues[repo.issues.length - 1];
    const pull = repo.pulls[repo.pulls.length - 1];
    if (!issue || !pull) throw new Error('web has issues and PRs');
    const before = seriesOf(dataset, 'web', 'heidi');
    const onIssue = addIssueComment(
      dataset,
      WEB,
      issue.number,
      { user: 'heidi', body: 'Same here' },
      NOW,
    );
    const onPull = addIssueComment(dataset, WEB, pull.number, { user: 'heidi' }, NOW);
    expect(repo.comments.slice(-2)).toEqual([onIssue, onPull]);
    expect(onPull.id).toBe(onIssue.id + 1);
    expect(onIssue).toMatchObject({
      issueNumber: issue.number,
      createdAt: NOW_ISO,
      updatedAt: NOW_ISO,
      body: 'Same here',
    });
    expect(issue.updatedAt).toBe(NOW_ISO);
    expect(pull.updatedAt).toBe(NOW_ISO);
    expect(delta(before, seriesOf(dataset, 'web', 'heidi'))).toEqual({
      ...ZERO,
      issueComments24h: 2,
      lastEventUnixtime: NOW / 1000,
    });
    expect(() => addIssueComment(dataset, WEB, 99_999, { user: 'heidi' }, NOW)).toThrow(
      new SimNotFoundError('no issue or pull request #99999 in acme/web'),
    );
    expect(listDatasetViolations(dataset)).toEqual([]);
  });

  it('keeps comments oldest first when one is back-dated', () => {
    const dataset = fresh();
    const repo = findRepo(dataset, WEB);
    const issue = repo.issues[0];
    if (!issue) throw new Error('web has issues');
    const comment = addIssueComment(
      dataset,
      WEB,
      issue.number,
      { user: 'heidi' },
      Date.parse(issue.createdAt),
    );
    expect(repo.comments.indexOf(comment)).toBeLessThan(repo.comments.length - 1);
    expect(listDatasetViolations(dataset)).toEqual([]);
  });
});
