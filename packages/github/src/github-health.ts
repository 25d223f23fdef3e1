/**
 * The GitHub health of one org's installation, as the scheduler's leader tracks it: a pure
 * state machine, so the leader keeps it in Redis and a new leader carries on where the old
 * one stopped.
 */

/** When an org goes into cooldown and when it comes back. */
export interface OrgHealthPolicy {
  /** `github.unhealthy_failure_threshold`: consecutive failures that start a cooldown. */
  readonly failureThreshold: number;
  /** `github.unhealthy_cooldown`: the shortest a cooldown lasts. */
  readonly cooldownMs: number;
  /** `health.github_recover_success_threshold`: consecutive successes that end it. */
  readonly recoverSuccessThreshold: number;
}

/**
 * `healthy`: the org is scraped; `cooldown`: it is not scraped, only probed, until the
 * cooldown has lasted `cooldownMs` and the last `recoverSuccessThreshold` probes succeeded.
 */
export type OrgHealth =
  | { readonly status: 'healthy'; readonly consecutiveFailures: number }
  | {
      readonly status: 'cooldown';
      /** When the cooldown began, epoch ms. */
      readonly sinceMs: number;
      /** Not before this does it end, epoch ms. */
      readonly untilMs: number;
      readonly consecutiveSuccesses: number;
    };

/** A fresh org, or one nothing is known about. */
export const HEALTHY_ORG: OrgHealth = Object.freeze({ status: 'healthy', consecutiveFailures: 0 });

/** One probe (or scrape) of the org's installation: did GitHub answer, and when. */
export interface HealthObservation {
  readonly ok: boolean;
  readonly atMs: number;
}

/**
 * The org's health after one more observation:
 *
 * | state | observation | next |
 * | --- | --- | --- |
 * | healthy (n failures) | ok | healthy (0) |
 * | healthy (n failures) | failed, n + 1 < threshold | healthy (n + 1) |
 * | healthy (n failures) | failed, n + 1 ≥ threshold | cooldown from now until now + cooldown, 0 successes |
 * | cooldown (s successes) | ok, at ≥ until and s + 1 ≥ recover threshold | healthy (0) |
 * | cooldown (s successes) | ok, otherwise | cooldown (s + 1) |
 * | cooldown | failed | cooldown (0 successes), same end |
 */
export function toNextOrgHealth(
  health: OrgHealth,
  observation: HealthObservation,
  policy: OrgHealthPolicy,
): OrgHealth {
  switch (health.status) {
    case 'healthy': {
      if (observation.ok) return HEALTHY_ORG;
      const consecutiveFailures = health.consecutiveFailures + 1;
      if (consecutiveFailures < policy.failureThreshold) {
        return { status: 'healthy', consecutiveFailures };
      }
      return {
        status: 'cooldown',
        sinceMs: observation.atMs,
        untilMs: observation.atMs + policy.cooldownMs,
        consecutiveSuccesses: 0,
      };
    }
    case 'cooldown': {
      if (!observation.ok) return { ...health, consecutiveSuccesses: 0 };
      const consecutiveSuccesses = health.consecutiveSuccesses + 1;
      if (
        observation.atMs >= health.untilMs &&
        consecutiveSuccesses >= policy.recoverSuccessThreshold
      ) {
        return HEALTHY_ORG;
      }
      return { ...health, consecutiveSuccesses };
    }
  }
}

/** Whether the org's cycles are scraped (else skipped and recorded for backfill). */
export function isScrapingAllowed(health: OrgHealth): boolean {
  return health.status === 'healthy';
}

/** The stored form of {@link OrgHealth} (JSON). */
export function encodeOrgHealth(health: OrgHealth): string {
  return JSON.stringify(health);
}

/** Reads a stored {@link OrgHealth}; nothing stored reads healthy. Throws on anything else. */
export function decodeOrgHealth(stored: string | null | undefined): OrgHealth {
  if (stored === null || stored === undefined) return HEALTHY_ORG;
  const value: unknown = JSON.parse(stored);
  const count = (field: unknown): field is number =>
    typeof field === 'number' && Number.isSafeInteger(field) && field >= 0;
  if (typeof value === 'object' && value !== null) {
    const record = value as Record<string, unknown>;
    if (record['status'] === 'healthy' && count(record['consecutiveFailures'])) {
      return { status: 'healthy', consecutiveFailures: record['consecutiveFailures'] };
    }
    if (
      record['status'] === 'cooldown' &&
      count(record['sinceMs']) &&
      count(record['untilMs']) &&
      count(record['consecutiveSuccesses'])
    ) {
      return {
        status: 'cooldown',
        sinceMs: record['sinceMs'],
        untilMs: record['untilMs'],
        consecutiveSuccesses: record['consecutiveSuccesses'],
      };
    }
  }
  throw new TypeError(`not a stored org health: ${stored}`);
}
