import { describe, expect, it } from 'vitest';

import { GITHUB_DOCUMENTED_LIMITS } from '../../test/github-documented-limits.js';
import { createSimLimiters, DEFAULT_SIM_LIMITS, parseSimLimits } from './sim-limits.js';

describe('parseSimLimits', () => {
  it("defaults to GitHub's documented limits", () => {
    expect(parseSimLimits(undefined)).toEqual(GITHUB_DOCUMENTED_LIMITS);
  });

  it('applies a partial change over a base', () => {
    const base = parseSimLimits({ restPrimaryPerHour: 15_000 });
    expect(parseSimLimits({ secondaryStatus: 429 }, base)).toEqual({
      ...DEFAULT_SIM_LIMITS,
      restPrimaryPerHour: 15_000,
      secondaryStatus: 429,
    });
  });

  it.each([
    [
      { restPrimaryPerHour: 15_001 },
      'limits.restPrimaryPerHour must be an integer from 1 to 15000; got 15001',
    ],
    [
      { restPrimaryPerHour: 0 },
      'limits.restPrimaryPerHour must be an integer from 1 to 15000; got 0',
    ],
    [
      { maxConcurrent: 2.5 },
      'limits.maxConcurrent must be an integer from 1 to 9007199254740991; got 2.5',
    ],
    [
      { restSecondaryPointsPerMinute: '900' },
      'limits.restSecondaryPointsPerMinute must be an integer from 1 to 9007199254740991; got "900"',
    ],
    [{ secondaryStatus: 418 }, 'limits.secondaryStatus must be 403 or 429; got 418'],
    [{ restPrimary: 5 }, /^unknown limit\(s\) restPrimary; known: restPrimaryPerHour, /],
    [[], 'limits must be an object'],
  ])('refuses %j with a RangeError naming the field', (patch, message) => {
    expect(() => parseSimLimits(patch)).toThrow(RangeError);
    expect(() => parseSimLimits(patch)).toThrow(message);
  });
});

describe('createSimLimiters', () => {
  it('charges points and reads a runtime change on windows already open', () => {
    const limiters = createSimLimiters({ limits: DEFAULT_SIM_LIMITS });
    expect(limiters.restSecondary.consume('installation:1', 0, 5)).toEqual({
      limit: 900,
      used: 5,
      remaining: 895,
      resetUnixSeconds: 60,
    });
    limiters.update({ restSecondaryPointsPerMinute: 6 });
    expect(limiters.restSecondary.consume('installation:1', 59_999)).toMatchObject({
      limit: 6,
      used: 6,
      remaining: 0,
    });
    // The minute is a fixed window opened by its first request.
    expect(limiters.restSecondary.peek('installation:1', 60_000)).toMatchObject({
      used: 0,
      resetUnixSeconds: 120,
    });
    expect(limiters.restPrimary.peek('anonymous', 0).limit).toBe(60);
  });

  it('shortens both secondary windows with secondaryWindowMs, leaving the primary ones', () => {
    const limiters = createSimLimiters({
      limits: DEFAULT_SIM_LIMITS,
      primaryWindowMs: 240_000,
      secondaryWindowMs: 4_000,
    });
    expect(limiters.restSecondary.consume('installation:1', 0)).toMatchObject({
      used: 1,
      resetUnixSeconds: 4,
    });
    expect(limiters.graphqlSecondary.consume('installation:1', 0, 2)).toMatchObject({
      used: 2,
      resetUnixSeconds: 4,
    });
    expect(limiters.restPrimary.consume('installation:1', 0)).toMatchObject({
      used: 1,
      resetUnixSeconds: 240,
    });
    expect(limiters.restSecondary.peek('installation:1', 4_000).used).toBe(0);
    expect(limiters.graphqlSecondary.peek('installation:1', 4_000).used).toBe(0);
    expect(limiters.restPrimary.peek('installation:1', 4_000).used).toBe(1);
  });
});
