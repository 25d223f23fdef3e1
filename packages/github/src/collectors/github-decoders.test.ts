import { describe, expect, it } from 'vitest';

import { decodeCommitList, decodeContributorStats } from './github-decoders.js';

describe('GitHub decoders', () => {
  it('return the parsed body', () => {
    expect(decodeContributorStats([])).toEqual([]);
  });

  it('name the first bad field by its JSON path and count the rest', () => {
    expect(() =>
      decodeCommitList([
        {
          sha: 'a1b2c3d4e5',
          commit: { author: null, committer: { date: 'yesterday' } },
          author: null,
        },
        { sha: 1 },
      ]),
    ).toThrow(
      /^\[0\]\.commit\.committer\.date: expected an ISO-8601 timestamp \(and \d+ more problems\)$/,
    );
  });

  it('name the body when it is not a list at all', () => {
    expect(() => decodeCommitList({ message: 'Not Found' })).toThrow(/^body: /);
  });
});
