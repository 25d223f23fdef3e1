import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  createBenchWorld,
  MAX_CONCURRENT_REQUESTS,
  type BenchWorld,
} from '../bench/bench-world.js';
import { forEachConcurrently } from '../bench/request-cost-scenario.js';
import { historyMessagesOf } from '../bench/scale-first-view.js';
import { toPlannedKinds } from '../bench/request-tally.js';
import type { RepoScrapeOutcome } from '../src/index.js';
import { planOrgCost, type OrgActivity } from '../src/plan/org-cost-plan.js';
import { probeOrgActivity, type OrgProbe } from '../src/plan/probe-org-activity.js';
import { DEFAULT_PLAN_CONFIG as CONFIG } from './default-plan-config.js';

const DAY_MS = 86_400_000;
const RETENTION_MS = CONFIG.retentionMs;

/** What the org's repos and threads say, read from the dataset on the test's own. */
function datasetActivity(world: BenchWorld): OrgActivity {
  const org = world.simulator.dataset.orgs.find((candidate) => candidate.login === world.org);
  if (!org) throw new Error(`no org ${world.org}`);
  const repos = org.repos.filter((repo) => !repo.archived);
  const since = (ms: number) => (at: { readonly updatedAt: string }) =>
    Date.parse(at.updatedAt) >= world.nowMs - ms;
  const pushedSince = (ms: number) =>
    repos.filter((repo) => Date.parse(repo.pushedAt) >= world.nowMs - ms).length;
  return {
    repos: repos.length,
    reposPushedDay: pushedSince(DAY_MS),
    reposPushedRetention: pushedSince(RETENTION_MS),
    pullsUpdatedDay: repos.flatMap((repo) => repo.pulls.filter(since(DAY_MS))).length,
    pullsUpdatedRetention: repos.flatMap((repo) => repo.pulls.filter(since(RETENTION_MS))).length,
    issuesUpdatedDay: repos.flatMap((repo) => repo.issues.filter(since(DAY_MS))).length,
  };
}

describe('plan against a first view and its history on the simulator', () => {
  let world: BenchWorld;
  let probe: OrgProbe;
  const firstReads: RepoScrapeOutcome[] = [];
  beforeAll(async () => {
    world = await createBenchWorld({
      seed: 7,
      repoCount: 120,
      activeRepoFraction: 0.25,
      dormantRepoFraction: 0.25,
      historyInBackground: true,
    });
  });
  afterAll(async () => {
    await world.close();
  });

  it('probes the org with two requests and one GraphQL point, as the dataset counts it', async () => {
    world.simulator.resetCounters();
    probe = await probeOrgActivity(world.baselineClient, world.org, {
      nowMs: world.nowMs,
      retentionMs: RETENTION_MS,
    });
    expect(probe.activity).toEqual(datasetActivity(world));
    // The bench org: a quarter of the repos active to the end, a quarter dormant since before
    // retention, the rest quiet a week before.
    expect(probe.activity).toMatchObject({
      repos: 120,
      reposPushedDay: 30,
      reposPushedRetention: 90,
    });
    expect(probe.limits).toEqual({ restPerHour: 15_000, graphqlPointsPerHour: 5_000 });
    expect(probe.reposVisible).toBe(120);
    const counters = world.simulator.counters();
    expect(counters.byKind.graphqlQueries).toBe(1);
    expect(counters.byKind.graphqlPoints).toBe(1);
    expect(counters.endpoints['GET /rate_limit']?.total).toBe(1);
  });

  it('estimates the first view’s requests exactly', async () => {
    const plan = planOrgCost(probe.activity, CONFIG, probe.limits);
    world.simulator.resetCounters();
    const changes = await world.detectChanges(CONFIG.scrapeIntervalMs);
    await forEachConcurrently(changes.changed, MAX_CONCURRENT_REQUESTS, async (repo) => {
      firstReads.push(await world.scrape(repo.name));
    });
    expect(firstReads.filter((outcome) => outcome.status !== 'done')).toEqual([]);
    const { restRequests, graphqlQueries, graphqlPoints } = plan.firstView;
    expect(toPlannedKinds(world.simulator.counters())).toEqual({
      restRequests,
      graphqlQueries,
      graphqlPoints,
    });
  }, 120_000);

  it('estimates the history the backfill-worker reads exactly', async () => {
    const plan = planOrgCost(probe.activity, CONFIG, probe.limits);
    world.simulator.resetCounters();
    // One message per repo and resource, as the backfill-worker receives them.
    const messages = historyMessagesOf(firstReads);
    expect(messages).toHaveLength(90 * 3);
    await forEachConcurrently(messages, MAX_CONCURRENT_REQUESTS, async (message) => {
      const outcome = await world.scrape(message.repo, {
        window: message.window,
        resources: [message.resource],
      });
      expect(outcome.status).toBe('done');
    });
    expect(toPlannedKinds(world.simulator.counters())).toEqual({
      restRequests: plan.history.restRequests,
      graphqlQueries: 0,
      graphqlPoints: 0,
    });
  }, 120_000);
});
