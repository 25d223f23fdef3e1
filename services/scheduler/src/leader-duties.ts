import { removeRepoTelemetry } from '@gse/fleet-adapters';
import { LeadershipEndedError, type Leadership } from '@gse/leader';
import { createRetentionGc, parseRepoId } from '@gse/store';
import { FLEET_METRICS } from '@gse/telemetry';

import { publishFleetGauges, publishLeader } from './fleet-gauges.js';
import { createOrgHealthMonitor } from './org-health-monitor.js';
import { createOrgSchedule } from './org-schedule.js';
import { runPeriodically } from './run-periodically.js';
import type { SchedulerContext } from './scheduler-context.js';
import { toErrorMessage } from '@gse/logging';

/** The schedule looks this often for a slot that began (a fraction of the shortest interval). */
const MAX_TICK_MS = 1000;
const MIN_TICK_MS = 50;

/**
 * What the leader does for one term, until `leadership.signal` aborts: schedule org cycles,
 * probe GitHub per org (cooldown state machine), run retention GC, and publish the fleet's
 * gauges. A term that ends because this scheduler stops clears the leader gauge before the
 * lock is released, so the successor's never gets overwritten.
 */
export async function runLeaderDuties(
  context: SchedulerContext,
  leadership: Leadership,
): Promise<void> {
  const { config, telemetry, logger, copilot } = context;
  const { signal } = leadership;
  telemetry.increment(FLEET_METRICS.leaderChanges, {});
  publishLeader(context, leadership);
  const health = await createOrgHealthMonitor(context, leadership);
  const schedule = await createOrgSchedule(context, leadership, health);
  const gc = createRetentionGc({
    redis: context.redis,
    keyPrefix: config.store.keyPrefix,
    retentionMs: config.store.retentionMs,
  });
  const shortestIntervalMs = Math.min(...config.github.orgs.map((org) => org.scrapeIntervalMs));
  const tickMs = Math.min(MAX_TICK_MS, Math.max(MIN_TICK_MS, Math.floor(shortestIntervalMs / 8)));
  const every = (name: string, intervalMs: number, task: () => Promise<void>): Promise<void> =>
    runPeriodically({ name, intervalMs, signal, logger, task });

  await Promise.all([
    every('schedule', tickMs, () => schedule.tick()),
    every('github probes', config.health.githubProbeIntervalMs, () => health.probeAll()),
    every('retention gc', config.store.gcIntervalMs, async () => {
      const removed = await gc.collect(context.now());
      removeRepoTelemetry(telemetry, removed.repos.map(parseRepoId));
      if (removed.repos.length > 0 || removed.loginsForgotten > 0) {
        logger.info('retention gc removed data', {
          repos: removed.repos.length,
          series: removed.seriesRemoved,
          logins: removed.loginsForgotten,
        });
      }
    }),
    every('fleet gauges', config.store.metricRefreshIntervalMs, () =>
      publishFleetGauges(context, leadership),
    ),
    ...(copilot ? [every('copilot schedule', tickMs, () => copilot.tick())] : []),
  ]);

  const reason: unknown = signal.reason;
  if (reason instanceof LeadershipEndedError && reason.endedBy === 'election stopping') {
    telemetry.replace(FLEET_METRICS.leaderInfo, []);
    await telemetry.flush().catch((error: unknown) => {
      logger.warn('leader gauge not cleared', {
        error: toErrorMessage(error),
      });
    });
  }
}
