import { describe, expect, it } from 'vitest';

import type { SimCommit, SimRepo } from '../model.js';
import { computeContributorStats, createContributorStatsCache } from './contributor-stats.js';

const DAY_MS = 86_400_000;
// Sunday 2026-11-22 00:00 UTC.
const SUNDAY_MS = Date.UTC(2026, 10, 22);

function commit(
  sha: string,
  authorLogin: string | null,
  authoredMs: number,
  additions = 1,
): SimCommit {
  const identity = { name: 'n', email: 'n@example.com', date: new Date(authoredMs).toISOString() };
  return {
    sha,
    message: 'm',
    branch: 'main',
    parents: [],
    author: identity,
    committer: identity,
    authorLogin,
    committerLogin: authorLogin,
    files: [{ filename: 'a.ts', status: 'modified', additions, deletions: 2 }],
  };
}

function repo(commits: SimCommit[], statsReportZeroLines = false): SimRepo {
  return {
    id: 1,
    name: 'r',
    defaultBranch: 'main',
    private: false,
    fork: false,
    archived: false,
    disabled: false,
    createdAt: '2026-01-01T00:00:00Z',
    updatedAt: '2026-01-01T00:00:00Z',
    pushedAt: '2026-01-01T00:00:00Z',
    commits,
    pulls: [],
    issues: [],
    comments: [],
    reviewComments: [],
    statsReportZeroLines,
  };
}

describe('computeContributorStats', () => {
  it('buckets linked authors by Sunday week of the author date, up to the current week', () => {
    const stats = computeContributorStats(
      repo([
        commit('c3', 'ann', SUNDAY_MS + 7 * DAY_MS + 5, 4),
        commit('c2', null, SUNDAY_MS + 1),
        commit('c1', 'ann', SUNDAY_MS - 1, 3),
        commit('c0', 'bob', SUNDAY_MS, 5),
      ]),
      SUNDAY_MS + 15 * DAY_MS,
    );
    const w = (weeks: number): number => (SUNDAY_MS + weeks * 7 * DAY_MS) / 1000;
    expect(stats).toEqual([
      {
        login: 'bob',
        total: 1,
        weeks: [
          { w: w(-1), a: 0, d: 0, c: 0 },
          { w: w(0), a: 5, d: 2, c: 1 },
          { w: w(1), a: 0, d: 0, c: 0 },
          { w: w(2), a: 0, d: 0, c: 0 },
        ],
      },
      {
        login: 'ann',
        total: 2,
        weeks: [
          { w: w(-1), a: 3, d: 2, c: 1 },
          { w: w(0), a: 0, d: 0, c: 0 },
          { w: w(1), a: 4, d: 2, c: 1 },
          { w: w(2), a: 0, d: 0, c: 0 },
        ],
      },
    ]);
  });

  it('leaves out merge commits and empty commits, as GitHub documents for its statistics', () => {
    const merge = { ...commit('m', 'ann', SUNDAY_MS + 1, 50), parents: ['c0', 'side'] };
    const empty = { ...commit('e', 'bob', SUNDAY_MS + 2), files: [] };
    const stats = computeContributorStats(
      repo([merge, empty, commit('c0', 'ann', SUNDAY_MS, 3)]),
      SUNDAY_MS,
    );
    expect(stats).toEqual([
      { login: 'ann', total: 1, weeks: [{ w: SUNDAY_MS / 1000, a: 3, d: 2, c: 1 }] },
    ]);
  });

  it('reports zero lines for a repo flagged as too large, and keeps only the top 100', () => {
    const commits = Array.from({ length: 102 }, (_, index) =>
      commit(`c${index}`, `user${index}`, SUNDAY_MS),
    );
    commits.push(commit('extra', 'user101', SUNDAY_MS));
    const stats = computeContributorStats(repo(commits, true), SUNDAY_MS);
    expect(stats).toHaveLength(100);
    expect(stats.at(-1)).toMatchObject({ login: 'user101', total: 2 });
    expect(stats.map((entry) => entry.login)).not.toContain('user99');
    expect(
      stats.flatMap((entry) => entry.weeks).every((week) => week.a === 0 && week.d === 0),
    ).toBe(true);
  });
});

describe('createContributorStatsCache', () => {
  it('is computing for the delay after the first request and after the commits change', () => {
    const cache = createContributorStatsCache(1000);
    const subject = repo([commit('c0', 'ann', SUNDAY_MS)]);
    expect(cache.isReady('o/r', subject, 0)).toBe(false);
    expect(cache.isReady('o/r', subject, 999)).toBe(false);
    expect(cache.isReady('o/r', subject, 1000)).toBe(true);
    subject.commits.unshift(commit('c1', 'ann', SUNDAY_MS));
    expect(cache.isReady('o/r', subject, 5000)).toBe(false);
    expect(cache.isReady('o/r', subject, 6000)).toBe(true);
  });
});
