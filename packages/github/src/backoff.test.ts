import { describe, expect, it } from 'vitest';

import { computeBackoffMs, type RetryOptions } from './backoff.js';

const options: RetryOptions = {
  maxAttempts: 5,
  initialBackoffMs: 2000,
  maxBackoffMs: 30_000,
  jitter: false,
};

describe('computeBackoffMs', () => {
  it('doubles from the initial backoff up to the cap', () => {
    expect([1, 2, 3, 4, 5, 6].map((retry) => computeBackoffMs(retry, options, () => 0.5))).toEqual([
      2000, 4000, 8000, 16_000, 30_000, 30_000,
    ]);
  });

  it('with jitter stays within [half, full] of the schedule', () => {
    const jittered = { ...options, jitter: true };
    for (const retry of [1, 3, 5, 9]) {
      const scheduled = computeBackoffMs(retry, options, () => 0);
      expect(computeBackoffMs(retry, jittered, () => 0)).toBe(scheduled / 2);
      expect(computeBackoffMs(retry, jittered, () => 0.999_999)).toBe(scheduled);
      expect(computeBackoffMs(retry, jittered, () => 0.5)).toBe(scheduled * 0.75);
    }
  });

  it('spreads retries of many callers across the range', () => {
    const jittered = { ...options, jitter: true };
    const delays = new Set(
      Array.from({ length: 50 }, (_, index) => computeBackoffMs(2, jittered, () => index / 50)),
    );
    expect(delays.size).toBe(50);
    expect(Math.min(...delays)).toBe(2000);
    expect(Math.max(...delays)).toBe(3960);
  });
});
