import { readsHistoryInBackground } from '../first-read.js';
import {
  ACTIVITY_WINDOW_MS,
  SCRAPE_CATALOG,
  toActivityScope,
  type ScrapeResource,
} from '@gse/activity';

/** What `plan` knows of an org's size and recent activity (`probeOrgActivity`). */
export interface OrgActivity {
  /** Repos a cycle scrapes: the installation's, forks included, archived not. */
  readonly repos: number;
  /** Of them, pushed to in the last 24 h / in `store.retention`. */
  readonly reposPushedDay: number;
  readonly reposPushedRetention: number;
  /** Their PRs updated in the last 24 h / in `store.retention` (a review bumps `updated`). */
  readonly pullsUpdatedDay: number;
  readonly pullsUpdatedRetention: number;
  /** Their issues (not PRs) updated in the last 24 h (a comment bumps `updated`). */
  readonly issuesUpdatedDay: number;
}

/** The installation's primary budgets, as GitHub reports them (`/rate_limit`, `rateLimit`). */
export interface InstallationLimits {
  /** REST requests an hour: 5,000, up to 15,000 for large organizations. */
  readonly restPerHour: number;
  /** GraphQL points an hour: 5,000. */
  readonly graphqlPointsPerHour: number;
}

/** The configuration keys the fleet's request pattern depends on, in milliseconds. */
export interface PlanConfig {
  /** The org's `scrape_interval`. */
  readonly scrapeIntervalMs: number;
  /** `github.change_detection`. */
  readonly changeDetection: 'graphql' | 'off';
  /** `github.quiet_repo_reread_interval`. */
  readonly quietRepoRereadIntervalMs: number;
  /** `github.comment_reconcile_interval`. */
  readonly commentReconcileIntervalMs: number;
  /** `github.optional_resources`. */
  readonly optionalResources: readonly ScrapeResource[];
  /** `store.retention`. */
  readonly retentionMs: number;
  /** `loc.refresh_interval`. */
  readonly locRefreshIntervalMs: number;
  /** `backfill.enabled && backfill.history_in_background`. */
  readonly historyInBackground: boolean;
  /** `backfill.history_in_background_min_repos`: smaller orgs read history in the first view. */
  readonly historyInBackgroundMinRepos: number;
  /** `backfill.rate_limit_reserve`: the hour's share history reads leave to the schedule. */
  readonly backfillRateLimitReserve: number;
  /** `rate_limit.min_remaining_threshold`: the client sends nothing below it. */
  readonly minRemainingThreshold: number;
  /** `rate_limit.rest_points_per_minute` and `rate_limit.graphql_points_per_minute`. */
  readonly restPointsPerMinute: number;
  readonly graphqlPointsPerMinute: number;
  /** `rate_limit.scheduled_points_reserve`: the minute's share history reads leave. */
  readonly scheduledPointsReserve: number;
}

/** Requests of one kind, and the least time the budgets let them take. */
export interface PhaseCost {
  /** REST requests (GET: 1 secondary point each, 304s included). */
  readonly restRequests: number;
  /** GraphQL queries (1 secondary point each) and the primary points they cost. */
  readonly graphqlQueries: number;
  readonly graphqlPoints: number;
  /** The budget-bound minimum: no budget lets these requests finish sooner. */
  readonly seconds: number;
  /** Which budget sets `seconds`. */
  readonly boundBy: BudgetName;
}

export type BudgetName =
  'rest-per-minute' | 'rest-per-hour' | 'graphql-per-minute' | 'graphql-per-hour' | 'none';

export interface SteadyState {
  /** Every REST request of the schedule, the comment reconciles' included. */
  readonly restRequestsPerHour: number;
  /** Of them, the quiet repos' comment reconciles. */
  readonly commentReconcilesPerHour: number;
  readonly graphqlQueriesPerHour: number;
  readonly graphqlPointsPerHour: number;
  /** Each budget the schedule would overrun at this interval; empty when it fits. */
  readonly overruns: readonly BudgetName[];
}

