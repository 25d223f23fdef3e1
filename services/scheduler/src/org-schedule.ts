import { isScrapingAllowed } from '@gse/github';
import type { Leadership } from '@gse/leader';
import { toDueSlotStartMs, toSlotWindow } from '@gse/queues';
import { FLEET_METRICS } from '@gse/telemetry';
import { withSpan } from '@gse/tracing';

import type { OrgHealthMonitor } from './org-health-monitor.js';
import type { SchedulerContext } from './scheduler-context.js';

const ORG_CYCLE_ADDED_MESSAGES = {
  added: 'org cycle scheduled',
  duplicate: 'org cycle already scheduled',
  collapsed: "org cycle collapsed into the org's pending cycle",
} as const;

/** The leader's schedule of org cycles. */
export interface OrgSchedule {
  /** Schedules (or, in cooldown, skips and records) every org's current slot not yet handled. */
  tick(): Promise<void>;
}

/**
 * Org cycles on the slot grid of `@gse/queues` (`toDueSlotStartMs`): slot `k` of an org is
 * `[k · interval, (k + 1) · interval)` since the epoch, so every scheduler derives the same
 * slots, and a fresh fleet's first cycle is the slot under way, scheduled at once. The last slot handled per org is kept in Redis
 * (fenced by the leader lock) and only a later slot is scheduled: after a failover the new
 * leader neither repeats a slot nor skips one, as long as the handover is shorter than an
 * interval (`lease_duration + retry_period` at most). The job is added before the slot is
 * marked; a leader that dies in between leaves its successor re-adding the same job id,
 * which collapses.
 */
export async function createOrgSchedule(
  context: SchedulerContext,
  leadership: Leadership,
  health: OrgHealthMonitor,
): Promise<OrgSchedule> {
  const { config, keys, telemetry, logger } = context;
  const handled = new Map<string, number>();
  for (const [org, slot] of Object.entries(await context.redis.hgetall(keys.scheduledSlots))) {
    handled.set(org, Number(slot));
  }

  async function scheduleOrg(org: string, intervalMs: number): Promise<void> {
    const slotStartMs = toDueSlotStartMs(context.now(), intervalMs, handled.get(org));
    if (slotStartMs === undefined) return;
    // The root of the org cycle's trace: its org job, repo jobs and backfills continue it.
    await withSpan(
      'org cycle schedule',
      {
        attributes: {
          'gse.org': org,
          'gse.slot_start_ms': slotStartMs,
          'gse.interval_ms': intervalMs,
          'gse.leader.term': leadership.fencingToken,
        },
      },
      () => scheduleSlot(org, slotStartMs, intervalMs),
    );
  }

  async function scheduleSlot(org: string, slotStartMs: number, intervalMs: number): Promise<void> {
    const orgHealth = health.healthOf(org);
    if (isScrapingAllowed(orgHealth)) {
      const added = await context.queues.addOrgJob({
        org,
        slotStartMs,
        intervalMs,
        fencingToken: leadership.fencingToken,
      });
      if (added === 'collapsed') telemetry.increment(FLEET_METRICS.orgJobsCollapsed, { org });
      logger.info(ORG_CYCLE_ADDED_MESSAGES[added], {
        org,
        slotStartMs,
        term: leadership.fencingToken,
      });
    } else {
      await context.backfill.request([
        {
          org,
          resource: 'all',
          ...toSlotWindow({ slotStartMs, intervalMs }),
          reason: 'github_unhealthy',
        },
      ]);
      telemetry.increment(FLEET_METRICS.scrapeRuns, { org, result: 'skipped_unhealthy' });
      logger.info('org cycle skipped during cooldown', { org, slotStartMs });
    }
    if (await leadership.hsetIfLeader(keys.scheduledSlots, { [org]: String(slotStartMs) })) {
      handled.set(org, slotStartMs);
    }
  }

  return {
    async tick() {
      for (const org of config.github.orgs) {
        if (leadership.signal.aborted) return;
        await scheduleOrg(org.org, org.scrapeIntervalMs);
      }
    },
  };
}
