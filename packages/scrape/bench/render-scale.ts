import type { OrgCostPlan } from '../src/plan/org-cost-plan.js';
import type { GatewayRender, StoreFootprint } from './scale-footprint.js';
import type { FirstViewRun, HistoryRun } from './scale-first-view.js';
import {
  addTally,
  createKindTally,
  secondaryHitsOf,
  type KindTally,
  type ScaleCycle,
  type ScaleScenario,
} from './scale-scenario.js';

const HOUR_MS = 3_600_000;
/** Issue 11's targets: the steady state, the first view against `plan`'s minimum, `plan` itself. */
const TARGET_REQUESTS_PER_QUIET_REPO_CYCLE = 0.05;
const TARGET_FIRST_VIEW_RATIO = 1.2;
const TARGET_PLAN_ERROR = 0.2;

export interface ScaleRun {
  readonly repos: number;
  readonly scenario: ScaleScenario;
  readonly timeScale: number;
  readonly latencyMs: number;
  /** What `plan` printed for the org before the run. */
  readonly plan: OrgCostPlan;
  readonly firstView: FirstViewRun;
  readonly history: HistoryRun;
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

/** One of `plan`'s estimates against what the run measured. */
export interface PlanCheck {
  readonly estimate: string;
  readonly planned: number;
  readonly measured: number;
  /** (planned − measured) / measured. */
  readonly error: number;
}

/**
 * `plan`'s estimates the run measures: the first view's requests and time (on GitHub's
 * clock, the real time times the compression) and the history's requests. The history's
 * time is not measured: it is read unpaced, so the run stays short.
 */
export function checkPlan(run: ScaleRun): PlanCheck[] {
  const { plan, firstView, history } = run;
  const check = (estimate: string, planned: number, measured: number): PlanCheck => ({
    estimate,
    planned,
    measured,
    error: (planned - measured) / Math.max(1, measured),
  });
  return [
    check('first view: REST requests', plan.firstView.restRequests, firstView.cost.restRequests),
    check('first view: GraphQL points', plan.firstView.graphqlPoints, firstView.cost.graphqlPoints),
    check('first view: seconds on GitHub’s clock', plan.firstView.seconds, firstViewSeconds(run)),
    check('history: REST requests', plan.history.restRequests, history.cost.restRequests),
  ];
}

const firstViewSeconds = (run: ScaleRun): number => (run.firstView.wallMs * run.timeScale) / 1000;

/** The first view's time over `plan`'s budget-bound minimum. */
export const firstViewRatio = (run: ScaleRun): number =>
  firstViewSeconds(run) / Math.max(1, run.plan.firstView.seconds);

/** The largest of `plan`'s errors, by magnitude, with its sign. */
export const planError = (checks: readonly PlanCheck[]): number =>
  checks.reduce((worst, { error }) => (Math.abs(error) > Math.abs(worst) ? error : worst), 0);

const percent = (value: number): string => `${value >= 0 ? '+' : ''}${(value * 100).toFixed(1)}%`;

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
    ...renderFirstView(run),
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
    `Whole run: ${fixed(run.totalWallMs / 1000, 0)} s.`,
    '',
    `SCALE repos=${run.repos} all-requests/quiet-repo/cycle=${fixed(summary.requestsPerQuietRepoCycle, 4)} secondary-hits=${summary.secondaryHits} exact=${summary.exact ? 'yes' : 'no'} first-view-ratio=${fixed(firstViewRatio(run), 2)} plan-error=${percent(planError(checkPlan(run)))}`,
    '',
  ];
  return lines.join('\n');
}

function renderFirstView(run: ScaleRun): string[] {
  const { plan, firstView, history } = run;
  const checks = checkPlan(run);
  const ratio = firstViewRatio(run);
  const error = planError(checks);
  const gaugesExact = firstView.gauges.mismatched === 0;
  return [
    `#### First view and history, against \`pnpm plan\``,
    '',
    `A new org: change detection, then the first read of every repo it hands out (${whole(firstView.reposRead)}; the others are dormant, with nothing in retention), paced by GitHub's limits and the fleet's budgets with ${run.latencyMs} ms latency. ` +
      `\`plan\` bound it by ${plan.firstView.boundBy}; it took ${fixed(firstViewSeconds(run) / 3600, 2)} h on GitHub's clock (${fixed(firstView.wallMs / 1000, 0)} s real), ${firstView.secondaryHits} secondary-limit hits. ` +
      `24 h gauges and LOC week of ${whole(firstView.gauges.series)} series right after: ${firstView.gauges.mismatched} differ (${gaugesExact ? 'exact' : 'not exact'}).`,
    `The history it left (${whole(history.messages)} windows, one per repo and resource) was then read unpaced in ${fixed(history.wallMs / 1000, 0)} s, as the backfill-worker reads it.`,
    '',
    '| estimate | plan | measured | error |',
    '| --- | ---: | ---: | ---: |',
    ...checks.map(
      (check) =>
        `| ${check.estimate} | ${whole(check.planned)} | ${whole(check.measured)} | ${percent(check.error)} |`,
    ),
    '',
    `first view within ${TARGET_FIRST_VIEW_RATIO} × plan's budget-bound minimum with every 24 h gauge exact: ${ratio <= TARGET_FIRST_VIEW_RATIO && gaugesExact ? 'met' : 'missed'} (${fixed(ratio, 3)} ×)`,
    `plan's estimates within ±${TARGET_PLAN_ERROR * 100} %: ${Math.abs(error) <= TARGET_PLAN_ERROR ? 'met' : 'missed'} (worst ${percent(error)})`,
    '',
  ];
}
