import { describe, expect, it } from 'vitest';

import { alignToGrid, coalesceBackfillRequests } from './backfill-coalesce.js';
import type { BackfillRequest } from './backfill-request.js';

const MIN = 60_000;
const request = (fromMs: number, toMs: number, extra: Partial<BackfillRequest> = {}) => ({
  org: 'acme',
  repo: 'web',
  resource: 'commits' as const,
  fromMs,
  toMs,
  reason: 'github_unavailable',
  ...extra,
});

describe('coalescing backfill windows', () => {
  it('widens a window to whole grid steps, at least one', () => {
    expect(alignToGrid(request(7 * MIN, 52 * MIN), 15 * MIN)).toMatchObject({
      fromMs: 0,
      toMs: 60 * MIN,
    });
    expect(alignToGrid(request(15 * MIN, 15 * MIN), 15 * MIN)).toMatchObject({
      fromMs: 15 * MIN,
      toMs: 30 * MIN,
    });
    expect(() => alignToGrid(request(2, 1), 15 * MIN)).toThrow(RangeError);
  });

  it('turns the growing windows of consecutive failed cycles into one per grid step', () => {
    // A checkpoint at 0:03, cycles every 5 minutes: each reports [0:03, now].
    const cycles = [10, 15, 20, 25].map((minute) => request(3 * MIN, minute * MIN));
    const steps = cycles.map((cycle) => coalesceBackfillRequests([cycle], 15 * MIN));
    expect(steps.map(([window]) => [window?.fromMs, window?.toMs])).toEqual([
      [0, 15 * MIN],
      [0, 15 * MIN],
      [0, 30 * MIN],
      [0, 30 * MIN],
    ]);
  });

  it('merges overlapping or touching windows of the same repo and resource only', () => {
    const merged = coalesceBackfillRequests(
      [
        request(0, 10 * MIN, { lastError: 'first' }),
        request(15 * MIN, 20 * MIN, { lastError: 'second' }),
        request(50 * MIN, 55 * MIN),
        request(0, 10 * MIN, { resource: 'pulls' }),
        request(0, 10 * MIN, { repo: 'api' }),
        request(0, 10 * MIN, { repo: undefined }),
      ],
      15 * MIN,
    );
    expect(
      merged.map((window) => [window.repo, window.resource, window.fromMs, window.toMs]),
    ).toEqual([
      ['web', 'commits', 0, 30 * MIN],
      ['web', 'commits', 45 * MIN, 60 * MIN],
      ['web', 'pulls', 0, 15 * MIN],
      ['api', 'commits', 0, 15 * MIN],
      [undefined, 'commits', 0, 15 * MIN],
    ]);
    expect(merged[0]?.lastError).toBe('second');
  });

  it('merges the windows of one repo id across its names, never two repos of one name', () => {
    const merged = coalesceBackfillRequests(
      [
        request(0, 10 * MIN, { repoId: 7 }),
        request(5 * MIN, 20 * MIN, { repo: 'web-app', repoId: 7 }),
        // Another repo now named web, and a window of an earlier release (no id).
        request(0, 10 * MIN, { repoId: 8 }),
        request(0, 10 * MIN),
      ],
      15 * MIN,
    );
    expect(
      merged.map((window) => [window.repo, window.repoId, window.fromMs, window.toMs]),
    ).toEqual([
      ['web', 7, 0, 30 * MIN],
      ['web', 8, 0, 15 * MIN],
      ['web', undefined, 0, 15 * MIN],
    ]);
  });

  it('keeps every window as asked with a grid of 0', () => {
    const asked = [request(3, 10), request(5, 30)];
    expect(coalesceBackfillRequests(asked, 0)).toEqual(asked);
    expect(() => coalesceBackfillRequests(asked, -1)).toThrow(RangeError);
  });
});
