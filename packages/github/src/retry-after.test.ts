import { describe, expect, it } from 'vitest';

import { parseRetryAfter } from './retry-after.js';

const nowMs = Date.parse('2026-11-28T13:00:00Z');

describe('parseRetryAfter', () => {
  it('reads delay-seconds', () => {
    expect(parseRetryAfter('0', nowMs)).toBe(0);
    expect(parseRetryAfter('60', nowMs)).toBe(60_000);
    expect(parseRetryAfter(' 7 ', nowMs)).toBe(7000);
  });

  it('reads an HTTP-date as the time left until it', () => {
    expect(parseRetryAfter('Sat, 28 Nov 2026 13:00:30 GMT', nowMs)).toBe(30_000);
  });

  it('reads a date already past as no wait', () => {
    expect(parseRetryAfter('Sat, 28 Nov 2026 12:59:00 GMT', nowMs)).toBe(0);
  });

  it('ignores an absent header and values of neither form', () => {
    expect(parseRetryAfter(undefined, nowMs)).toBeUndefined();
    expect(parseRetryAfter('', nowMs)).toBeUndefined();
    expect(parseRetryAfter('-3', nowMs)).toBeUndefined();
    expect(parseRetryAfter('1.5', nowMs)).toBeUndefined();
    expect(parseRetryAfter('soon', nowMs)).toBeUndefined();
  });
});
