import { describe, expect, it } from 'vitest';

import { formatSampleValue } from './sample-value.js';

describe('formatSampleValue', () => {
  it.each([
    [0, '0'],
    [-0, '0'],
    [42, '42'],
    [1_700_000_000, '1700000000'],
    [0.25, '0.25'],
    [1.5e-7, '1.5e-7'],
    [1e21, '1e+21'],
    [Number.NaN, 'NaN'],
    [Number.POSITIVE_INFINITY, '+Inf'],
    [Number.NEGATIVE_INFINITY, '-Inf'],
  ])('%s → %s', (value, text) => {
    expect(formatSampleValue(value)).toBe(text);
  });
});
