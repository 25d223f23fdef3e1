import { describe, expect, it } from 'vitest';

import { isInActivityWindow, isInRetention, lastCompleteWeek } from './activity-window.js';

const t = Date.parse('2026-11-28T13:00:00Z');
const HOUR = 3_600_000;

describe('isInActivityWindow', () => {
  it('is (t − 24h, t]', () => {
    expect(isInActivityWindow(t - 24 * HOUR, t)).toBe(false);
    expect(isInActivityWindow(t - 24 * HOUR + 1, t)).toBe(true);
    expect(isInActivityWindow(t, t)).toBe(true);
    expect(isInActivityWindow(t + 1, t)).toBe(false);
  });
});

describe('isInRetention', () => {
  it('is (t − retention, t]', () => {
    expect(isInRetention(t - 30 * 24 * HOUR, t, 30 * 24 * HOUR)).toBe(false);
    expect(isInRetention(t - 30 * 24 * HOUR + 1, t, 30 * 24 * HOUR)).toBe(true);
    expect(isInRetention(t, t, 30 * 24 * HOUR)).toBe(true);
  });
});

describe('lastCompleteWeek', () => {
  it('ends at the latest Sunday 00:00 UTC before a Saturday', () => {
    // 2026-11-28 is a Saturday.
    expect(lastCompleteWeek(t)).toEqual({
      startMs: Date.parse('2026-11-15T00:00:00Z'),
      endMs: Date.parse('2026-11-22T00:00:00Z'),
    });
  });

  it('counts the week that just ended at exactly Sunday 00:00', () => {
    const sunday = Date.parse('2026-11-29T00:00:00Z');
    expect(lastCompleteWeek(sunday)).toEqual({
      startMs: Date.parse('2026-11-22T00:00:00Z'),
      endMs: sunday,
    });
    expect(lastCompleteWeek(sunday - 1).endMs).toBe(Date.parse('2026-11-22T00:00:00Z'));
  });

  it('works before the first Sunday after the epoch', () => {
    expect(lastCompleteWeek(0)).toEqual({
      startMs: Date.parse('1969-12-21T00:00:00Z'),
      endMs: Date.parse('1969-12-28T00:00:00Z'),
    });
  });
});
