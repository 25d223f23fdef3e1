import {
  decodeOrgHealth,
  encodeOrgHealth,
  HEALTHY_ORG,
  isScrapingAllowed,
  toNextOrgHealth,
  type OrgHealth,
  type OrgHealthPolicy,
} from '@gse/github';
import type { Leadership } from '@gse/leader';
import { FLEET_METRICS } from '@gse/telemetry';

import type { SchedulerContext } from './scheduler-context.js';
import { toErrorMessage } from '@gse/logging';

/** The GitHub health of every org, as the leader probes it. */
export interface OrgHealthMonitor {
  /** The org's health as of its last probe (or as the previous leader left it). */
  healthOf(org: string): OrgHealth;
  /** Probes every org once, concurrently; stores, logs and reports what changed. */
  probeAll(): Promise<void>;
}

/** `GET /rate_limit` is authenticated and free on GitHub: it proves the installation works. */
const PROBE_ROUTE = 'GET /rate_limit';

/**
 * Loads the health the previous leader stored and keeps it per org: one org's broken
 * installation puts only that org into cooldown. Writes are fenced by the leader lock.
 */
export async function createOrgHealthMonitor(
  context: SchedulerContext,
  leadership: Leadership,
): Promise<OrgHealthMonitor> {
  const { config, redis, keys, telemetry, logger } = context;
  const policy: OrgHealthPolicy = {
    failureThreshold: config.github.unhealthyFailureThreshold,
    cooldownMs: config.github.unhealthyCooldownMs,
    recoverSuccessThreshold: config.health.githubRecoverSuccessThreshold,
  };
  const stored = await redis.hgetall(keys.orgHealth);
  const health = new Map<string, OrgHealth>();
  for (const { org } of config.github.orgs) {
    try {
      health.set(org, decodeOrgHealth(stored[org]));
    } catch (error) {
      logger.warn('stored org health unreadable; starting healthy', {
        org,
        error: toErrorMessage(error),
      });
      health.set(org, HEALTHY_ORG);
    }
    telemetry.set(
      FLEET_METRICS.githubOrgHealthy,
      { org },
      isScrapingAllowed(healthOf(org)) ? 1 : 0,
    );
  }

  function healthOf(org: string): OrgHealth {
    return health.get(org) ?? HEALTHY_ORG;
  }

  async function probe(org: string): Promise<boolean> {
    const client = context.probeClients.get(org);
    if (!client) throw new Error(`no probe client for org ${org}`);
    try {
      await client.getJson(PROBE_ROUTE);
      return true;
    } catch (error) {
      if (leadership.signal.aborted) throw error;
      logger.warn('github probe failed', {
        org,
        error: toErrorMessage(error),
      });
      return false;
    }
  }

  async function probeOrg(org: string): Promise<boolean> {
    const ok = await probe(org);
    const before = healthOf(org);
    const after = toNextOrgHealth(before, { ok, atMs: context.now() }, policy);
    if (JSON.stringify(after) !== JSON.stringify(before)) {
      if (!(await leadership.hsetIfLeader(keys.orgHealth, { [org]: encodeOrgHealth(after) }))) {
        return ok;
      }
      health.set(org, after);
    }
    if (before.status !== after.status) {
      if (after.status === 'cooldown') {
        logger.warn('org entered cooldown', { org, untilMs: after.untilMs });
      } else {
        logger.info('org recovered from cooldown', { org });
      }
    }
    telemetry.set(FLEET_METRICS.githubOrgHealthy, { org }, isScrapingAllowed(after) ? 1 : 0);
    return ok;
  }

  return {
    healthOf,
    async probeAll() {
      const results = await Promise.all(config.github.orgs.map(({ org }) => probeOrg(org)));
      telemetry.set(
        FLEET_METRICS.dependencyHealth,
        { dependency: 'github', service: 'scheduler' },
        results.every(Boolean) ? 1 : 0,
      );
    },
  };
}
