import { describe, expect, it } from 'vitest';

import {
  decodeOrgScrapeJob,
  decodeRepoScrapeJob,
  toOrgScrapeJobId,
  toRepoScrapeJobId,
} from './scrape-jobs.js';

describe('scrape job ids', () => {
  it('derive from org, repo and slot, never an integer, never with a colon', () => {
    expect(toOrgScrapeJobId({ org: 'acme', slotStartMs: 1_700_000_000_000 })).toBe(
      'org/acme/1700000000000',
    );
    expect(toRepoScrapeJobId({ org: 'acme-corp', repo: 'web.site_v2', slotStartMs: 60_000 })).toBe(
      'repo/acme-corp/web.site_v2/60000',
    );
  });

  it('refuse names GitHub cannot issue and slots that are not epoch milliseconds', () => {
    expect(() => toOrgScrapeJobId({ org: 'a:b', slotStartMs: 0 })).toThrow(
      'invalid org name for a job id: "a:b"',
    );
    expect(() => toRepoScrapeJobId({ org: 'acme', repo: 'a/b', slotStartMs: 0 })).toThrow(
      'invalid repo name for a job id: "a/b"',
    );
    expect(() => toOrgScrapeJobId({ org: 'acme', slotStartMs: 1.5 })).toThrow(
      'invalid slot start for a job id: 1.5',
    );
  });
});

describe('scrape job decoders', () => {
  it('return the payload a producer wrote', () => {
    const org = { org: 'acme', slotStartMs: 60_000, intervalMs: 60_000, fencingToken: 3 };
    const repo = { org: 'acme', repo: 'api', slotStartMs: 60_000, intervalMs: 60_000 };
    expect(decodeOrgScrapeJob(JSON.parse(JSON.stringify(org)))).toEqual(org);
    expect(decodeRepoScrapeJob(JSON.parse(JSON.stringify(repo)))).toEqual(repo);
  });

  it("keep the producer's trace context, and drop a malformed one without failing the job", () => {
    const trace = { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' };
    const repo = { org: 'acme', repo: 'api', slotStartMs: 60_000, intervalMs: 60_000 };
    expect(decodeRepoScrapeJob({ ...repo, trace })).toEqual({ ...repo, trace });
    expect(decodeRepoScrapeJob({ ...repo, trace: { traceparent: 'x' } })).toEqual(repo);
  });

  it("keep the repo's GitHub id when the job has one, and decode older jobs without it", () => {
    const repo = { org: 'acme', repo: 'api', slotStartMs: 60_000, intervalMs: 60_000 };
    expect(decodeRepoScrapeJob({ ...repo, repoId: 4242 })).toEqual({ ...repo, repoId: 4242 });
    expect(decodeRepoScrapeJob(repo)).toEqual(repo);
    expect(() => decodeRepoScrapeJob({ ...repo, repoId: '4242' })).toThrow(
      'repoId: expected an integer ≥ 0, got "4242"',
    );
  });

  it('keep the change-detection fingerprint of a changed repo, and refuse a malformed one', () => {
    const repo = { org: 'acme', repo: 'api', slotStartMs: 60_000, intervalMs: 60_000 };
    const fingerprint = 'api a1b2c3d pulls:2@2026-12-01T09:00:00Z issues:0@-';
    expect(decodeRepoScrapeJob({ ...repo, fingerprint })).toEqual({ ...repo, fingerprint });
    expect(() => decodeRepoScrapeJob({ ...repo, fingerprint: '' })).toThrow(
      'fingerprint: expected a short string, got ""',
    );
  });

  it('keep the org job’s history decision, and refuse one that is not a boolean', () => {
    const repo = { org: 'acme', repo: 'api', slotStartMs: 60_000, intervalMs: 60_000 };
    expect(decodeRepoScrapeJob({ ...repo, historyInBackground: false })).toEqual({
      ...repo,
      historyInBackground: false,
    });
    expect(() => decodeRepoScrapeJob({ ...repo, historyInBackground: 'yes' })).toThrow(
      'historyInBackground: expected true or false, got "yes"',
    );
  });

  it('keep the resources of a comment reconcile, and refuse unknown or empty ones', () => {
    const repo = { org: 'acme', repo: 'api', slotStartMs: 60_000, intervalMs: 60_000 };
    const resources = ['issue_comments', 'pr_review_comments'];
    expect(decodeRepoScrapeJob({ ...repo, resources })).toEqual({ ...repo, resources });
    expect(() => decodeRepoScrapeJob({ ...repo, resources: ['wiki'] })).toThrow(
      'resources: expected scrape resources, got ["wiki"]',
    );
    expect(() => decodeRepoScrapeJob({ ...repo, resources: [] })).toThrow(
      'resources: expected scrape resources, got []',
    );
  });

  it('name the field that is wrong', () => {
    expect(() => decodeOrgScrapeJob(null)).toThrow('org scrape job: expected an object, got null');
    expect(() =>
      decodeOrgScrapeJob({ org: 'acme', slotStartMs: '1', intervalMs: 1, fencingToken: 1 }),
    ).toThrow('slotStartMs: expected an integer ≥ 0, got "1"');
    expect(() =>
      decodeRepoScrapeJob({ org: 'acme', repo: '', slotStartMs: 1, intervalMs: 1 }),
    ).toThrow('repo: expected a GitHub name, got ""');
  });
});
