import { describe, expect, it } from 'vitest';

import { attributeCommit, computeGroundTruth, lastCompleteWeek } from './ground-truth.js';
import type { GroundTruthSeries } from './ground-truth.js';
import type {
  SimCommit,
  SimCommitFile,
  SimDataset,
  SimIssueComment,
  SimPull,
  SimRepo,
  SimReview,
} from './model.js';

// t is a Wednesday: window (2026-11-24T12:00:00Z, t], last complete week
// [2026-11-15T00:00:00Z, 2026-11-22T00:00:00Z), retention (2026-10-26T12:00:00Z, t].
const T = Date.parse('2026-11-25T12:00:00Z');
const EDGE = '2026-11-24T12:00:00Z';
const JUST_INSIDE = '2026-11-24T12:00:01Z';

function commit(
  sha: string,
  fields: {
    authorLogin: string | null;
    email?: string;
    committed: string;
    authored?: string;
    committerLogin?: string | null;
    branch?: string;
    files?: SimCommitFile[];
  },
): SimCommit {
  return {
    sha: sha.padEnd(40, '0'),
    message: sha,
    branch: fields.branch ?? 'main',
    parents: [],
    author: {
      name: 'someone',
      email: fields.email ?? 'someone@example.com',
      date: fields.authored ?? fields.committed,
    },
    committer: { name: 'someone', email: 'someone@example.com', date: fields.committed },
    authorLogin: fields.authorLogin,
    committerLogin:
      fields.committerLogin === undefined ? fields.authorLogin : fields.committerLogin,
    files: fields.files ?? [],
  };
}

function file(additions: number, deletions: number): SimCommitFile {
  return { filename: 'a.ts', status: 'modified', additions, deletions };
}

function pull(fields: Partial<SimPull> & Pick<SimPull, 'number' | 'user' | 'createdAt'>): SimPull {
  return {
    title: 'PR',
    draft: false,
    state: fields.closedAt ? 'closed' : 'open',
    updatedAt: fields.createdAt,
    closedAt: null,
    mergedAt: null,
    mergedBy: null,
    headRef: 'topic',
    baseRef: 'main',
    reviews: [],
    ...fields,
  };
}

let nextReviewId = 1;
function review(user: string, state: SimReview['state'], submittedAt: string | null): SimReview {
  nextReviewId += 1;
  return { id: nextReviewId, user, state, submittedAt, body: '', commitId: 'c'.repeat(40) };
}

function comment(
  id: number,
  user: string,
  createdAt: string,
  updatedAt = createdAt,
): SimIssueComment {
  return { id, issueNumber: 6, user, body: '', createdAt, updatedAt };
}

function repo(name: string, fields: Partial<SimRepo>): SimRepo {
  return {
    id: name.length,
    name,
    defaultBranch: 'main',
    private: false,
    fork: false,
    archived: false,
    disabled: false,
    createdAt: '2020-01-01T00:00:00Z',
    updatedAt: '2026-11-25T12:00:00Z',
    pushedAt: '2026-11-25T12:00:00Z',
    commits: [],
    pulls: [],
    issues: [],
    reviewComments: [],
    comments: [],
    statsReportZeroLines: false,
    ...fields,
  };
}

