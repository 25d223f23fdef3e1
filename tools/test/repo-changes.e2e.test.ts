import type { GroundTruthSeries } from '@gse/github-sim';
import { waitFor, type ListenAddress, type SpawnedService } from '@gse/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  createAcmeFleet,
  expectMetricsEqualTruth as expectFleetMetricsEqualTruth,
  startScrapingFleet,
  type FleetFixture,
} from './fleet-fixture.js';

const INTERVAL_MS = 2000;
/**
 * "Within one cycle": the next cycle starts within an interval of the change and then takes
 * its own time, plus the gateway's snapshot refresh; the slack is for a loaded machine.
 */
const ONE_CYCLE_DEADLINE_MS = 2 * INTERVAL_MS + 10_000;
/** acme's repos of this test: small ones (not `platform`'s 7,000 commits), and web's new name. */
const ALLOWLIST = [
  'docs',
  'legacy-monolith',
  'mobile',
  'sandbox',
  'terraform-modules',
  'web',
  'web-app',
];

describe('repo changes on GitHub reach /metrics within one cycle (real fleet, the simulator)', () => {
  let fleet: FleetFixture;
  let worker: SpawnedService;
  let gateway: ListenAddress;
  let allowlist = ALLOWLIST;

  /** /metrics equal to the ground truth of the repos the fleet is configured for. */
  const expectMetricsEqualTruth = (timeoutMs: number): Promise<GroundTruthSeries[]> =>
    expectFleetMetricsEqualTruth(fleet, gateway, allowlist, {
      timeoutMs,
      description: '/metrics equal to the ground truth',
    });
  const reposOf = (rows: readonly GroundTruthSeries[]): string[] =>
    [...new Set(rows.map((row) => row.repo))].sort();

  beforeAll(async () => {
    fleet = await createAcmeFleet({
      repos: ALLOWLIST,
      scrapeInterval: `${INTERVAL_MS}ms`,
      metricRefreshInterval: '500ms',
    });
    ({ gateway, worker } = await startScrapingFleet(fleet));
    const exposed = await expectMetricsEqualTruth(60_000);
    expect(reposOf(exposed)).toEqual(
      ['docs', 'legacy-monolith', 'mobile', 'sandbox', 'terraform-modules', 'web'].sort(),
    );
  }, 90_000);

  afterAll(async () => {
    await fleet.cleanup();
  });

  it('a renamed repo shows its series under the new name only', async () => {
    fleet.simulator.renameRepo({ org: 'acme', repo: 'web' }, 'web-app');
    const exposed = await expectMetricsEqualTruth(ONE_CYCLE_DEADLINE_MS);
    expect(reposOf(exposed)).toContain('web-app');
    expect(reposOf(exposed)).not.toContain('web');
  }, 30_000);

  it('a deleted repo loses its series', async () => {
    fleet.simulator.deleteRepo({ org: 'acme', repo: 'docs' });
    expect(reposOf(await expectMetricsEqualTruth(ONE_CYCLE_DEADLINE_MS))).not.toContain('docs');
  }, 30_000);

  it('a repo transferred out of the org loses its series', async () => {
    fleet.simulator.transferRepoOut({ org: 'acme', repo: 'mobile' });
    expect(reposOf(await expectMetricsEqualTruth(ONE_CYCLE_DEADLINE_MS))).not.toContain('mobile');
  }, 30_000);

  it('an archived repo is read once more for what happened before the archival, then recomputed from its ledger without requests', async () => {
    const ref = { org: 'acme', repo: 'terraform-modules' };
    fleet.simulator.addCommit(ref, { authorLogin: 'alice', message: 'last words' });
    const archivedAtMs = Date.now();
    fleet.simulator.archiveRepo(ref);
    expect(reposOf(await expectMetricsEqualTruth(ONE_CYCLE_DEADLINE_MS))).toContain(
      'terraform-modules',
    );
    // Once the reads the archival calls for are done (`ARCHIVAL_CLOCK_MARGIN_MS` of
    // @gse/scrape, 2 s, after it, and a cycle more), the repo's window keeps moving with the
    // cycles (its 24 h gauges fall on time) while no collector runs: its commits checkpoint
    // stays where the last read left it.
    await waitFor(() => Date.now() > archivedAtMs + 2_000 + 3 * INTERVAL_MS, {
      timeoutMs: 20_000,
      description: 'the last reads of the archived repo done',
    });
    const state = fleet.keys.repoState(ref);
    const checkpoint = await fleet.redis.redis.hget(state, 'commitsSyncedAtMs');
    const recomputedAtMs = async (): Promise<number> =>
      Number(await fleet.redis.redis.zscore(fleet.keys.repoIndex, 'acme/terraform-modules'));
    const scoreBefore = await recomputedAtMs();
    await waitFor(async () => (await recomputedAtMs()) > scoreBefore + INTERVAL_MS, {
      timeoutMs: ONE_CYCLE_DEADLINE_MS,
      description: 'the archived repo recomputed twice more',
    });
    expect(await fleet.redis.redis.hget(state, 'commitsSyncedAtMs')).toBe(checkpoint);
    await expectMetricsEqualTruth(ONE_CYCLE_DEADLINE_MS);
  }, 60_000);

  it('a repo dropped from repo_allowlist loses its series once a worker runs on the new config', async () => {
    allowlist = ALLOWLIST.filter((repo) => repo !== 'legacy-monolith');
    await fleet.rewriteOrgConfig('acme', { repo_allowlist: allowlist });
    worker.kill('SIGTERM');
    await worker.exited(20_000);
    worker = fleet.spawn('scraper-worker');
    expect(reposOf(await expectMetricsEqualTruth(ONE_CYCLE_DEADLINE_MS + 10_000))).not.toContain(
      'legacy-monolith',
    );
  }, 60_000);
});
