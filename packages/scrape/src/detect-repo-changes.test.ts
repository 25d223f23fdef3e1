import {
  GitHubRequestError,
  type Decode,
  type GitHubClient,
  type RepoChangesNode,
} from '@gse/github';
import { describe, expect, it } from 'vitest';

import {
  detectRepoChanges,
  toFingerprintAfterScrape,
  toRepoFingerprint,
} from './detect-repo-changes.js';

const node: RepoChangesNode = {
  databaseId: 7,
  name: 'web',
  isArchived: false,
  isDisabled: false,
  isFork: false,
  pushedAt: '2026-12-01T10:00:00Z',
  updatedAt: '2026-12-01T10:00:00Z',
  defaultBranchRef: { name: 'main', target: { oid: 'a1b2c3d4e5f6' } },
  pullRequests: { totalCount: 12, nodes: [{ updatedAt: '2026-12-01T09:00:00Z' }] },
  issues: { totalCount: 3, nodes: [{ updatedAt: '2026-11-30T08:00:00Z' }] },
};

describe('toRepoFingerprint', () => {
  it('holds the name, head, newest PR and issue with their counts, and the state', () => {
    expect(toRepoFingerprint(node)).toBe(
      'web a1b2c3d4e5f6 pulls:12@2026-12-01T09:00:00Z issues:3@2026-11-30T08:00:00Z',
    );
    expect(
      toRepoFingerprint({
        ...node,
        isArchived: true,
        defaultBranchRef: null,
        pullRequests: { totalCount: 0, nodes: [] },
      }),
    ).toBe('web - pulls:0@- issues:3@2026-11-30T08:00:00Z archived');
  });

  it('ignores what no metric counts: pushes to other branches, repo metadata', () => {
    expect(
      toRepoFingerprint({
        ...node,
        pushedAt: '2026-12-02T00:00:00Z',
        updatedAt: '2026-12-02T00:00:00Z',
      }),
    ).toBe(toRepoFingerprint(node));
  });
});

describe('toFingerprintAfterScrape', () => {
  const missing = (reason: 'github_rejected' | 'github_unavailable') => ({
    resource: 'commits' as const,
    window: { fromMs: 0, toMs: 1 },
    reason,
    error: 'x',
  });
  const fingerprint = toRepoFingerprint(node);
  const read = { missing: [], commitsHeadSha: 'a1b2c3d4e5f6' };

  it("keeps the job's fingerprint after a scrape missing only permanent refusals", () => {
    expect(toFingerprintAfterScrape(fingerprint, read)).toBe(fingerprint);
    expect(
      toFingerprintAfterScrape(fingerprint, { ...read, missing: [missing('github_rejected')] }),
    ).toBe(fingerprint);
    expect(
      toFingerprintAfterScrape(fingerprint, {
        ...read,
        missing: [missing('github_rejected'), missing('github_unavailable')],
      }),
    ).toBeUndefined();
  });

  it('keeps none when the commits were read up to another head than detection saw', () => {
    expect(
      toFingerprintAfterScrape(fingerprint, { ...read, commitsHeadSha: 'f00d' }),
    ).toBeUndefined();
    expect(
      toFingerprintAfterScrape(fingerprint, { ...read, commitsHeadSha: undefined }),
    ).toBeUndefined();
    const empty = toRepoFingerprint({ ...node, defaultBranchRef: null });
    expect(toFingerprintAfterScrape(empty, { ...read, commitsHeadSha: undefined })).toBe(empty);
  });

  it('keeps none for a job without one', () => {
    expect(toFingerprintAfterScrape(undefined, read)).toBeUndefined();
  });
});

describe('detectRepoChanges', () => {
  it('fails with a retryable error on a null repository node: GitHub could not resolve it this time', async () => {
    const page = {
      rateLimit: null,
      organization: {
        repositories: {
          totalCount: 2,
          pageInfo: { hasNextPage: false, endCursor: null },
          nodes: [node, null],
        },
      },
    };
    // Only `graphql` is called; the answer goes through the real decoder.
    const client = {
      graphql: <T>(_query: string, _variables: unknown, decode: Decode<T>) =>
        Promise.resolve(decode(page)),
    } as Partial<GitHubClient> as GitHubClient;
    const failure = await detectRepoChanges({
      client,
      checkpoints: {
        readChangeStates: () => Promise.resolve(new Map()),
        readReposWithCommitsSince: () => Promise.resolve(new Set()),
        writeFingerprint: () => Promise.resolve(),
      },
      org: 'acme',
      allowlist: ['*'],
      nowMs: Date.parse('2026-12-02T00:00:00Z'),
      cycleIntervalMs: 300_000,
      quietRepoRereadIntervalMs: 86_400_000,
      locRefreshIntervalMs: 86_400_000,
      retentionMs: 30 * 86_400_000,
    }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(GitHubRequestError);
    expect(failure).toMatchObject({
      retryable: true,
      message:
        'POST /graphql RepoChanges failed with status 200 after 1 attempt: repository 1 of the page after null is null',
    });
  });
});
