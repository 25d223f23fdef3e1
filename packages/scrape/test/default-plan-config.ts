import type { PlanConfig } from '../src/plan/org-cost-plan.js';

const DAY_MS = 86_400_000;

/** The fleet's defaults (docs/configuration.md) at 5-minute cycles, as the bench world scrapes. */
export const DEFAULT_PLAN_CONFIG: PlanConfig = {
  scrapeIntervalMs: 5 * 60_000,
  changeDetection: 'graphql',
  quietRepoRereadIntervalMs: DAY_MS,
  optionalResources: [],
  retentionMs: 30 * DAY_MS,
  locRefreshIntervalMs: DAY_MS,
  historyInBackground: true,
  backfillRateLimitReserve: 0.25,
  minRemainingThreshold: 200,
  restPointsPerMinute: 800,
  graphqlPointsPerMinute: 1800,
  scheduledPointsReserve: 0.25,
};
