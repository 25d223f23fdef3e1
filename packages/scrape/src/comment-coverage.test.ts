import { describe, expect, it } from 'vitest';

import {
  coversReadBack,
  isReconcileDue,
  OPEN_END_MS,
  toCoveredFromMs,
  toReconcileRange,
} from './comment-coverage.js';

const HOUR = 3_600_000;

describe('toCoveredFromMs', () => {
  it('covers everything after the oldest updated_at read while more pages follow', () => {
    expect(toCoveredFromMs({ oldestUpdatedAtMs: 5_000, reachedEnd: false })).toBe(5_001);
  });
  it('covers the whole list, or back to its since, once its end was read', () => {
    expect(toCoveredFromMs({ oldestUpdatedAtMs: 5_000, reachedEnd: true })).toBe(0);
    expect(toCoveredFromMs({ oldestUpdatedAtMs: undefined, reachedEnd: true })).toBe(0);
    expect(toCoveredFromMs({ oldestUpdatedAtMs: 5_000, reachedEnd: true, sinceMs: 4_000 })).toBe(
      4_000,
    );
  });
  it('covers nothing when nothing was read and the list goes on', () => {
    expect(toCoveredFromMs({ oldestUpdatedAtMs: undefined, reachedEnd: false })).toBe(OPEN_END_MS);
  });
});

describe('toReconcileRange and coversReadBack', () => {
  it('starts after the read-back limit, never before, and is open-ended', () => {
    expect(toReconcileRange(0, 1_000)).toEqual({ fromMs: 1_001, toMs: OPEN_END_MS });
    expect(toReconcileRange(5_001, 1_000)).toEqual({ fromMs: 5_001, toMs: OPEN_END_MS });
  });
  it('says whether the covered range reaches the read-back limit', () => {
    expect(coversReadBack(0, 1_000)).toBe(true);
    expect(coversReadBack(1_001, 1_000)).toBe(true);
    expect(coversReadBack(1_002, 1_000)).toBe(false);
  });
});

describe('isReconcileDue', () => {
  const due = (reconciledAtMs: number | undefined, nowMs: number, repoKey = 'acme/web') =>
    isReconcileDue({ reconciledAtMs, nowMs, intervalMs: HOUR, repoKey });

  it('is due for a repo never proven whole', () => {
    expect(due(undefined, 0)).toBe(true);
  });
  it('is not due within three quarters of the interval, and due once it has passed', () => {
    expect(due(0, 0.75 * HOUR - 1)).toBe(false);
    expect(due(0, HOUR)).toBe(true);
  });
  it("spreads repos proven together over the interval's last quarter, each at a fixed point", () => {
    const dueAtMs = (repoKey: string): number => {
      let lowMs = 0.75 * HOUR;
      let highMs = HOUR;
      while (highMs - lowMs > 1) {
        const middleMs = Math.floor((lowMs + highMs) / 2);
        if (due(0, middleMs, repoKey)) highMs = middleMs;
        else lowMs = middleMs;
      }
      return highMs;
    };
    const points = ['acme/web', 'acme/api', 'acme/docs', 'globex/shop'].map(dueAtMs);
    expect(new Set(points).size).toBe(4);
    expect(dueAtMs('acme/web')).toBe(points[0]);
  });
});