/** Every rule and edge of the contract, each once; the expected series are worked out by hand. */
function tinyDataset(): SimDataset {
  const main = repo('r', {
    statsReportZeroLines: true,
    commits: [
      // After t: does not exist yet, even though its author date is inside the LOC week.
      commit('c12', {
        authorLogin: 'ann',
        committed: '2026-11-26T00:00:00Z',
        authored: '2026-11-21T23:59:59Z',
        files: [file(1000, 1000)],
      }),
      commit('c1', { authorLogin: 'ann', committed: '2026-11-25T12:00:00Z', files: [file(5, 1)] }),
      commit('c6', { authorLogin: 'eve', committed: '2026-11-25T11:00:00Z', branch: 'feature' }),
      commit('c2', {
        authorLogin: 'bob',
        committerLogin: 'web-flow',
        committed: '2026-11-25T10:00:00Z',
      }),
      commit('c3', {
        authorLogin: null,
        email: '123+cat@users.noreply.github.com',
        committed: '2026-11-25T09:00:00Z',
        authored: '2026-11-20T10:00:00Z',
        files: [file(100, 10)],
      }),
      commit('c13', {
        authorLogin: 'dependabot[bot]',
        committed: '2026-11-25T08:00:00Z',
        authored: '2026-11-18T08:00:00Z',
        files: [file(2, 2)],
      }),
      commit('c4', {
        authorLogin: null,
        email: 'dan@users.noreply.github.com',
        committed: JUST_INSIDE,
      }),
      commit('c5', {
        authorLogin: null,
        email: 'ann@corp.example',
        committerLogin: 'ann',
        committed: EDGE,
      }),
      commit('c7', { authorLogin: 'ann', committed: '2026-11-22T00:00:00Z', files: [file(7, 7)] }),
      commit('c8', {
        authorLogin: 'ann',
        committed: '2026-11-16T00:00:00Z',
        authored: '2026-11-15T00:00:00Z',
        files: [file(10, 2), file(3, 1)],
      }),
      commit('c9', {
        authorLogin: 'ann',
        committed: '2026-11-15T01:00:00Z',
        authored: '2026-11-14T23:59:59Z',
        files: [file(50, 50)],
      }),
      commit('c11', { authorLogin: 'gus', committed: '2026-10-26T12:00:01Z' }),
      commit('c10', { authorLogin: 'fay', committed: '2026-10-26T12:00:00Z' }),
    ],
    pulls: [
      pull({ number: 2, user: 'hal', createdAt: JUST_INSIDE, draft: true }),
      pull({ number: 1, user: 'bob', createdAt: EDGE }),
      pull({
        number: 5,
        user: 'kim',
        createdAt: '2026-11-10T00:00:00Z',
        closedAt: EDGE,
        mergedAt: EDGE,
        mergedBy: 'kim',
      }),
      pull({
        number: 4,
        user: 'jon',
        createdAt: '2026-11-02T00:00:00Z',
        closedAt: '2026-11-25T09:00:00Z',
      }),
      pull({
        number: 3,
        user: 'ivy',
        createdAt: '2026-11-01T00:00:00Z',
        closedAt: '2026-11-25T10:00:00Z',
        mergedAt: '2026-11-25T10:00:00Z',
        mergedBy: 'bob',
        reviews: [
          review('mia', 'CHANGES_REQUESTED', EDGE),
          review('cat', 'DISMISSED', '2026-11-24T13:00:00Z'),
          review('bob', 'COMMENTED', '2026-11-25T09:00:00Z'),
          review('bob', 'APPROVED', '2026-11-25T09:30:00Z'),
          review('dan', 'PENDING', null),
          review('lou', 'PENDING', null),
        ],
      }),
    ],
    issues: [
      {
        number: 6,
        title: 'Old',
        user: 'nat',
        state: 'open',
        createdAt: '2026-09-01T00:00:00Z',
        updatedAt: '2026-11-25T11:00:00Z',
      },
    ],
    comments: [
      comment(1, 'nat', '2026-09-02T00:00:00Z', '2026-11-25T11:00:00Z'),
      comment(2, 'oli', EDGE),
      comment(3, 'github-actions[bot]', '2026-11-25T07:00:00Z'),
      comment(4, 'oli', '2026-11-25T11:30:00Z'),
      comment(5, 'pam', '2026-11-25T12:00:01Z'),
    ],
  });
  const recent = commit('d1', { authorLogin: 'ann', committed: '2026-11-25T00:00:00Z' });
  return {
    seed: 1,
    generatedAtMs: T,
    users: [],
    apps: [],
    nextId: 1000,
    orgs: [
      {
        login: 'o',
        id: 1,
        appId: 1,
        installationId: 1,
        repos: [
          main,
          repo('old', { archived: true, commits: [recent] }),
          repo('off', { disabled: true, comments: [comment(9, 'oli', '2026-11-25T11:00:00Z')] }),
        ],
      },
      {
        login: 'a-org',
        id: 2,
        appId: 2,
        installationId: 2,
        repos: [repo('z', { commits: [recent] })],
      },
    ],
  };
}

function series(
  repoName: string,
  user: string,
  values: Partial<GroundTruthSeries>,
): GroundTruthSeries {
  return {
    org: repoName === 'z' ? 'a-org' : 'o',
    repo: repoName,
    user,
    commits24h: 0,
    prsOpened24h: 0,
    prsMerged24h: 0,
    reviewsSubmitted24h: 0,
    issueComments24h: 0,
    prReviewComments24h: 0,
    locAddedWeekly: 0,
    locRemovedWeekly: 0,
    lastEventUnixtime: 0,
    ...values,
  };
}

const at = (iso: string): number => Date.parse(iso) / 1000;

