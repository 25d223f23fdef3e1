import { describe, expect, it } from 'vitest';

import { parseDurationMs, tryParseDurationMs } from './duration.js';

describe('parseDurationMs', () => {
  it.each([
    ['500ms', 500],
    ['30s', 30_000],
    ['5m', 300_000],
    ['24h', 86_400_000],
    ['7d', 604_800_000],
    ['2w', 1_209_600_000],
    ['1h30m', 5_400_000],
    ['1m500ms', 60_500],
    ['1.5h', 5_400_000],
    ['0.5s', 500],
    ['1.1s', 1_100],
    ['2.3h', 8_280_000],
    ['0s', 0],
    ['0', 0],
    [0, 0],
  ])('reads %j as %d ms', (text, ms) => {
    expect(parseDurationMs(text)).toBe(ms);
  });

  it.each([
    ['-5m', 'must not be negative'],
    ['-0s', 'must not be negative'],
    ['5 minutes', 'must be a number with a unit'],
    ['5', 'must be a number with a unit'],
    ['5M', 'must be a number with a unit'],
    ['1y', 'must be a number with a unit'],
    ['10us', 'must be a number with a unit'],
    [' 5m', 'must be a number with a unit'],
    ['5m ', 'must be a number with a unit'],
    ['', 'must be a number with a unit'],
    ['m', 'must be a number with a unit'],
    ['.5s', 'must be a number with a unit'],
    ['0.1ms', 'must be a whole number of milliseconds'],
    ['99999999999999w', 'is too large'],
    [300, 'a bare number has no unit'],
    [true, 'must be a string such as 30s'],
    [null, 'must be a string such as 30s'],
  ])('rejects %j: %s', (text, reason) => {
    const result = tryParseDurationMs(text);
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.reason).toContain(reason);
    expect(() => parseDurationMs(text)).toThrow(`invalid duration: ${reason}`);
  });

  it('does not keep state between calls that fail halfway', () => {
    expect(tryParseDurationMs('1h').ok).toBe(true);
    expect(tryParseDurationMs('1hx').ok).toBe(false);
    expect(parseDurationMs('2m')).toBe(120_000);
  });
});
