import { type LogLine, type SpawnedService, waitFor } from '@gse/testing';
import { afterEach, describe, expect, it } from 'vitest';

import { createFleetFixture, type FleetFixture } from './fleet-fixture.js';

const INTERVAL_MS = 2000;
const LEASE_MS = 1000;
const RETRY_MS = 200;
/** Process start-up and log delivery on a loaded two-core machine. */
const SLACK_MS = 300;
const ORGS = ['acme', 'globex'];

let fixture: FleetFixture | undefined;

afterEach(async () => {
  await fixture?.cleanup();
  fixture = undefined;
});

const linesOf = (process: SpawnedService, message: string): LogLine[] =>
  process.lines().filter((line) => line['message'] === message);

/**
 * Slots each process logged as handled, per org: queued, or (no worker runs here, so the
 * first cycle stays pending) collapsed into the org's pending cycle.
 */
function scheduledSlots(processes: readonly SpawnedService[], org: string): number[] {
  return processes
    .flatMap((process) => [
      ...linesOf(process, 'org cycle scheduled'),
      ...linesOf(process, "org cycle collapsed into the org's pending cycle"),
    ])
    .filter((line) => line['org'] === org)
    .map((line) => Number(line['slotStartMs']));
}

describe('scheduler failover (two real processes, real Redis)', () => {
  it('has exactly one leader; after a SIGKILL the other leads within lease + retry, and no org cycle is scheduled twice or skipped', async () => {
    const fleet = await createFleetFixture({
      orgs: Object.fromEntries(ORGS.map((org) => [org, { scrape_interval: `${INTERVAL_MS}ms` }])),
      config: {
        leader_election: {
          lease_duration: `${LEASE_MS}ms`,
          renew_deadline: '600ms',
          retry_period: `${RETRY_MS}ms`,
        },
      },
    });
    fixture = fleet;
    const schedulers = [fleet.spawn('scheduler'), fleet.spawn('scheduler')];
    await waitFor(() => schedulers.every((s) => linesOf(s, 'service started').length === 1), {
      timeoutMs: 20_000,
      description: 'both schedulers started',
    });
    const leader = await waitFor(
      () => schedulers.find((s) => linesOf(s, 'leadership acquired').length > 0),
      { timeoutMs: 5000, description: 'a leader' },
    );
    const follower = schedulers.find((s) => s !== leader);
    if (!follower) throw new Error('no follower');
    // Two full intervals under the first leader: the follower keeps trying and never leads.
    await waitFor(() => ORGS.every((org) => scheduledSlots([leader], org).length >= 3), {
      timeoutMs: 4 * INTERVAL_MS + SLACK_MS,
      description: 'three slots per org under the first leader',
    });
    expect(linesOf(follower, 'leadership acquired')).toEqual([]);
    expect(await fleet.redis.redis.get(fleet.keys.leaderLock)).toBe(
      linesOf(leader, 'leadership acquired')[0]?.['ownerId'],
    );

    leader.kill('SIGKILL');
    const killedAtMs = Date.now();
    await leader.exited();
    const [takeover] = await waitFor(
      () => {
        const acquired = linesOf(follower, 'leadership acquired');
        return acquired.length > 0 && acquired;
      },
      { timeoutMs: LEASE_MS + RETRY_MS + 5000, description: 'the follower leading' },
    );
    const takeoverMs = Date.parse(String(takeover?.['timestamp'])) - killedAtMs;
    expect(takeoverMs).toBeLessThanOrEqual(LEASE_MS + RETRY_MS + SLACK_MS);
    expect(takeover?.['term']).toBe(2);

    const slotsBefore = Object.fromEntries(
      ORGS.map((org) => [org, scheduledSlots([leader], org).length]),
    );
    await waitFor(() => ORGS.every((org) => scheduledSlots([follower], org).length >= 2), {
      timeoutMs: 3 * INTERVAL_MS + SLACK_MS,
      description: 'two slots per org under the new leader',
    });
    follower.kill('SIGTERM');
    expect((await follower.exited()).code).toBe(0);

    for (const org of ORGS) {
      const logged = scheduledSlots(schedulers, org).sort((a, b) => a - b);
      const queued = (await fleet.queues.orgs.getJobs(['wait']))
        .filter((job) => job.data.org === org)
        .map((job) => job.data.slotStartMs)
        .sort((a, b) => a - b);
      const first = logged[0] ?? 0;
      const contiguous = logged.map((_, index) => first + index * INTERVAL_MS);
      // Every slot from the first to the last exactly once, across both leaders' terms; the
      // queue holds the first, the later ones collapsed into it and were counted.
      expect({ org, logged, queued }).toEqual({ org, logged: contiguous, queued: [first] });
      expect(logged.length).toBeGreaterThanOrEqual((slotsBefore[org] ?? 0) + 2);
      // Counted too; the SIGKILLed leader's last increments may not have been flushed.
      const counted = Number(
        await fleet.redis.redis.hget(
          fleet.keys.telemetryMetric('gh_exporter_org_jobs_collapsed_total'),
          JSON.stringify([org]),
        ),
      );
      const collapsedByFollower = linesOf(
        follower,
        "org cycle collapsed into the org's pending cycle",
      ).filter((line) => line['org'] === org).length;
      expect(counted).toBeGreaterThanOrEqual(collapsedByFollower);
      expect(counted).toBeLessThanOrEqual(logged.length - 1);
    }
  });
});
