import { describe, expect, it } from 'vitest';

import type { SimDataset } from '../model.js';
import { generateDataset } from './generate-dataset.js';
import { deleteIssueComment, deleteReviewComment, transferIssue } from './mutate-comments.js';
import { addReviewComment, findRepo, openPull } from './mutate-dataset.js';
import { SimConflictError, SimNotFoundError } from './sim-errors.js';

const GENERATED_AT_MS = Date.parse('2026-11-28T13:00:00Z');
const NOW = GENERATED_AT_MS + 3_600_000;
const WEB = { org: 'acme', repo: 'web' };

function dataset(): SimDataset {
  return generateDataset({
    seed: 5,
    generatedAtMs: GENERATED_AT_MS,
    keyPairs: [
      { appId: 101, privateKeyPem: 'k', publicKeyPem: 'k' },
      { appId: 102, privateKeyPem: 'k', publicKeyPem: 'k' },
    ],
  });
}

describe('deleting comments', () => {
  it('removes exactly the comment and moves no updated_at', () => {
    const world = dataset();
    const web = findRepo(world, WEB);
    const [first, second] = web.comments;
    if (!first || !second) throw new Error('acme/web has comments');
    const issueTimes = web.issues.map((issue) => issue.updatedAt);
    const pullTimes = web.pulls.map((pull) => pull.updatedAt);
    const count = web.comments.length;

    expect(deleteIssueComment(world, WEB, first.id)).toEqual(first);
    expect(web.comments).toHaveLength(count - 1);
    expect(web.comments[0]).toBe(second);
    expect(web.issues.map((issue) => issue.updatedAt)).toEqual(issueTimes);
    expect(web.pulls.map((pull) => pull.updatedAt)).toEqual(pullTimes);
    expect(() => deleteIssueComment(world, WEB, first.id)).toThrow(SimNotFoundError);
  });

  it('removes a review comment', () => {
    const world = dataset();
    const pull = findRepo(world, WEB).pulls[0];
    if (!pull) throw new Error('acme/web has PRs');
    const comment = addReviewComment(world, WEB, pull.number, { user: 'cy' }, NOW);
    expect(deleteReviewComment(world, WEB, comment.id)).toEqual(comment);
    expect(findRepo(world, WEB).reviewComments.map((c) => c.id)).not.toContain(comment.id);
    expect(() => deleteReviewComment(world, WEB, comment.id)).toThrow(SimNotFoundError);
  });
});

describe('transferring an issue', () => {
  it('moves the issue and its comments, ids and times kept, under the target next number', () => {
    const world = dataset();
    const web = findRepo(world, WEB);
    const mobile = findRepo(world, { org: 'acme', repo: 'mobile' });
    const issue = web.issues.find((candidate) =>
      web.comments.some((comment) => comment.issueNumber === candidate.number),
    );
    if (!issue) throw new Error('acme/web has a commented issue');
    const comments = web.comments.filter((comment) => comment.issueNumber === issue.number);
    const highest = Math.max(
      ...mobile.issues.map((candidate) => candidate.number),
      ...mobile.pulls.map((candidate) => candidate.number),
    );

    const { issue: moved, transfer } = transferIssue(world, WEB, issue.number, 'mobile', NOW);

    expect(transfer).toEqual({
      fromNumber: issue.number,
      toRepoId: mobile.id,
      toNumber: highest + 1,
    });
    expect(moved).toEqual({ ...issue, number: highest + 1, updatedAt: '2026-11-28T14:00:00Z' });
    expect(web.issues.map((candidate) => candidate.number)).not.toContain(issue.number);
    expect(web.comments.filter((comment) => comment.issueNumber === issue.number)).toEqual([]);
    expect(mobile.comments.filter((comment) => comment.issueNumber === highest + 1)).toEqual(
      comments.map((comment) => ({ ...comment, issueNumber: highest + 1 })),
    );
    expect(web.transferredIssues).toEqual([transfer]);
  });

  it('never reuses the number of an issue transferred away', () => {
    const world = dataset();
    const web = findRepo(world, WEB);
    const highest = Math.max(
      ...web.issues.map((candidate) => candidate.number),
      ...web.pulls.map((candidate) => candidate.number),
    );
    const newest = web.issues.find((candidate) => candidate.number === highest);
    if (!newest) throw new Error('the newest number of acme/web is an issue');
    transferIssue(world, WEB, highest, 'mobile', NOW);
    expect(openPull(world, WEB, { user: 'alice' }, NOW).number).toBe(highest + 1);
  });

  it('refuses a PR, the same repo, and an unknown issue', () => {
    const world = dataset();
    const pull = findRepo(world, WEB).pulls[0];
    const issue = findRepo(world, WEB).issues[0];
    if (!pull || !issue) throw new Error('acme/web has PRs and issues');
    expect(() => transferIssue(world, WEB, pull.number, 'mobile', NOW)).toThrow(SimConflictError);
    expect(() => transferIssue(world, WEB, issue.number, 'web', NOW)).toThrow(SimConflictError);
    expect(() => transferIssue(world, WEB, 99_999, 'mobile', NOW)).toThrow(SimNotFoundError);
    expect(() => transferIssue(world, WEB, issue.number, 'nope', NOW)).toThrow(SimNotFoundError);
  });
});
