import { describe, expect, it } from 'vitest';

import {
  decodeOrgHealth,
  encodeOrgHealth,
  HEALTHY_ORG,
  isScrapingAllowed,
  toNextOrgHealth,
  type OrgHealth,
} from './github-health.js';

const policy = { failureThreshold: 3, cooldownMs: 1000, recoverSuccessThreshold: 2 };

/** Applies observations in order, `true` = ok, one every 100 ms from t = 0. */
function run(observations: readonly boolean[], from: OrgHealth = HEALTHY_ORG): OrgHealth[] {
  const states: OrgHealth[] = [];
  let health = from;
  observations.forEach((ok, index) => {
    health = toNextOrgHealth(health, { ok, atMs: index * 100 }, policy);
    states.push(health);
  });
  return states;
}

describe('org GitHub health', () => {
  it('enters cooldown after the threshold of consecutive failures, a success resetting the count', () => {
    const states = run([false, false, true, false, false, false]);
    expect(states.map((state) => state.status)).toEqual([
      'healthy',
      'healthy',
      'healthy',
      'healthy',
      'healthy',
      'cooldown',
    ]);
    expect(states.at(-1)).toEqual({
      status: 'cooldown',
      sinceMs: 500,
      untilMs: 1500,
      consecutiveSuccesses: 0,
    });
    expect(isScrapingAllowed(states[4] ?? HEALTHY_ORG)).toBe(true);
    expect(isScrapingAllowed(states[5] ?? HEALTHY_ORG)).toBe(false);
  });

  it('leaves cooldown only once it lasted its length and enough probes in a row succeeded', () => {
    const cooldown: OrgHealth = {
      status: 'cooldown',
      sinceMs: 0,
      untilMs: 1000,
      consecutiveSuccesses: 0,
    };
    // Successes before the end do not end it; a failure starts the count again.
    const early = run([true, true, true, false, true], cooldown);
    expect(early.map((state) => state.status)).toEqual(Array(5).fill('cooldown'));
    expect(early.at(-1)).toEqual({ ...cooldown, consecutiveSuccesses: 1 });

    const late = toNextOrgHealth(early.at(-1) ?? cooldown, { ok: true, atMs: 1000 }, policy);
    expect(late).toEqual(HEALTHY_ORG);
    const notEnough = toNextOrgHealth(cooldown, { ok: true, atMs: 5000 }, policy);
    expect(notEnough).toEqual({ ...cooldown, consecutiveSuccesses: 1 });
  });

  it('round-trips through its stored form; nothing stored is healthy; garbage throws', () => {
    const cooldown: OrgHealth = {
      status: 'cooldown',
      sinceMs: 1,
      untilMs: 2,
      consecutiveSuccesses: 1,
    };
    expect(decodeOrgHealth(encodeOrgHealth(cooldown))).toEqual(cooldown);
    expect(decodeOrgHealth(encodeOrgHealth({ status: 'healthy', consecutiveFailures: 2 }))).toEqual(
      { status: 'healthy', consecutiveFailures: 2 },
    );
    expect(decodeOrgHealth(null)).toEqual(HEALTHY_ORG);
    expect(() => decodeOrgHealth('{"status":"cooldown"}')).toThrow(
      'not a stored org health: {"status":"cooldown"}',
    );
  });
});
