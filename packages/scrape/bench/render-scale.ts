import type { GatewayRender, StoreFootprint } from './scale-footprint.js';
import {
  addTally,
  createKindTally,
  secondaryHitsOf,
  type KindTally,
  type ScaleCycle,
  type ScaleScenario,
} from './scale-scenario.js';

const HOUR_MS = 3_600_000;
/** Issue 11's targets for the steady state. */
const TARGET_REQUESTS_PER_QUIET_REPO_CYCLE = 0.05;

export interface ScaleRun {
  readonly repos: number;
  readonly scenario: ScaleScenario;
  readonly timeScale: number;
  readonly latencyMs: number;
  readonly setup: { readonly wallMs: number; readonly requests: number };
  readonly cycles: readonly ScaleCycle[];
  readonly seriesCheck: { readonly series: number; readonly mismatched: number };
  readonly footprint: StoreFootprint;
  readonly render: GatewayRender;
  /** The Go exporter's pattern on a sample of the repos, at the last cycle's clock. */
  readonly baseline: { readonly repos: number; readonly requests: number };
  readonly totalWallMs: number;
}

const fixed = (value: number, digits = 3): string => value.toFixed(digits);
const whole = (value: number): string => Math.round(value).toLocaleString('en-US');

function sumOf(cycles: readonly ScaleCycle[], pick: (cycle: ScaleCycle) => KindTally): KindTally {
  const sum = createKindTally();
  for (const cycle of cycles) addTally(sum, pick(cycle));
  return sum;
}

/** What the steady state's numbers come to, shared by the table and the `SCALE` line. */
export interface ScaleSummary {
  readonly quietRepoCycles: number;
  /** Detection and every request not of a repo given new activity. */
  readonly forQuiet: KindTally;
  readonly changed: KindTally;
  readonly all: KindTally;
  readonly requestsPerQuietRepoCycle: number;
  readonly secondaryHits: number;
  readonly exact: boolean;
}

export function summarizeScale(run: ScaleRun): ScaleSummary {
  const forQuiet = sumOf(run.cycles, (cycle) => cycle.detection);
  addTally(
    forQuiet,
    sumOf(run.cycles, (cycle) => cycle.otherScrapes.tally),
  );
  addTally(
    forQuiet,
    sumOf(run.cycles, (cycle) => cycle.upkeep.tally),
  );
  const changed = sumOf(run.cycles, (cycle) => cycle.changedScrapes);
  const all = createKindTally();
  addTally(all, forQuiet);
  addTally(all, changed);
  const quietRepoCycles = run.cycles.reduce((sum, cycle) => sum + run.repos - cycle.changed, 0);
  return {
    quietRepoCycles,
    forQuiet,
    changed,
    all,
    requestsPerQuietRepoCycle: forQuiet.requests / quietRepoCycles,
    secondaryHits: secondaryHitsOf(all),
    exact: run.seriesCheck.mismatched === 0,
  };
}

function kindRow(name: string, tally: KindTally, divisor: number): string {
  const per = (value: number): string => fixed(value / divisor);
  return `| ${name} | ${per(tally.restCounted)} | ${per(tally.restNotModified)} | ${per(tally.graphqlQueries)} | ${per(tally.graphqlPoints)} | ${per(tally.requests)} | ${whole(secondaryHitsOf(tally))} |`;
}

