import { describe, expect, it } from 'vitest';

import { cycleShare } from './cycle-share.js';

const MINUTE_MS = 60_000;

describe('cycleShare', () => {
  it('is twice the fair share of a cycle, rounded up', () => {
    // 10,000 repos reread daily at 5-minute cycles: 288 cycles a day, 34.7 each, twice that.
    expect(cycleShare(10_000, 5 * MINUTE_MS, 24 * 60 * MINUTE_MS)).toBe(70);
    expect(cycleShare(1, 5 * MINUTE_MS, 60 * MINUTE_MS)).toBe(1);
    expect(cycleShare(0, 5 * MINUTE_MS, 60 * MINUTE_MS)).toBe(0);
  });
});
