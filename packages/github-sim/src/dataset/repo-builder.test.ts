import { describe, expect, it } from 'vitest';

import { linkedPerson } from './git-person.js';
import { createIdSequence } from './id-sequence.js';
import { RepoBuilder } from './repo-builder.js';

const BASE = Date.parse('2026-11-01T00:00:00Z');
const HOUR = 3_600_000;
const iso = (ms: number): string => new Date(ms).toISOString().replace('.000Z', 'Z');

function builder(): RepoBuilder {
  let id = 0;
  return new RepoBuilder(
    { owner: 'acme', name: 'demo', createdMs: BASE },
    {
      seed: 1,
      ids: createIdSequence(500),
      personOf: (login) => {
        id += 1;
        return linkedPerson({ id, login });
      },
    },
  );
}

describe('RepoBuilder', () => {
  it('numbers issues and PRs together in creation order, ids in time order', () => {
    const repo = builder();
    const late = repo.addIssue({ user: 'ann', title: 'late', createdMs: BASE + 3 * HOUR });
    const early = repo.addPull({ user: 'bob', title: 'early', createdMs: BASE + HOUR });
    repo.addComment(late, { user: 'bob', createdMs: BASE + 5 * HOUR });
    repo.addReview(early, { user: 'ann', state: 'APPROVED', atMs: BASE + 4 * HOUR });
    repo.addReview(early, { user: 'cat', state: 'COMMENTED', atMs: BASE + 2 * HOUR });
    const built = repo.build();
    expect(built.id).toBe(500);
    expect(built.pulls.map((p) => [p.number, p.title])).toEqual([[1, 'early']]);
    expect(built.issues.map((i) => [i.number, i.title])).toEqual([[2, 'late']]);
    expect(built.pulls[0]?.reviews.map((r) => [r.user, r.id])).toEqual([
      ['cat', 501],
      ['ann', 502],
    ]);
    expect(built.comments.map((c) => [c.issueNumber, c.id])).toEqual([[2, 503]]);
    expect(built.issues[0]?.updatedAt).toBe(iso(BASE + 5 * HOUR));
    expect(built.pulls[0]?.updatedAt).toBe(iso(BASE + 4 * HOUR));
  });

  it('merges in the UI: a web-flow merge commit by the merger, or a squash by the author', () => {
    const repo = builder();
    repo.addCommit({ author: linkedPerson({ id: 9, login: 'ann' }), authorMs: BASE + HOUR });
    const merged = repo.addPull({
      user: 'bob',
      title: 'Merged',
      createdMs: BASE + 2 * HOUR,
      merge: { atMs: BASE + 6 * HOUR, by: 'cat', style: 'merge' },
    });
    repo.addCommit({
      author: linkedPerson({ id: 8, login: 'bob' }),
      authorMs: BASE + 2 * HOUR,
      pull: merged,
    });
    const squashed = repo.addPull({
      user: 'dan',
      title: 'Squashed',
      createdMs: BASE + 3 * HOUR,
      merge: {
        atMs: BASE + 7 * HOUR,
        by: 'cat',
        style: 'squash',
        files: [{ filename: 'a', status: 'modified', additions: 4, deletions: 1 }],
      },
    });
    repo.addCommit({
      author: linkedPerson({ id: 7, login: 'dan' }),
      authorMs: BASE + 3 * HOUR,
      pull: squashed,
    });
    const built = repo.build();
    const [squash, merge, danWork, bobWork, first] = built.commits;
    expect(squash).toMatchObject({
      branch: 'main',
      authorLogin: 'dan',
      committerLogin: 'web-flow',
      message: 'Squashed (#2)',
      parents: [merge?.sha],
    });
    expect(squash?.files).toEqual([
      { filename: 'a', status: 'modified', additions: 4, deletions: 1 },
    ]);
    expect(merge).toMatchObject({
      branch: 'main',
      authorLogin: 'cat',
      committerLogin: 'web-flow',
      committer: { name: 'GitHub', email: 'noreply@github.com' },
      files: [],
      message: 'Merge pull request #1 from acme/bob/change-1\n\nMerged',
    });
    // A merged PR's own commits are reachable from the default branch; a squashed PR's are not.
    expect(bobWork).toMatchObject({ branch: 'main', authorLogin: 'bob', parents: [first?.sha] });
    expect(danWork).toMatchObject({ branch: 'dan/change-2', parents: [first?.sha] });
    expect(merge?.parents).toEqual([first?.sha, bobWork?.sha]);
    expect(built.pushedAt).toBe(iso(BASE + 7 * HOUR));
    expect(built.pulls.map((p) => [p.number, p.mergedBy, p.closedAt])).toEqual([
      [2, 'cat', iso(BASE + 7 * HOUR)],
      [1, 'cat', iso(BASE + 6 * HOUR)],
    ]);
  });

  it('leaves updatedAt alone for a PENDING review, which has no submittedAt', () => {
    const repo = builder();
    const pull = repo.addPull({ user: 'bob', title: 'x', createdMs: BASE });
    repo.addReview(pull, { user: 'ann', state: 'PENDING', atMs: BASE + HOUR });
    const [built] = repo.build().pulls;
    expect(built?.reviews[0]?.submittedAt).toBeNull();
    expect(built?.updatedAt).toBe(iso(BASE));
  });

  it('rejects inconsistent history', () => {
    const repo = builder();
    const pull = repo.addPull({ user: 'bob', title: 'x', createdMs: BASE + HOUR });
    expect(() => {
      repo.addReview(pull, { user: 'ann', state: 'APPROVED', atMs: BASE });
    }).toThrow('review before PR');
    expect(() => {
      repo.addComment(pull, { user: 'ann', createdMs: BASE });
    }).toThrow('comment before its issue');
    expect(() =>
      repo.addPull({
        user: 'bob',
        title: 'y',
        createdMs: BASE,
        draft: true,
        merge: { atMs: BASE, by: 'a', style: 'merge' },
      }),
    ).toThrow('a merged PR cannot be a draft');
    expect(() => {
      repo.addCommit({ author: linkedPerson({ id: 1, login: 'a' }), authorMs: BASE - 1000 });
    }).toThrow('commit before the repo was created');
  });
});