export function renderScaleReport(run: ScaleRun): string {
  const { scenario, cycles } = run;
  const summary = summarizeScale(run);
  const cycleCount = cycles.length;
  const perHour = HOUR_MS / scenario.scrapeIntervalMs;
  const mean = (pick: (cycle: ScaleCycle) => number): number =>
    cycles.reduce((sum, cycle) => sum + pick(cycle), 0) / Math.max(1, cycleCount);
  const changedPerCycle = mean((cycle) => cycle.changed);
  const overruns = cycles.filter((cycle) => cycle.wallMs.cycle > scenario.cycleRealMs).length;
  const baselinePerRepo = run.baseline.requests / run.baseline.repos;
  const oursPerCycle = summary.all.requests / cycleCount;
  const baselinePerCycle = baselinePerRepo * run.repos;
  const { footprint, render } = run;
  const hits = summary.all.secondaryHits;

  const lines = [
    `### bench:scale: ${whole(run.repos)} repos, one installation`,
    '',
    `org of ${whole(run.repos)} repos and 40 users; ${whole(scenario.activity.activeRepos)} repos active (each changes ${scenario.activity.changesPerActiveRepoPerDay}× a day at random) plus ${whole(scenario.activity.dormantWakeupsPerDay)} dormant repos waking a day; ` +
      `scrape interval ${scenario.scrapeIntervalMs / 60_000} min, compressed ${fixed(run.timeScale, 1)}× (a cycle every ${scenario.cycleRealMs / 1000} s; GitHub's hour ${fixed(HOUR_MS / run.timeScale / 1000, 0)} s, its minute ${fixed(60 / run.timeScale, 1)} s); ` +
      `${run.latencyMs} ms latency on every request; token rotated every ${scenario.tokenLifetimeCycles} cycles; ${scenario.concurrency} requests in flight at most`,
    '',
    `Cycle 0 (setup, unpaced, no latency): ${whole(run.setup.requests)} requests, ${fixed(run.setup.wallMs / 1000, 0)} s.`,
    '',
    `#### Steady state: ${cycleCount} cycles, ${fixed(changedPerCycle, 1)} repos changed a cycle`,
    '',
    '| per quiet repo per cycle | REST counted | 304 | GraphQL queries | GraphQL points | all requests | secondary hits |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    kindRow(
      'ours, quiet repos (detection, token, comment reconciles, login checks, other reads)',
      summary.forQuiet,
      summary.quietRepoCycles,
    ),
    '',
    '| per cycle | REST counted | 304 | GraphQL queries | GraphQL points | all requests | secondary hits |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    kindRow('quiet repos', summary.forQuiet, cycleCount),
    kindRow(
      'of which comment reconciles and login checks',
      sumOf(cycles, (cycle) => cycle.upkeep.tally),
      cycleCount,
    ),
    kindRow('repos given new activity', summary.changed, cycleCount),
    kindRow('all', summary.all, cycleCount),
    '',
    `target ≤ ${TARGET_REQUESTS_PER_QUIET_REPO_CYCLE} requests of all kinds per quiet repo per cycle: ${summary.requestsPerQuietRepoCycle <= TARGET_REQUESTS_PER_QUIET_REPO_CYCLE ? 'met' : 'missed'} (${fixed(summary.requestsPerQuietRepoCycle, 4)})`,
    `secondary-limit hits: ${summary.secondaryHits} (concurrency ${hits.concurrency}, points ${hits.points}, injected ${hits.injected}); target 0: ${summary.secondaryHits === 0 ? 'met' : 'missed'}`,
    `per hour at this rate: ${whole((summary.all.restCounted * perHour) / cycleCount)} REST counted of 5,000; ${whole((summary.all.graphqlPoints * perHour) / cycleCount)} GraphQL points of 5,000`,
    `real time a cycle (mean): detection ${whole(mean((cycle) => cycle.wallMs.detection))} ms, scrapes ${whole(mean((cycle) => cycle.wallMs.scrapes))} ms, store sync with the quiet repos' recompute ${whole(mean((cycle) => cycle.wallMs.sync))} ms, whole cycle ${whole(mean((cycle) => cycle.wallMs.cycle))} ms of ${whole(scenario.cycleRealMs)} ms; ${overruns} of ${cycleCount} cycles overran`,
    `series: ${whole(run.seriesCheck.series)}, ${run.seriesCheck.mismatched} differ from the ground truth after the last cycle: exact=${summary.exact ? 'yes' : 'no'}`,
    '',
    '#### The Go exporter request pattern at this size',
    '',
    `Measured on ${run.baseline.repos} repos (every ${Math.round(run.repos / run.baseline.repos)}th) at the last cycle's clock: ${fixed(baselinePerRepo)} requests a repo a cycle, so ${whole(baselinePerCycle)} a cycle for ${whole(run.repos)} repos and ${whole(baselinePerCycle * perHour)} an hour against a budget of 5,000 (and ${whole(baselinePerCycle / 5)} a minute against the secondary limit of 900). Ours: ${whole(oursPerCycle)} a cycle, ${whole(oursPerCycle * perHour)} an hour (REST and GraphQL together); ratio ours / Go exporter ${fixed(oursPerCycle / baselinePerCycle, 4)}.`,
    '',
    '#### Redis and the gateway at this size',
    '',
    `Redis: ${whole(footprint.series)} series in ${whole(footprint.seriesBytes)} bytes (${fixed(footprint.seriesBytes / Math.max(1, footprint.series), 1)} bytes a series); ${whole(footprint.ledgerEvents)} ledger events in ${whole(footprint.ledgerBytes)} bytes (${fixed(footprint.ledgerBytes / Math.max(1, footprint.ledgerEvents), 1)} bytes an event); everything else under the prefix (checkpoints, LOC, ETags, budgets) ${whole(footprint.otherBytes)} bytes; ${whole(footprint.keys)} keys.`,
    `metrics-gateway /metrics (fresh process): cold ${whole(render.coldMs)} ms, warm ${whole(render.warmMs)} ms, ${fixed(render.bytes / 1e6, 1)} MB, ${whole(render.activitySamples)} activity samples (${render.activitySamples === footprint.series * 8 ? '8 per series' : 'not 8 per series'}).`,
    '',
    'Not measured yet: first view against `pnpm plan`, worker scaling 1 → 2 → 4.',
    `Whole run: ${fixed(run.totalWallMs / 1000, 0)} s.`,
    '',
    `SCALE repos=${run.repos} all-requests/quiet-repo/cycle=${fixed(summary.requestsPerQuietRepoCycle, 4)} secondary-hits=${summary.secondaryHits} exact=${summary.exact ? 'yes' : 'no'} first-view-ratio=n/a plan-error=n/a`,
    '',
  ];
  return lines.join('\n');
}