export interface OrgCostPlan {
  /** Every repo's 24 h gauges and LOC week exact: the first cycle's reads. */
  readonly firstView: PhaseCost;
  /** The rest of `store.retention`, read by the backfill-worker at background priority. */
  readonly history: PhaseCost;
  readonly steadyState: SteadyState;
  readonly fits: boolean;
  /**
   * When it does not fit: the shortest of {@link INTERVAL_CHOICES_MS} longer than the
   * configured interval at which it does; `undefined` when it fits, or when no interval
   * does (the quiet repos' rereads alone overrun: lengthen `quiet_repo_reread_interval`).
   */
  readonly suggestedScrapeIntervalMs: number | undefined;
}

/**
 * What one repo scrape costs, measured on the simulator and kept equal to it by
 * `test/org-cost-plan.int.test.ts` (which runs a first view and its history):
 * - each event resource (commits, pulls, issue comments, and each optional one) lists one
 *   page of 100 from its stable first-page URL; a repo with more than 100 items of a kind
 *   in the range read needs more pages, which the probe cannot count (the plan's floor);
 * - each PR updated in the range read gets its reviews listed (one page up to 100);
 * - LOC's `/stats/contributors` answers 202 while GitHub computes and is asked again: 2
 *   requests when it was not asked lately (a first read, an active repo), 1 when GitHub
 *   has them cached (a quiet repo's reread).
 */
export const REQUEST_COSTS = {
  statsWhileComputing: 2,
  statsCached: 1,
  /** `RepoChanges`: 1 + 100 + 100 connection requests / 100 → 2 points, 100 repos a page. */
  graphqlPointsPerChangesPage: 2,
  reposPerPage: 100,
} as const;

/** Intervals `plan` suggests, shortest first. */
export const INTERVAL_CHOICES_MS: readonly number[] = [
  1, 2, 5, 10, 15, 20, 30, 60, 120, 240, 360, 720, 1440,
].map((minutes) => minutes * 60_000);

const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;

/** Lists one scrape reads: the event resources in scope (LOC measures, it lists nothing). */
function listsPerScrape(config: PlanConfig): number {
  return toActivityScope(config.optionalResources).resources.filter(
    (resource) => Object.keys(SCRAPE_CATALOG[resource].events).length > 0,
  ).length;
}

/**
 * Repos the fleet ever reads: all without change detection; with it, those with activity
 * within retention, counted by their pushes (a never-read repo whose last push, PR and issue
 * predate retention is dormant and costs no read; PRs come with pushes, so a repo active by
 * its issues alone is the plan's blind spot).
 */
function readRepos(activity: OrgActivity, config: PlanConfig): number {
  return config.changeDetection === 'graphql'
    ? Math.min(activity.repos, activity.reposPushedRetention)
    : activity.repos;
}

/** Lists a comment reconcile reads: the comment resources in scope. */
function commentListsPerScrape(config: PlanConfig): number {
  return toActivityScope(config.optionalResources).resources.filter(
    (resource) => SCRAPE_CATALOG[resource].collector === 'comments',
  ).length;
}

function changesPages(activity: OrgActivity): number {
  return Math.ceil(activity.repos / REQUEST_COSTS.reposPerPage);
}

/**
 * The least time `requests` take under a per-minute and a per-hour budget that start full:
 * each hour's budget spent at the minute's rate, then the next hour's, and so on.
 */
export function budgetBoundSeconds(
  requests: number,
  budget: { readonly perMinute: number; readonly perHour: number },
): { readonly seconds: number; readonly byHour: boolean } {
  const atMinuteRate = (requests / budget.perMinute) * 60;
  const fullHours = Math.max(0, Math.ceil(requests / budget.perHour) - 1);
  const byHours =
    fullHours * 3600 + ((requests - fullHours * budget.perHour) / budget.perMinute) * 60;
  return byHours > atMinuteRate
    ? { seconds: byHours, byHour: true }
    : { seconds: atMinuteRate, byHour: false };
}

interface PhaseBudgets {
  readonly restPerMinute: number;
  readonly restPerHour: number;
  readonly graphqlPerMinute: number;
  readonly graphqlPointsPerHour: number;
}

