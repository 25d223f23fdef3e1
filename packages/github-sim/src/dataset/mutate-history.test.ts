import { beforeAll, describe, expect, it } from 'vitest';

import type { SimDataset } from '../model.js';
import { listDatasetViolations } from './dataset-invariants.js';
import { generateDataset } from './generate-dataset.js';
import { findRepo, openPull } from './mutate-dataset.js';
import { addReviewInUpdateSecond, addReviews, forcePush } from './mutate-history.js';
import { SimConflictError, SimNotFoundError } from './sim-errors.js';

const GENERATED_AT_MS = Date.parse('2026-11-28T13:00:00Z');
const NOW = GENERATED_AT_MS + 3_600_000;
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

const fresh = (): SimDataset => structuredClone(pristine);
const defaultBranch = (dataset: SimDataset): string[] => {
  const repo = findRepo(dataset, WEB);
  return repo.commits.filter((c) => c.branch === repo.defaultBranch).map((c) => c.sha);
};

describe('forcePush', () => {
  it('drops the newest default-branch commits and pushes new ones onto what is left', () => {
    const dataset = fresh();
    const before = defaultBranch(dataset);
    const result = forcePush(
      dataset,
      WEB,
      { dropCommits: 2, commits: [{ authorLogin: 'alice' }, { authorLogin: 'bob' }] },
      NOW,
    );
    expect(result.dropped).toEqual(before.slice(0, 2));
    const [first, second] = result.pushed;
    expect(first?.parents).toEqual([before[2]]);
    expect(second?.parents).toEqual([first?.sha]);
    expect(defaultBranch(dataset)).toEqual([second?.sha, first?.sha, ...before.slice(2)]);
    expect(findRepo(dataset, WEB).pushedAt).toBe('2026-11-28T14:00:00Z');
    expect(listDatasetViolations(dataset)).toEqual([]);
  });

  it('refuses to drop more commits than the branch has', () => {
    const dataset = fresh();
    const count = defaultBranch(dataset).length;
    expect(() => forcePush(dataset, WEB, { dropCommits: count + 1, commits: [] }, NOW)).toThrow(
      SimConflictError,
    );
  });
});

describe('reviews that fill pages or share a second', () => {
  it('adds reviews in id order, reviewers in turn, all at one time', () => {
    const dataset = fresh();
    const pull = openPull(dataset, WEB, { user: 'bob' }, NOW);
    const reviews = addReviews(
      dataset,
      WEB,
      pull.number,
      { count: 101, users: ['carol', 'dave'] },
      NOW + 1000,
    );
    expect(reviews.map((review) => review.user).slice(0, 3)).toEqual(['carol', 'dave', 'carol']);
    const ids = reviews.map((review) => review.id);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(pull.reviews).toHaveLength(101);
    expect(pull.updatedAt).toBe('2026-11-28T14:00:01Z');
  });

  it('submits a review in the second of the PR update, which keeps updated_at', () => {
    const dataset = fresh();
    const pull = openPull(dataset, WEB, { user: 'bob' }, NOW + 250);
    const review = addReviewInUpdateSecond(dataset, WEB, pull.number, {
      user: 'carol',
      state: 'APPROVED',
    });
    expect(review.submittedAt).toBe('2026-11-28T14:00:00Z');
    expect(pull.updatedAt).toBe('2026-11-28T14:00:00Z');
    expect(() =>
      addReviewInUpdateSecond(dataset, WEB, 99_999, { user: 'carol', state: 'APPROVED' }),
    ).toThrow(SimNotFoundError);
  });
});
