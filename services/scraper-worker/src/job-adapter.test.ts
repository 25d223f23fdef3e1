import { describe, expect, it } from 'vitest';

import { toDeferralDelayMs } from './job-adapter.js';

describe('toDeferralDelayMs', () => {
  it('doubles from 1 s with each start, up to 60 s', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 40].map((started) => toDeferralDelayMs(started, 0.5))).toEqual([
      1000, 2000, 4000, 8000, 16_000, 32_000, 60_000, 60_000, 60_000,
    ]);
  });

  it('jitters by ±25 %', () => {
    expect(toDeferralDelayMs(1, 0)).toBe(750);
    expect(toDeferralDelayMs(1, 1)).toBe(1250);
    expect(toDeferralDelayMs(7, 0)).toBe(45_000);
  });

  it('treats a job never started like a first start', () => {
    expect(toDeferralDelayMs(0, 0.5)).toBe(1000);
  });
});
