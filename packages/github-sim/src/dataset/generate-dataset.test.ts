import { createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';

import { describe, expect, it } from 'vitest';

import { computeGroundTruth } from '../ground-truth.js';
import type { SimDataset } from '../model.js';
import type { AppKeyPair } from './app-keys.js';
import { listDatasetViolations } from './dataset-invariants.js';
import { generateDataset } from './generate-dataset.js';

const GENERATED_AT_MS = Date.parse('2026-11-28T13:00:00Z');
// Keys are not part of what determinism covers; fixed fakes keep these tests fast.
const FAKE_KEYS: AppKeyPair[] = [
  { appId: 101, privateKeyPem: 'private-101', publicKeyPem: 'public-101' },
  { appId: 102, privateKeyPem: 'private-102', publicKeyPem: 'public-102' },
];

function standard(seed: number, generatedAtMs = GENERATED_AT_MS): SimDataset {
  return generateDataset({ seed, generatedAtMs, keyPairs: FAKE_KEYS });
}

function eventTimes(dataset: SimDataset): string[] {
  return dataset.orgs.flatMap((org) =>
    org.repos.flatMap((repo) => [
      ...repo.commits.flatMap((c) => [c.author.date, c.committer.date]),
      ...repo.pulls.flatMap((p) => [
        p.createdAt,
        p.updatedAt,
        ...[p.closedAt, p.mergedAt, ...p.reviews.map((r) => r.submittedAt)].filter(
          (time): time is string => time !== null,
        ),
      ]),
      ...repo.issues.flatMap((i) => [i.createdAt, i.updatedAt]),
      ...repo.comments.flatMap((c) => [c.createdAt, c.updatedAt]),
    ]),
  );
}

describe('generateDataset (standard)', () => {
  it('is deterministic for a seed and time, and so is its ground truth', () => {
    const first = standard(7);
    const second = standard(7);
    expect(second).toEqual(first);
    expect(computeGroundTruth(second, { atMs: GENERATED_AT_MS })).toEqual(
      computeGroundTruth(first, { atMs: GENERATED_AT_MS }),
    );
  });

  it('gives another world for another seed or another end of history', () => {
    const base = standard(7);
    const truth = computeGroundTruth(base, { atMs: GENERATED_AT_MS });
    const reseeded = standard(8);
    expect(reseeded.orgs[0]?.repos[0]?.commits[0]?.sha).not.toBe(
      base.orgs[0]?.repos[0]?.commits[0]?.sha,
    );
    expect(computeGroundTruth(reseeded, { atMs: GENERATED_AT_MS })).not.toEqual(truth);
    const later = standard(7, GENERATED_AT_MS + 3_600_000);
    expect(later.orgs[0]?.repos[0]?.pushedAt).not.toBe(base.orgs[0]?.repos[0]?.pushedAt);
  });

  it('keeps every invariant of the model, and nothing happens after the end of history', () => {
    const dataset = standard(11);
    expect(listDatasetViolations(dataset)).toEqual([]);
    const latest = eventTimes(dataset).reduce((max, time) => (time > max ? time : max));
    expect(latest).toBe('2026-11-28T13:00:00Z');
  });

  it('numbers issues and PRs in creation order from 1 in every repo', () => {
    for (const repo of standard(3).orgs.flatMap((org) => org.repos)) {
      const threads = [...repo.pulls, ...repo.issues].sort((a, b) => a.number - b.number);
      expect(threads.map((t) => t.number)).toEqual(threads.map((_, i) => i + 1));
      const created = threads.map((t) => t.createdAt);
      expect(created).toEqual([...created].sort());
    }
  });

  it('truncates the end of history to whole seconds', () => {
    const dataset = standard(5, GENERATED_AT_MS + 999);
    expect(dataset.generatedAtMs).toBe(GENERATED_AT_MS + 999);
    expect(listDatasetViolations(dataset)).toEqual([]);
    expect(eventTimes(dataset).every((time) => Date.parse(time) <= GENERATED_AT_MS)).toBe(true);
  });

  it('builds in well under a second or two (App keys excluded)', () => {
    const startedMs = performance.now();
    standard(12);
    const elapsedMs = performance.now() - startedMs;
    expect(elapsedMs).toBeLessThan(2000);
  });

  it('generates working RS256 App keys unless given, matched by appId', () => {
    const given = generateDataset({
      seed: 1,
      generatedAtMs: GENERATED_AT_MS,
      keyPairs: [FAKE_KEYS[1] as AppKeyPair],
    });
    const [acme, globex] = given.apps;
    expect(globex).toEqual({
      appId: 102,
      slug: 'gse-globex',
      privateKeyPem: 'private-102',
      publicKeyPem: 'public-102',
    });
    expect(acme?.appId).toBe(101);
    expect(acme?.privateKeyPem).toMatch(/^-----BEGIN RSA PRIVATE KEY-----/);
    const payload = Buffer.from('header.payload');
    const signature = sign('sha256', payload, createPrivateKey(acme?.privateKeyPem ?? ''));
    expect(verify('sha256', payload, createPublicKey(acme?.publicKeyPem ?? ''), signature)).toBe(
      true,
    );
    const reused = generateDataset({
      seed: 1,
      generatedAtMs: GENERATED_AT_MS,
      keyPairs: given.apps,
    });
    expect(reused.apps).toEqual(given.apps);
  });
});

describe('generateDataset (bench)', () => {
  it('builds one org acme with repoCount light repos, the first share of them active', () => {
    const dataset = generateDataset({
      seed: 1,
      generatedAtMs: GENERATED_AT_MS,
      profile: 'bench',
      bench: { repoCount: 50, activeRepoFraction: 0.2 },
      keyPairs: FAKE_KEYS,
    });
    expect(dataset.orgs.map((o) => [o.login, o.appId, o.installationId])).toEqual([
      ['acme', 101, 1001],
    ]);
    expect(dataset.apps.map((a) => a.appId)).toEqual([101]);
    const repos = dataset.orgs[0]?.repos ?? [];
    expect(repos).toHaveLength(50);
    expect(repos[0]?.name).toBe('repo-0001');
    expect(listDatasetViolations(dataset)).toEqual([]);
    const dayAgo = GENERATED_AT_MS - 86_400_000;
    const isActive = repos.map((r) =>
      r.commits.some((c) => Date.parse(c.committer.date) > dayAgo - 6 * 86_400_000),
    );
    expect(isActive).toEqual(repos.map((_, i) => i < 10));
    const truth = computeGroundTruth(dataset, { atMs: GENERATED_AT_MS });
    expect(new Set(truth.map((s) => s.repo)).size).toBe(50);
  });

  it('ends the last dormantRepoFraction of the repos 60 days before the end of history', () => {
    const dataset = generateDataset({
      seed: 3,
      generatedAtMs: GENERATED_AT_MS,
      profile: 'bench',
      bench: { repoCount: 20, activeRepoFraction: 0.1, dormantRepoFraction: 0.5 },
      keyPairs: FAKE_KEYS,
    });
    const repos = dataset.orgs[0]?.repos ?? [];
    expect(listDatasetViolations(dataset)).toEqual([]);
    const lastActivityMs = repos.map((repo) =>
      Math.max(
        Date.parse(repo.pushedAt),
        ...repo.pulls.map((pull) => Date.parse(pull.updatedAt)),
        ...repo.issues.map((issue) => Date.parse(issue.updatedAt)),
      ),
    );
    const dormantSince = GENERATED_AT_MS - 60 * 86_400_000;
    expect(lastActivityMs.map((ms) => ms <= dormantSince)).toEqual(repos.map((_, i) => i >= 10));
    expect(() =>
      generateDataset({
        seed: 3,
        generatedAtMs: GENERATED_AT_MS,
        profile: 'bench',
        bench: { repoCount: 20, activeRepoFraction: 0.6, dormantRepoFraction: 0.5 },
        keyPairs: FAKE_KEYS,
      }),
    ).toThrow(RangeError);
  });

  it('is deterministic and rejects missing or bad bench options', () => {
    const options = {
      seed: 2,
      generatedAtMs: GENERATED_AT_MS,
      profile: 'bench' as const,
      keyPairs: FAKE_KEYS,
    };
    expect(generateDataset({ ...options, bench: { repoCount: 5 } })).toEqual(
      generateDataset({ ...options, bench: { repoCount: 5 } }),
    );
    expect(() => generateDataset(options)).toThrow("profile 'bench' needs options.bench");
    expect(() => generateDataset({ ...options, bench: { repoCount: 0 } })).toThrow(RangeError);
    expect(() =>
      generateDataset({ ...options, bench: { repoCount: 3, activeRepoFraction: 2 } }),
    ).toThrow(RangeError);
  });
});
