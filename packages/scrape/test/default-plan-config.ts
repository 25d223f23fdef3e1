import type { OrgActivity, PlanConfig } from '../src/plan/org-cost-plan.js';

const DAY_MS = 86_400_000;

/** The fleet's defaults (docs/configuration.md) at 5-minute cycles, as the bench world scrapes. */
export const DEFAULT_PLAN_CONFIG: PlanConfig = {
  scrapeIntervalMs: 5 * 60_000,
  changeDetection: 'graphql',
  quietRepoRereadIntervalMs: DAY_MS,
  commentReconcileIntervalMs: 3_600_000,
  optionalResources: [],
  retentionMs: 30 * DAY_MS,
  locRefreshIntervalMs: DAY_MS,
  historyInBackground: true,
  historyInBackgroundMinRepos: 100,
  backfillRateLimitReserve: 0.25,
  minRemainingThreshold: 200,
  restPointsPerMinute: 800,
  graphqlPointsPerMinute: 1800,
  scheduledPointsReserve: 0.25,
};

/** Issue 11's org: 10,000 repos, 10 % active each day. */
export const TEN_THOUSAND_REPO_ORG: OrgActivity = {
  repos: 10_000,
  reposPushedDay: 1_000,
  reposPushedRetention: 3_000,
  pullsUpdatedDay: 300,
  pullsUpdatedRetention: 6_000,
  issuesUpdatedDay: 200,
};