describe('computeGroundTruth', () => {
  it('counts every rule of the contract, on both sides of every edge', () => {
    expect(computeGroundTruth(tinyDataset(), { atMs: T })).toEqual([
      series('z', 'ann', { commits24h: 1, lastEventUnixtime: at('2026-11-25T00:00:00Z') }),
      series('r', 'ann', {
        commits24h: 1,
        locAddedWeekly: 13,
        locRemovedWeekly: 3,
        lastEventUnixtime: at('2026-11-25T12:00:00Z'),
      }),
      series('r', 'bob', {
        commits24h: 1,
        reviewsSubmitted24h: 2,
        lastEventUnixtime: at('2026-11-25T10:00:00Z'),
      }),
      series('r', 'cat', {
        commits24h: 1,
        reviewsSubmitted24h: 1,
        lastEventUnixtime: at('2026-11-25T09:00:00Z'),
      }),
      series('r', 'dan', { commits24h: 1, lastEventUnixtime: at(JUST_INSIDE) }),
      series('r', 'dependabot[bot]', {
        commits24h: 1,
        locAddedWeekly: 2,
        locRemovedWeekly: 2,
        lastEventUnixtime: at('2026-11-25T08:00:00Z'),
      }),
      series('r', 'github-actions[bot]', {
        issueComments24h: 1,
        lastEventUnixtime: at('2026-11-25T07:00:00Z'),
      }),
      series('r', 'gus', { lastEventUnixtime: at('2026-10-26T12:00:01Z') }),
      series('r', 'hal', { prsOpened24h: 1, lastEventUnixtime: at(JUST_INSIDE) }),
      series('r', 'ivy', { prsMerged24h: 1, lastEventUnixtime: at('2026-11-25T10:00:00Z') }),
      series('r', 'jon', { lastEventUnixtime: at('2026-11-02T00:00:00Z') }),
      series('r', 'kim', { lastEventUnixtime: at(EDGE) }),
      series('r', 'mia', { lastEventUnixtime: at(EDGE) }),
      series('r', 'oli', { issueComments24h: 1, lastEventUnixtime: at('2026-11-25T11:30:00Z') }),
      series('r', 'unlinked', { lastEventUnixtime: at(EDGE) }),
    ]);
  });

  it('drops bots when asked', () => {
    const users = computeGroundTruth(tinyDataset(), { atMs: T, excludeBots: true }).map(
      (s) => s.user,
    );
    expect(users).toEqual([
      'ann',
      'ann',
      'bob',
      'cat',
      'dan',
      'gus',
      'hal',
      'ivy',
      'jon',
      'kim',
      'mia',
      'oli',
      'unlinked',
    ]);
  });

  it('keeps a series only for users with an event within retention; lines alone make none', () => {
    const truth = computeGroundTruth(tinyDataset(), { atMs: T, retentionMs: 60 * 60 * 1000 });
    expect(truth).toEqual([
      series('r', 'ann', {
        commits24h: 1,
        locAddedWeekly: 13,
        locRemovedWeekly: 3,
        lastEventUnixtime: at('2026-11-25T12:00:00Z'),
      }),
      series('r', 'oli', { issueComments24h: 1, lastEventUnixtime: at('2026-11-25T11:30:00Z') }),
    ]);
  });

  it('sees only what existed at an earlier t', () => {
    const atMs = Date.parse('2026-11-25T09:59:59Z');
    const ivy = computeGroundTruth(tinyDataset(), { atMs }).find((s) => s.user === 'ivy');
    expect(ivy).toEqual(series('r', 'ivy', { lastEventUnixtime: at('2026-11-01T00:00:00Z') }));
  });
});

describe('attributeCommit', () => {
  const attribute = (authorLogin: string | null, email: string): string =>
    attributeCommit({ authorLogin, author: { name: 'x', email, date: EDGE } });

  it('prefers the linked login, then the noreply login, else unlinked', () => {
    expect(attribute('ann', '9+bob@users.noreply.github.com')).toBe('ann');
    expect(attribute(null, '9+bob@users.noreply.github.com')).toBe('bob');
    expect(attribute(null, '49699333+dependabot[bot]@users.noreply.github.com')).toBe(
      'dependabot[bot]',
    );
    expect(attribute(null, 'Bob@Users.NoReply.GitHub.com')).toBe('Bob');
    expect(attribute(null, 'bob@example.com')).toBe('unlinked');
    expect(attribute(null, 'bob@users.noreply.github.com.evil.example')).toBe('unlinked');
    expect(attribute(null, 'x+bob@users.noreply.github.com')).toBe('unlinked');
  });

  it('credits a noreply address with an id to that account under its current login', () => {
    const loginById = new Map([[9, 'bob-renamed']]);
    const commit = (email: string) => ({
      authorLogin: null,
      author: { name: 'x', email, date: EDGE },
    });
    expect(attributeCommit(commit('9+bob@users.noreply.github.com'), loginById)).toBe(
      'bob-renamed',
    );
    expect(attributeCommit(commit('10+cy@users.noreply.github.com'), loginById)).toBe('cy');
    expect(attributeCommit(commit('bob@users.noreply.github.com'), loginById)).toBe('bob');
  });
});

describe('lastCompleteWeek', () => {
  it('ends at the latest Sunday 00:00 UTC at or before t', () => {
    const sunday = Date.parse('2026-11-22T00:00:00Z');
    const week = 7 * 86_400_000;
    expect(lastCompleteWeek(T)).toEqual({ startMs: sunday - week, endMs: sunday });
    expect(lastCompleteWeek(sunday)).toEqual({ startMs: sunday - week, endMs: sunday });
    expect(lastCompleteWeek(sunday - 1)).toEqual({
      startMs: sunday - 2 * week,
      endMs: sunday - week,
    });
  });
});
