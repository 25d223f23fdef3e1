import { describe, expect, it } from 'vitest';

import type { SimDataset } from '../model.js';
import { listDatasetViolations } from './dataset-invariants.js';
import { generateDataset } from './generate-dataset.js';

function smallDataset(): SimDataset {
  return generateDataset({
    seed: 3,
    generatedAtMs: Date.parse('2026-11-28T13:00:00Z'),
    profile: 'bench',
    bench: { repoCount: 2, activeRepoFraction: 1 },
    keyPairs: [{ appId: 101, privateKeyPem: 'k', publicKeyPem: 'k' }],
  });
}

describe('listDatasetViolations', () => {
  it('finds nothing wrong with a generated dataset', () => {
    expect(listDatasetViolations(smallDataset())).toEqual([]);
  });

  it('names each broken invariant', () => {
    const dataset = smallDataset();
    const repo = dataset.orgs[0]?.repos[0];
    const pull = repo?.pulls.find((p) => p.reviews.some((r) => r.submittedAt !== null));
    if (!repo || !pull) throw new Error('the bench repo has a reviewed PR');
    const [newest, second] = repo.commits;
    if (!newest || !second) throw new Error('the bench repo has commits');
    repo.commits[0] = second;
    repo.commits[1] = newest;
    repo.pushedAt = '2020-01-01T00:00:00Z';
    pull.updatedAt = pull.createdAt;
    dataset.users.push({ login: 'clone', id: dataset.users[0]?.id ?? 0, type: 'User' });
    repo.comments.push({
      id: dataset.nextId,
      issueNumber: 999,
      user: 'nobody',
      body: '',
      createdAt: '2026-11-28T13:00:00.000Z',
      updatedAt: '2026-11-28T13:00:00Z',
    });
    const where = `acme/${repo.name}`;
    expect(listDatasetViolations(dataset)).toEqual([
      `user clone: id ${dataset.users[0]?.id} is not unique`,
      `${where}: commit ${newest.sha} is out of order (newest first)`,
      `${where}: pushedAt 2020-01-01T00:00:00Z is not the latest commit`,
      `comment ${dataset.nextId}: id ${dataset.nextId} is not below nextId ${dataset.nextId}`,
      `${where}: comment ${dataset.nextId} author nobody is not an account`,
      `${where}: comment ${dataset.nextId} createdAt "2026-11-28T13:00:00.000Z" is not a whole-second ISO timestamp`,
      `${where}: comment ${dataset.nextId} is on missing #999`,
      `${where}: #${pull.number} updatedAt ${pull.createdAt} is before one of its events`,
    ]);
  });
});
