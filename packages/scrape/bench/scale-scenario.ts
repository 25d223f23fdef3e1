import type { KindCounter, SecondaryHitCause, SimCounters } from '@gse/github-sim';

import { injectActivity } from './activity-injection.js';
import type { BenchWorld } from './bench-world.js';
import {
  detectChangesMeasured,
  forEachConcurrently,
  scrapeCompletely,
} from './request-cost-scenario.js';
import { measureRequests } from './request-tally.js';

const DAY_MS = 86_400_000;

/** The steady state of issue 11's `pnpm bench:scale`. */
export interface ScaleScenario {
  /** The scrapers' clock moves this much per cycle (`scrape_interval`, 5 min). */
  readonly scrapeIntervalMs: number;
  /** Real time a cycle is given: the scrape interval compressed by the pacing's time scale. */
  readonly cycleRealMs: number;
  readonly cycles: number;
  /** The installation token is rotated (`expireTokens`) every this many cycles. */
  readonly tokenLifetimeCycles: number;
  /** Repos scraped at once (`rate_limit.max_concurrent_requests_per_installation`). */
  readonly concurrency: number;
  readonly activity: ScaleActivity;
}

/**
 * Who gets new activity: a stable set (`activeRepos`, the dataset's active repos) where each
 * repo changes `changesPerActiveRepoPerDay` times a day at random moments, plus dormant
 * repos waking up at random (`dormantWakeupsPerDay`, each a repo outside the set, once).
 */
export interface ScaleActivity {
  readonly seed: number;
  readonly activeRepos: number;
  readonly changesPerActiveRepoPerDay: number;
  readonly dormantWakeupsPerDay: number;
}

/** Requests of one span by kind, as the simulator counted them. */
export interface KindTally {
  /** Every request, whatever its kind and status (401s of a token rotation included). */
  requests: number;
  restCounted: number;
  restNotModified: number;
  graphqlQueries: number;
  graphqlPoints: number;
  readonly secondaryHits: Record<SecondaryHitCause, number>;
}

export function createKindTally(): KindTally {
  return {
    requests: 0,
    restCounted: 0,
    restNotModified: 0,
    graphqlQueries: 0,
    graphqlPoints: 0,
    secondaryHits: { concurrency: 0, points: 0, injected: 0 },
  };
}

export function addKinds(target: KindTally, requests: number, kinds: KindCounter): void {
  target.requests += requests;
  target.restCounted += kinds.restCounted;
  target.restNotModified += kinds.restNotModified;
  target.graphqlQueries += kinds.graphqlQueries;
  target.graphqlPoints += kinds.graphqlPoints;
  for (const cause of Object.keys(target.secondaryHits) as SecondaryHitCause[]) {
    target.secondaryHits[cause] += kinds.secondaryHits[cause];
  }
}

/** Adds `source` into `target`. */
export function addTally(target: KindTally, source: KindTally): void {
  addKinds(target, source.requests, { ...source, restRequests: 0 });
}

export const secondaryHitsOf = (tally: KindTally): number =>
  Object.values(tally.secondaryHits).reduce((sum, hits) => sum + hits, 0);

export interface ScaleCycle {
  readonly cycle: number;
  readonly tokenRotated: boolean;
  /** Repos given new activity before the cycle. */
  readonly changed: number;
  /** Repos detection found unchanged: no request, series recomputed. */
  readonly quiet: number;
  /** Change detection's GraphQL queries and whatever else the cycle sent (token mint, 401s). */
  readonly detection: KindTally;
  /** The scrapes of the repos given new activity. */
  readonly changedScrapes: KindTally;
  /** Scrapes of repos detection handed out without new activity (settling, rereads). */
  readonly otherScrapes: { readonly repos: number; readonly tally: KindTally };
  /** Quiet repos' hourly comment reconciles (`reconciled` repos) and the login checks. */
  readonly upkeep: { readonly reconciled: number; readonly tally: KindTally };
  /** Real time: detection, scrapes, the quiet repos' sync and recompute, the whole cycle. */
  readonly wallMs: {
    readonly detection: number;
    readonly scrapes: number;
    readonly sync: number;
    readonly cycle: number;
  };
}