function toPhaseCost(
  requests: Omit<PhaseCost, 'seconds' | 'boundBy'>,
  budgets: PhaseBudgets,
): PhaseCost {
  const rest = budgetBoundSeconds(requests.restRequests, {
    perMinute: budgets.restPerMinute,
    perHour: budgets.restPerHour,
  });
  // GraphQL's minute counts queries, its hour counts points: two bounds.
  const graphqlMinute = (requests.graphqlQueries / budgets.graphqlPerMinute) * 60;
  const graphqlHour = budgetBoundSeconds(requests.graphqlPoints, {
    perMinute:
      (budgets.graphqlPerMinute * requests.graphqlPoints) / Math.max(1, requests.graphqlQueries),
    perHour: budgets.graphqlPointsPerHour,
  });
  const bounds: { readonly boundBy: BudgetName; readonly seconds: number }[] = [
    { boundBy: 'none', seconds: 0 },
    { boundBy: rest.byHour ? 'rest-per-hour' : 'rest-per-minute', seconds: rest.seconds },
    { boundBy: 'graphql-per-minute', seconds: graphqlMinute },
    { boundBy: 'graphql-per-hour', seconds: graphqlHour.byHour ? graphqlHour.seconds : 0 },
  ];
  const slowest = bounds.reduce((max, bound) => (bound.seconds > max.seconds ? bound : max));
  return { ...requests, seconds: Math.round(slowest.seconds), boundBy: slowest.boundBy };
}

/** The schedule's REST and GraphQL requests an hour at `scrapeIntervalMs`. */
function toSteadyState(
  activity: OrgActivity,
  config: PlanConfig,
  limits: InstallationLimits,
  scrapeIntervalMs: number,
): SteadyState {
  const lists = listsPerScrape(config);
  const cyclesPerHour = HOUR_MS / scrapeIntervalMs;
  const cyclesPerDay = cyclesPerHour * (ACTIVITY_WINDOW_MS / HOUR_MS);
  const byGraphql = config.changeDetection === 'graphql';
  const active = Math.min(activity.reposPushedDay, activity.repos);
  const quiet = Math.max(0, readRepos(activity, config) - active);
  // Scrapes a day. Without change detection: every repo each cycle, after listing them.
  // With it: a repo changes in a cycle when something it watches moved, at least once a day
  // per repo pushed to and once per PR or issue updated, at most every cycle; quiet repos
  // are read once per reread interval.
  const scrapesPerDay = byGraphql
    ? Math.min(
        activity.reposPushedDay + activity.pullsUpdatedDay + activity.issuesUpdatedDay,
        activity.repos * cyclesPerDay,
      ) +
      quiet * (ACTIVITY_WINDOW_MS / config.quietRepoRereadIntervalMs)
    : activity.repos * cyclesPerDay;
  // LOC once per refresh interval; a quiet repo's only when it is read, its stats cached.
  const quietLocIntervalMs = byGraphql
    ? Math.max(config.locRefreshIntervalMs, config.quietRepoRereadIntervalMs)
    : config.locRefreshIntervalMs;
  const locPerDay =
    active *
      (ACTIVITY_WINDOW_MS / config.locRefreshIntervalMs) *
      REQUEST_COSTS.statsWhileComputing +
    quiet * (ACTIVITY_WINDOW_MS / quietLocIntervalMs) * REQUEST_COSTS.statsCached;
  const listingPerDay = byGraphql ? 0 : cyclesPerDay * changesPages(activity);
  // With change detection, a quiet repo holding a comment of the last 24 h has its comment
  // lists read once per reconcile interval. A comment bumps its thread's `updated`, so the
  // threads updated in a day bound those repos (from above: a thread may move otherwise,
  // and a repo hold several).
  const commentReconcilesPerHour = byGraphql
    ? Math.min(activity.repos, activity.pullsUpdatedDay + activity.issuesUpdatedDay) *
      commentListsPerScrape(config) *
      (HOUR_MS / config.commentReconcileIntervalMs)
    : 0;
  const restPerHour =
    (scrapesPerDay * lists + activity.pullsUpdatedDay + locPerDay + listingPerDay) /
      (ACTIVITY_WINDOW_MS / HOUR_MS) +
    commentReconcilesPerHour;
  const graphqlQueriesPerHour = byGraphql ? cyclesPerHour * changesPages(activity) : 0;
  const graphqlPointsPerHour = graphqlQueriesPerHour * REQUEST_COSTS.graphqlPointsPerChangesPage;
  const cycleMinutes = scrapeIntervalMs / MINUTE_MS;
  const overruns: BudgetName[] = [];
  // A cycle's requests must fit its minutes' points, and the hour's in the primary budget.
  if (restPerHour / cyclesPerHour > config.restPointsPerMinute * cycleMinutes) {
    overruns.push('rest-per-minute');
  }
  if (restPerHour > limits.restPerHour - config.minRemainingThreshold) {
    overruns.push('rest-per-hour');
  }
  if (graphqlQueriesPerHour / cyclesPerHour > config.graphqlPointsPerMinute * cycleMinutes) {
    overruns.push('graphql-per-minute');
  }
  if (graphqlPointsPerHour > limits.graphqlPointsPerHour - config.minRemainingThreshold) {
    overruns.push('graphql-per-hour');
  }
  return {
    restRequestsPerHour: Math.round(restPerHour),
    commentReconcilesPerHour: Math.round(commentReconcilesPerHour),
    graphqlQueriesPerHour: Math.round(graphqlQueriesPerHour),
    graphqlPointsPerHour: Math.round(graphqlPointsPerHour),
    overruns,
  };
}

