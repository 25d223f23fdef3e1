import type { Config, OrgConfig } from '@gse/config';
import {
  readsHistoryInBackground,
  type BudgetName,
  type OrgCostPlan,
  type OrgProbe,
  type PhaseCost,
  type PlanConfig,
} from '@gse/scrape';

/** The keys of the fleet config `planOrgCost` reads, for one org. */
export function toPlanConfig(config: Config, org: OrgConfig): PlanConfig {
  return {
    scrapeIntervalMs: org.scrapeIntervalMs,
    changeDetection: config.github.changeDetection,
    quietRepoRereadIntervalMs: config.github.quietRepoRereadIntervalMs,
    commentReconcileIntervalMs: config.github.commentReconcileIntervalMs,
    optionalResources: config.github.optionalResources,
    retentionMs: config.store.retentionMs,
    locRefreshIntervalMs: config.loc.refreshIntervalMs,
    historyInBackground: config.backfill.historyInBackground,
    historyInBackgroundMinRepos: config.backfill.historyInBackgroundMinRepos,
    backfillRateLimitReserve: config.backfill.rateLimitReserve,
    minRemainingThreshold: config.rateLimit.minRemainingThreshold,
    restPointsPerMinute: config.rateLimit.restPointsPerMinute,
    graphqlPointsPerMinute: config.rateLimit.graphqlPointsPerMinute,
    scheduledPointsReserve: config.rateLimit.scheduledPointsReserve,
  };
}

const BUDGET_NAMES: Readonly<Record<BudgetName, string>> = {
  'rest-per-minute': 'REST points per minute',
  'rest-per-hour': 'REST requests per hour',
  'graphql-per-minute': 'GraphQL points per minute',
  'graphql-per-hour': 'GraphQL points per hour',
  none: 'nothing',
};

/** `1d 2h`, `3h 4m`, `5m`, `42s`: the two largest units. */
export function formatSeconds(seconds: number): string {
  const units: [string, number][] = [
    ['d', 86_400],
    ['h', 3_600],
    ['m', 60],
    ['s', 1],
  ];
  const parts: string[] = [];
  let rest = Math.round(seconds);
  for (const [unit, size] of units) {
    const count = Math.floor(rest / size);
    rest -= count * size;
    if (count > 0 || (unit === 's' && parts.length === 0)) parts.push(`${count}${unit}`);
  }
  return parts.slice(0, 2).join(' ');
}

/** `5m`, `1h`, `30d`, `90s`: a duration in the config's syntax. */
function formatInterval(ms: number): string {
  if (ms % 86_400_000 === 0) return `${ms / 86_400_000}d`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  return `${ms / 1000}s`;
}

function phase(name: string, cost: PhaseCost, priority: string): string {
  const graphql =
    cost.graphqlQueries > 0
      ? `, ${cost.graphqlQueries} GraphQL request(s) (${cost.graphqlPoints} points)`
      : '';
  return (
    `${name}: ${cost.restRequests} REST requests${graphql} at ${priority} priority; ` +
    `at least ${formatSeconds(cost.seconds)}, bound by ${BUDGET_NAMES[cost.boundBy]}`
  );
}

/**
 * What `plan` prints: the probe's numbers, the budgets, each phase's cost and least time, the
 * steady state and its verdict, then one machine-readable `PLAN …` line.
 */
export function renderPlan(input: {
  readonly org: string;
  readonly probe: OrgProbe;
  readonly config: PlanConfig;
  readonly plan: OrgCostPlan;
  /** `repo_allowlist` when it is not `['*']`: the probe counts the whole org. */
  readonly allowlist: readonly string[];
}): string[] {
  const { org, probe, config, plan } = input;
  const { activity, limits } = probe;
  const retention = formatInterval(config.retentionMs);
  const steady = plan.steadyState;
  const suggestion =
    plan.suggestedScrapeIntervalMs === undefined
      ? 'no scrape_interval fits: lengthen github.quiet_repo_reread_interval, or ask GitHub for a larger REST limit'
      : `suggested scrape_interval: ${formatInterval(plan.suggestedScrapeIntervalMs)}`;
  const lines = [
    `org ${org}: ${activity.repos} repos to scrape (${probe.reposVisible} visible, archived included); ` +
      `${activity.reposPushedDay} pushed to in 24h, ${activity.reposPushedRetention} in ${retention}; ` +
      `${activity.pullsUpdatedDay} PRs and ${activity.issuesUpdatedDay} issues updated in 24h, ` +
      `${activity.pullsUpdatedRetention} PRs in ${retention}`,
    ...(input.allowlist.includes('*')
      ? []
      : [
          `note: repo_allowlist names ${input.allowlist.length} repos; the plan counts the whole org`,
        ]),
    `budgets: REST ${limits.restPerHour}/h and ${config.restPointsPerMinute} points/min, ` +
      `GraphQL ${limits.graphqlPointsPerHour} points/h and ${config.graphqlPointsPerMinute} points/min; ` +
      `history leaves ${config.scheduledPointsReserve * 100}% of each minute and ` +
      `${config.backfillRateLimitReserve * 100}% of each hour to the schedule`,
    phase('first view (24h gauges exact)', plan.firstView, 'scheduled'),
    readsHistoryInBackground(config, activity.repos)
      ? phase(`history (the rest of ${retention}, backfill-worker)`, plan.history, 'background')
      : `history: read by the first view (backfill.history_in_background is off, or the org has fewer than ${config.historyInBackgroundMinRepos} repos)`,
    `steady state at scrape_interval ${formatInterval(config.scrapeIntervalMs)}: ` +
      `${steady.restRequestsPerHour} REST requests/h (${steady.commentReconcilesPerHour} of them comment reconciles), ` +
      `${steady.graphqlQueriesPerHour} GraphQL queries/h (${steady.graphqlPointsPerHour} points/h), ` +
      `plus one login check an hour per contributor (github.login_check_interval; the probe cannot count them): ` +
      (plan.fits
        ? 'fits the budgets'
        : `overruns ${steady.overruns.map((name) => BUDGET_NAMES[name]).join(', ')}; ${suggestion}`),
  ];
  const machine = [
    `org=${org}`,
    `repos=${activity.repos}`,
    `first-view-requests=${plan.firstView.restRequests + plan.firstView.graphqlQueries}`,
    `first-view-seconds=${plan.firstView.seconds}`,
    `history-requests=${plan.history.restRequests}`,
    `history-seconds=${plan.history.seconds}`,
    `steady-requests-per-hour=${steady.restRequestsPerHour + steady.graphqlQueriesPerHour}`,
    `fits=${plan.fits ? 'yes' : 'no'}`,
    `suggested-interval=${
      plan.fits
        ? '-'
        : plan.suggestedScrapeIntervalMs === undefined
          ? 'none'
          : formatInterval(plan.suggestedScrapeIntervalMs)
    }`,
  ];
  return [...lines, `PLAN ${machine.join(' ')}`];
}
