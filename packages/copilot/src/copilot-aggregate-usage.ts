import {
  COPILOT_ACTIVE_USER_FIELDS,
  COPILOT_ACTIVE_USER_NAMES,
  type CopilotBreakdown,
} from '@gse/telemetry';

import type { CopilotScope } from './aggregate-copilot-usage.js';
import type { CopilotDayTotals } from './copilot-aggregate-record.js';
import { createCopilotSampleSums, type CopilotSample } from './copilot-sample-sums.js';

/** The `user` label of an aggregate report's samples in the shared count families (the Go exporter's). */
export const AGGREGATE_USER_LABEL = 'all';

/** How an aggregate report's days become samples (`copilot.*`). */
export interface CopilotAggregateOptions {
  readonly breakdowns: Readonly<Record<CopilotBreakdown, boolean>>;
  readonly emitDayLabel: boolean;
  /** `include_pull_request_activity`: the pull-request counts and code review users. */
  readonly pullRequests: boolean;
}

/**
 * The samples of one scope's aggregate report over its days:
 * - the seven counts and their breakdowns summed over the days into the same families as the
 *   users report, with `user="all"` (with `emitDayLabel`, one sample per day);
 * - with `pullRequests`, `gh_copilot_usage_pull_requests_<count>` summed over the days;
 * - the active-user counts (distinct users of a day, 7 or 28 days: a sum over days would count
 *   a user again each day) from the last day only, or each day's with `emitDayLabel`; the code
 *   review users only with `pullRequests`.
 */
export function toCopilotAggregateUsage(
  scope: CopilotScope,
  id: string,
  days: readonly CopilotDayTotals[],
  options: CopilotAggregateOptions,
): Map<string, CopilotSample[]> {
  const sums = createCopilotSampleSums();
  const lastDay = days.reduce((last, totals) => (totals.day > last ? totals.day : last), '');
  for (const totals of days) {
    const day = options.emitDayLabel ? totals.day : '';
    sums.addUsage(
      { scope, org: id, user: AGGREGATE_USER_LABEL, day },
      totals.counts,
      totals.breakdowns,
      options.breakdowns,
    );
    const labels = { scope, org: id, day };
    if (options.pullRequests) {
      for (const [field, value] of Object.entries(totals.pullRequests)) {
        sums.add(`gh_copilot_usage_pull_requests_${field}`, labels, value);
      }
    }
    if (!options.emitDayLabel && totals.day !== lastDay) continue;
    for (const field of COPILOT_ACTIVE_USER_NAMES) {
      const value = totals.activeUsers[field];
      if (value === undefined) continue;
      if (COPILOT_ACTIVE_USER_FIELDS[field].pullRequests && !options.pullRequests) continue;
      sums.add(`gh_copilot_usage_${field}`, labels, value);
    }
  }
  return sums.samples();
}
