import type { LogLine, SpawnedService } from '@gse/lifecycle/testing';
import { waitFor } from '@gse/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startFaultFleet, type FaultFleet } from './fault-fleet.js';

// One fleet for the whole matrix (booting brokers and seven processes is most of a fault's
// cost on a two-core machine). Each fault starts from a fleet whose gateway equals the ground
// truth and ends the same way, with every service back at its count, so the faults stay
// independent of their order.
const ORGS = ['acme', 'globex'];
const INTERVAL_MS = 5000;
/** A cycle that starts after a fault and completes, with margin for a loaded machine. */
const RECOVERY_MS = 120_000;

let fleet: FaultFleet;

const linesOf = (process: SpawnedService, message: string): LogLine[] =>
  process.lines().filter((line) => line['message'] === message);

async function spawnReady(service: Parameters<FaultFleet['spawn']>[0]): Promise<SpawnedService> {
  const process = fleet.spawn(service);
  await waitFor(() => linesOf(process, 'service started').length > 0, {
    timeoutMs: 60_000,
    description: `${service} started`,
  });
  return process;
}

const successes = (org: string): Promise<number> =>
  fleet.counter('gh_exporter_scrape_runs_total', [org, 'success']);

/** Waits until every org completed `cycles` more successful cycles than at the call. */
async function awaitCycles(cycles: number, timeoutMs = RECOVERY_MS): Promise<void> {
  const before = await Promise.all(ORGS.map(successes));
  await waitFor(
    async () => {
      const now = await Promise.all(ORGS.map(successes));
      return now.every((count, index) => count >= (before[index] ?? 0) + cycles);
    },
    { timeoutMs, intervalMs: 200, description: `${cycles} more successful cycles per org` },
  );
}

/** The fault's verdict: after a cycle that started later, the gateway equals the ground truth. */
async function expectGatewayExact(): Promise<void> {
  await awaitCycles(2);
  const { exposed, truth } = await fleet.awaitGatewayMatchesTruth(30_000);
  expect(truth.length).toBeGreaterThan(100);
  expect(exposed).toEqual(truth);
}

beforeAll(async () => {
  fleet = await startFaultFleet({
    orgs: Object.fromEntries(
      ORGS.map((org) => [org, { scrape_interval: `${INTERVAL_MS}ms`, per_org_concurrency: 2 }]),
    ),
  });
  await Promise.all([
    spawnReady('scheduler'),
    spawnReady('scheduler'),
    spawnReady('scraper-worker'),
    spawnReady('scraper-worker'),
    spawnReady('scraper-worker'),
    spawnReady('backfill-worker'),
    spawnReady('metrics-gateway'),
  ]);
  await expectGatewayExact();
}, 300_000);

afterAll(async () => {
  await fleet.cleanup();
}, 120_000);

describe('the fleet under faults (real processes, own Redis and RabbitMQ, the simulator)', () => {
  it('SIGKILL of the leading scheduler: the other leads, a new replica follows, the numbers stay exact', async () => {
    const schedulers = fleet.running('scheduler');
    const leader = await waitFor(
      () => schedulers.find((s) => linesOf(s, 'leadership acquired').length > 0),
      { timeoutMs: 10_000, description: 'the leader' },
    );
    const follower = schedulers.find((s) => s !== leader);
    if (!follower) throw new Error('no follower');
    await fleet.kill(leader);
    await waitFor(() => linesOf(follower, 'leadership acquired').length > 0, {
      timeoutMs: 30_000,
      description: 'the follower leading',
    });
    await spawnReady('scheduler');
    await expectGatewayExact();
  }, 300_000);
});
