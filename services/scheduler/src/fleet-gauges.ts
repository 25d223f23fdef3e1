import type { Leadership } from '@gse/leader';
import { FLEET_METRICS } from '@gse/telemetry';

import type { SchedulerContext } from './scheduler-context.js';

const QUEUE_STATES = ['waiting', 'active', 'delayed', 'failed'] as const;

/**
 * Gauges of fleet-wide state that one process must publish (else every replica would
 * write the same thing): BullMQ queue depths and oldest waiting age, the series count and
 * budget, each org's repos whose history is pending, and who leads. The leader publishes them, then sends them at once.
 */
export async function publishFleetGauges(
  context: SchedulerContext,
  leadership: Leadership,
): Promise<void> {
  const { telemetry, config } = context;
  const orgs = config.github.orgs.map((org) => org.org);
  const [depths, seriesCount, historyPending] = await Promise.all([
    context.queues.readDepths(context.now()),
    context.redis.get(context.keys.seriesCount),
    context.historyPending.count(orgs),
  ]);
  orgs.forEach((org, index) => {
    telemetry.set(FLEET_METRICS.historyReposPending, { org }, historyPending[index] ?? 0);
  });
  for (const depth of depths) {
    for (const state of QUEUE_STATES) {
      telemetry.set(FLEET_METRICS.queueJobs, { queue: depth.queue, state }, depth[state]);
    }
    telemetry.set(
      FLEET_METRICS.queueOldestJobAge,
      { queue: depth.queue },
      depth.oldestWaitingAgeMs / 1000,
    );
  }
  telemetry.set(FLEET_METRICS.series, {}, Number(seriesCount ?? 0));
  telemetry.set(FLEET_METRICS.seriesBudget, {}, config.store.maxSeriesBudget);
  publishLeader(context, leadership);
  await telemetry.flush();
}

/** `gh_exporter_leader_info`: this term's holder and fencing token, replacing any other. */
export function publishLeader(context: SchedulerContext, leadership: Leadership): void {
  context.telemetry.replace(FLEET_METRICS.leaderInfo, [
    {
      labels: { holder: leadership.ownerId, fencing_token: String(leadership.fencingToken) },
      value: 1,
    },
  ]);
}
