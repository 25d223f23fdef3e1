import { describe, expect, it } from 'vitest';

import {
  commitListSchema,
  contributorStatsSchema,
  pullListSchema,
  reviewListSchema,
} from './github-payloads.js';
import { createNoreplyEmailReader } from '@gse/activity';

import {
  toAccountSightings,
  toCommitEvent,
  toCommitSightings,
  toCommentEvent,
  toPullEvents,
  toReviewEvent,
  toWeeklyLoc,
} from './to-activity-events.js';

const at = (iso: string): number => Date.parse(iso);
const readNoreply = createNoreplyEmailReader('users.noreply.github.com');

describe('toCommitEvent', () => {
  const [merge, unlinked, empty] = commitListSchema.parse([
    {
      sha: 'a1b2c3d4e5',
      commit: {
        author: { name: 'Ada', email: 'ada@example.com', date: '2026-11-27T10:00:00Z' },
        committer: { name: 'GitHub', email: 'noreply@github.com', date: '2026-11-28T09:00:00Z' },
      },
      author: { login: 'ada', id: 1 },
      committer: { login: 'web-flow', id: 19864447 },
      parents: [{ sha: '0000000001' }, { sha: '0000000002' }],
    },
    {
      sha: 'f00dfeed00',
      commit: {
        author: {
          name: 'Bo',
          email: '42+bo@users.noreply.github.com',
          date: '2026-11-28T08:00:00Z',
        },
        committer: {
          name: 'Bo',
          email: '42+bo@users.noreply.github.com',
          date: '2026-11-28T08:00:00Z',
        },
      },
      author: null,
      parents: [{ sha: 'a1b2c3d4e5' }],
    },
    {
      sha: 'deadbeef00',
      commit: {
        author: { name: 'X', email: 'x@corp.example', date: '2026-11-28T07:00:00Z' },
        committer: { name: 'X', email: 'x@corp.example', date: '2026-11-28T07:00:00Z' },
      },
      author: {},
      parents: [{ sha: 'f00dfeed00' }],
    },
  ]);

  it('credits the author, by id, at the committer date, never web-flow', () => {
    expect(merge && toCommitEvent(merge, readNoreply)).toEqual({
      kind: 'commit',
      sourceId: 'a1b2c3d4e5',
      user: '#1',
      occurredAtMs: at('2026-11-28T09:00:00Z'),
    });
  });

  it('falls back to the id of the noreply email, then to unlinked', () => {
    expect(unlinked && toCommitEvent(unlinked, readNoreply)?.user).toBe('#42');
    expect(empty && toCommitEvent(empty, readNoreply)?.user).toBe('unlinked');
  });

  it('reads a noreply email of another GitHub as unlinked', () => {
    const readGhesNoreply = createNoreplyEmailReader('users.noreply.ghe.example');
    expect(unlinked && toCommitEvent(unlinked, readGhesNoreply)?.user).toBe('unlinked');
  });

  it('sees the linked author at the page time, a noreply login at the commit date', () => {
    const pageAtMs = at('2026-11-28T12:00:00Z');
    expect(merge && toCommitSightings(merge, readNoreply, pageAtMs)).toEqual([
      { userId: 1, login: 'ada', seenAtMs: pageAtMs },
    ]);
    expect(unlinked && toCommitSightings(unlinked, readNoreply, pageAtMs)).toEqual([
      { userId: 42, login: 'bo', seenAtMs: at('2026-11-28T08:00:00Z') },
    ]);
    expect(empty && toCommitSightings(empty, readNoreply, pageAtMs)).toEqual([]);
  });

  it('names the bad field of a malformed commit', () => {
    const result = commitListSchema.safeParse([
      {
        sha: 'a1b2c3d4e5',
        commit: { author: null, committer: { date: 'yesterday' } },
        author: null,
      },
    ]);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual([0, 'commit', 'committer', 'date']);
  });
});

describe('toPullEvents', () => {
  it('gives opened and merged events to the PR author', () => {
    const [pull] = pullListSchema.parse([
      {
        number: 7,
        user: { login: 'ada', id: 1 },
        created_at: '2026-11-27T10:00:00Z',
        updated_at: '2026-11-28T10:00:00Z',
        merged_at: '2026-11-28T09:00:00Z',
        merged_by: { login: 'boss' },
      },
    ]);
    expect(pull && toPullEvents(pull)).toEqual([
      { kind: 'pr_opened', sourceId: '7', user: '#1', occurredAtMs: at('2026-11-27T10:00:00Z') },
      { kind: 'pr_merged', sourceId: '7', user: '#1', occurredAtMs: at('2026-11-28T09:00:00Z') },
    ]);
  });

  it('credits a deleted account to ghost', () => {
    const [pull] = pullListSchema.parse([
      {
        number: 8,
        user: null,
        created_at: '2026-11-27T10:00:00Z',
        updated_at: '2026-11-27T10:00:00Z',
        merged_at: null,
      },
    ]);
    expect(pull && toPullEvents(pull)).toEqual([
      { kind: 'pr_opened', sourceId: '8', user: 'ghost', occurredAtMs: at('2026-11-27T10:00:00Z') },
    ]);
  });
});

describe('toAccountSightings', () => {
  it('sees every account with an id, and no deleted or id-less one', () => {
    expect(
      toAccountSightings([{ login: 'ada', id: 1 }, null, { login: 'old-style' }], 5_000),
    ).toEqual([{ userId: 1, login: 'ada', seenAtMs: 5_000 }]);
  });
});

describe('toReviewEvent', () => {
  it('counts every submitted state and never PENDING', () => {
    const reviews = reviewListSchema.parse(
      ['APPROVED', 'CHANGES_REQUESTED', 'COMMENTED', 'DISMISSED', 'PENDING'].map(
        (state, index) => ({
          id: index + 1,
          user: { login: 'rev' },
          state,
          ...(state === 'PENDING' ? {} : { submitted_at: '2026-11-28T10:00:00Z' }),
        }),
      ),
    );
    expect(reviews.map(toReviewEvent).map((event) => event?.sourceId)).toEqual([
      '1',
      '2',
      '3',
      '4',
      undefined,
    ]);
  });
});

describe('toCommentEvent', () => {
  it('counts a comment at its creation, not its last edit, as the kind asked for', () => {
    expect(
      toCommentEvent(
        {
          id: 99,
          user: { login: 'cy' },
          created_at: '2026-11-20T10:00:00Z',
          updated_at: '2026-11-28T10:00:00Z',
        },
        'issue_comment',
      ),
    ).toEqual({
      kind: 'issue_comment',
      sourceId: '99',
      user: 'cy',
      occurredAtMs: at('2026-11-20T10:00:00Z'),
    });
  });
});

describe('toWeeklyLoc', () => {
  it('keeps linked contributors and weeks from the given week on', () => {
    const stats = contributorStatsSchema.parse([
      {
        author: { login: 'ada', id: 1 },
        total: 3,
        weeks: [
          { w: at('2026-11-08T00:00:00Z') / 1000, a: 1, d: 1, c: 1 },
          { w: at('2026-11-15T00:00:00Z') / 1000, a: 10, d: 2, c: 2 },
        ],
      },
      {
        author: null,
        total: 1,
        weeks: [{ w: at('2026-11-15T00:00:00Z') / 1000, a: 5, d: 5, c: 1 }],
      },
    ]);
    expect(toWeeklyLoc(stats, at('2026-11-15T00:00:00Z'))).toEqual([
      { user: '#1', weekStartMs: at('2026-11-15T00:00:00Z'), additions: 10, deletions: 2 },
    ]);
  });
});