/**
 * What an org costs this fleet, from a probe of its size and activity: the first view
 * (every repo's first read, at the schedule's priority: whole budgets), the history the
 * backfill-worker reads after it (the minute's share above `scheduled_points_reserve`, the
 * hour's above `backfill.rate_limit_reserve`, minus what the schedule spends meanwhile),
 * and the schedule's steady state. Follows the fleet's request pattern
 * (docs/operations.md#sizing-an-installation); times are budget-bound minimums.
 */
export function planOrgCost(
  activity: OrgActivity,
  config: PlanConfig,
  limits: InstallationLimits,
): OrgCostPlan {
  const lists = listsPerScrape(config);
  const steadyState = toSteadyState(activity, config, limits, config.scrapeIntervalMs);
  const byGraphql = config.changeDetection === 'graphql';
  const pages = changesPages(activity);
  const firstRead = readRepos(activity, config);
  const historyInBackground = readsHistoryInBackground(config, activity.repos);
  // A first read reads the last 24 h, or all of retention when history is not left to backfill.
  const pullsFirstRead = historyInBackground
    ? activity.pullsUpdatedDay
    : activity.pullsUpdatedRetention;
  const firstView = toPhaseCost(
    {
      restRequests:
        (byGraphql ? 0 : pages) +
        firstRead * (lists + REQUEST_COSTS.statsWhileComputing) +
        pullsFirstRead,
      graphqlQueries: byGraphql ? pages : 0,
      graphqlPoints: byGraphql ? pages * REQUEST_COSTS.graphqlPointsPerChangesPage : 0,
    },
    {
      restPerMinute: config.restPointsPerMinute,
      restPerHour: limits.restPerHour - config.minRemainingThreshold,
      graphqlPerMinute: config.graphqlPointsPerMinute,
      graphqlPointsPerHour: limits.graphqlPointsPerHour - config.minRemainingThreshold,
    },
  );
  const background = 1 - config.scheduledPointsReserve;
  const history = toPhaseCost(
    {
      // One window per event resource and repo; the PRs' reviews over all of retention.
      restRequests: historyInBackground ? firstRead * lists + activity.pullsUpdatedRetention : 0,
      graphqlQueries: 0,
      graphqlPoints: 0,
    },
    {
      restPerMinute: config.restPointsPerMinute * background,
      restPerHour: Math.max(
        1,
        limits.restPerHour * (1 - config.backfillRateLimitReserve) -
          config.minRemainingThreshold -
          steadyState.restRequestsPerHour,
      ),
      graphqlPerMinute: config.graphqlPointsPerMinute * background,
      graphqlPointsPerHour: limits.graphqlPointsPerHour,
    },
  );
  const fits = steadyState.overruns.length === 0;
  return {
    firstView,
    history,
    steadyState,
    fits,
    suggestedScrapeIntervalMs: fits
      ? undefined
      : INTERVAL_CHOICES_MS.find(
          (intervalMs) =>
            intervalMs > config.scrapeIntervalMs &&
            toSteadyState(activity, config, limits, intervalMs).overruns.length === 0,
        ),
  };
}