/** Mulberry32: a small seeded generator, so a run's activity is the same every time. */
function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** The repos given new activity before each cycle: drawn once per cycle, in order. */
export function createActivityPlan(
  repos: readonly string[],
  activity: ScaleActivity,
  scrapeIntervalMs: number,
): () => string[] {
  const random = createRandom(activity.seed);
  const cyclesPerDay = DAY_MS / scrapeIntervalMs;
  const changeChance = activity.changesPerActiveRepoPerDay / cyclesPerDay;
  const wakeupsPerCycle = activity.dormantWakeupsPerDay / cyclesPerDay;
  const active = repos.slice(0, activity.activeRepos);
  const dormant = repos.slice(activity.activeRepos);
  let wakeupCredit = 0;
  return () => {
    const changed = active.filter(() => random() < changeChance);
    // Wake-ups are spread evenly (a fractional number a cycle adds up), each a random repo.
    wakeupCredit += wakeupsPerCycle;
    for (; wakeupCredit >= 1 && dormant.length > 0; wakeupCredit -= 1) {
      const [woken] = dormant.splice(Math.floor(random() * dormant.length), 1);
      if (woken !== undefined) changed.push(woken);
    }
    return changed;
  };
}

const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

/**
 * Cycles of the org job on a paced world: new activity, change detection, a scrape of the
 * repos it hands out (those given activity measured apart from the others), then the
 * store's sync with the quiet repos' recompute. Cycle `n` starts `n × cycleRealMs` after the
 * first (at once if the last one overran); the scrapers' clock moves a scrape interval.
 */
export async function runScaleSteadyState(
  world: BenchWorld,
  scenario: ScaleScenario,
  onCycle: (cycle: ScaleCycle) => void,
): Promise<ScaleCycle[]> {
  const nextChanged = createActivityPlan(world.repos, scenario.activity, scenario.scrapeIntervalMs);
  const clockStartMs = world.nowMs;
  const realStartMs = performance.now();
  const cycles: ScaleCycle[] = [];
  for (let cycle = 1; cycle <= scenario.cycles; cycle++) {
    await sleep(realStartMs + (cycle - 1) * scenario.cycleRealMs - performance.now());
    const cycleStartedAt = performance.now();
    world.nowMs = clockStartMs + cycle * scenario.scrapeIntervalMs;
    const tokenRotated = cycle % scenario.tokenLifetimeCycles === 0;
    if (tokenRotated) world.simulator.expireTokens(world.org);
    const changed = nextChanged();
    changed.forEach((repo, index) => {
      injectActivity(world.simulator, { org: world.org, repo }, world.nowMs, cycle + index);
    });

    const { detection, fingerprints } = await detectChangesMeasured(
      world,
      scenario.scrapeIntervalMs,
      changed,
    );
    const changes = detection.result;
    const scrape = async (repo: string): Promise<void> => {
      const outcome = await scrapeCompletely(world, repo);
      await world.storeFingerprint(repo, fingerprints.get(repo), outcome);
    };
    const changedSet = new Set(changed);
    const others = [...fingerprints.keys()].filter((repo) => !changedSet.has(repo));
    const changedScrapes = await measureRequests(world.simulator, () =>
      forEachConcurrently(changed, scenario.concurrency, scrape),
    );
    const otherScrapes = await measureRequests(world.simulator, () =>
      forEachConcurrently(others, scenario.concurrency, scrape),
    );
    // As the org cycle: quiet repos due for their hourly comment reconcile read only their
    // comment lists, and the cycle takes its share of the login checks.
    const plan = await world.planCommentReconciles(changes.quiet, scenario.scrapeIntervalMs);
    const upkeep = await measureRequests(world.simulator, async () => {
      await forEachConcurrently(
        plan.reconcile.map(({ name }) => name),
        scenario.concurrency,
        async (repo) => {
          const resources = plan.reconcile.find(({ name }) => name === repo)?.resources ?? [];
          await world.scrape(repo, { resources });
        },
      );
      await world.checkLogins(scenario.scrapeIntervalMs);
    });
    const syncStartedAt = performance.now();
    await world.syncRepos(changes, plan.quiet);
    const cycleEndedAt = performance.now();

    const tallyOf = (measured: { readonly counters: SimCounters }): KindTally => {
      const tally = createKindTally();
      addKinds(tally, measured.counters.total.total, measured.counters.byKind);
      return tally;
    };
    const result: ScaleCycle = {
      cycle,
      tokenRotated,
      changed: changed.length,
      quiet: changes.quiet.length,
      detection: tallyOf(detection),
      changedScrapes: tallyOf(changedScrapes),
      otherScrapes: { repos: others.length, tally: tallyOf(otherScrapes) },
      upkeep: { reconciled: plan.reconcile.length, tally: tallyOf(upkeep) },
      wallMs: {
        detection: detection.wallMs,
        scrapes: changedScrapes.wallMs + otherScrapes.wallMs + upkeep.wallMs,
        sync: cycleEndedAt - syncStartedAt,
        cycle: cycleEndedAt - cycleStartedAt,
      },
    };
    onCycle(result);
    cycles.push(result);
  }
  return cycles;
}
