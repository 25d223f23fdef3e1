import { describe, expect, it } from 'vitest';

import {
  isCoveredByNextScrape,
  toIncrementalBackfillNeeds,
  toUncoveredResources,
} from './backfill-coverage.js';
import type { MissingResource } from './scrape-repo.js';

const window = { fromMs: 10_000, toMs: 20_000 };

describe('backfill coverage by the next incremental scrape', () => {
  it('covers a window that starts at or after the checkpoint', () => {
    expect(isCoveredByNextScrape({ commitsSyncedAtMs: 10_000 }, 'commits', window)).toBe(true);
    expect(isCoveredByNextScrape({ commitsSyncedAtMs: 9_000 }, 'commits', window)).toBe(true);
    // Never read completely: the first read may be long in coming.
    expect(isCoveredByNextScrape({}, 'pulls', window)).toBe(false);
    // The checkpoint moved into or past the window: the scrape that moved it may not have
    // read the window's start.
    expect(isCoveredByNextScrape({ commitsSyncedAtMs: 10_001 }, 'commits', window)).toBe(false);
    expect(isCoveredByNextScrape({ pullsUpdatedAtMs: 30_000 }, 'pulls', window)).toBe(false);
  });

  it('keeps only the resources whose checkpoint moved past the window start, in order', () => {
    expect(
      toUncoveredResources(
        {
          commitsSyncedAtMs: 25_000,
          pullsUpdatedAtMs: 5_000,
          commentsUpdatedAtMs: 15_000,
          locRefreshedAtMs: 1_000,
        },
        'all',
        window,
      ),
    ).toEqual(['commits', 'issue_comments']);
    expect(
      toUncoveredResources(
        { commitsSyncedAtMs: 25_000, locRefreshedAtMs: 1 },
        ['loc', 'commits'],
        window,
      ),
    ).toEqual(['commits']);
  });

  it('sends only permanent refusals that start with an incremental scrape to backfill', () => {
    const miss = (resource: MissingResource['resource'], reason: MissingResource['reason']) => ({
      resource,
      reason,
      error: 'x',
      window,
    });
    const missing = [
      miss('commits', 'github_unavailable'),
      miss('pulls', 'rate_limited'),
      miss('issue_comments', 'github_rejected'),
      miss('loc', 'stats_computing'),
    ];
    expect(toIncrementalBackfillNeeds({ missing, newlyRefused: ['issue_comments'] })).toEqual([
      miss('issue_comments', 'github_rejected'),
    ]);
    // Refused since an earlier cycle: already reported.
    expect(toIncrementalBackfillNeeds({ missing, newlyRefused: [] })).toEqual([]);
  });
});
