import {
  COPILOT_ACTIVE_USER_NAMES,
  COPILOT_PULL_REQUEST_FIELDS,
  COPILOT_USAGE_FIELDS,
  type CopilotActiveUserField,
  type CopilotPullRequestField,
} from '@gse/telemetry';

import {
  isCopilotDay,
  isObject,
  toCopilotBreakdowns,
  toCountsOf,
  type CopilotCounts,
  type CopilotRecord,
} from './copilot-record.js';

/**
 * One entry of `day_totals` of an aggregate (organization or enterprise) report line
 * (docs/github-limitations.md#copilot-usage-reports): the scope's totals of one day, with
 * the same counts and nested breakdowns as a users-report line, the active-user counts and
 * the pull-request activity (`pull_requests`).
 */
export interface CopilotDayTotals {
  /** `YYYY-MM-DD`. */
  readonly day: string;
  readonly counts: CopilotCounts;
  readonly breakdowns: CopilotRecord['breakdowns'];
  /** A count GitHub left out (`daily_active_cli_users` without CLI use) is absent. */
  readonly activeUsers: Partial<Record<CopilotActiveUserField, number>>;
  /** Absent counts, or no `pull_requests` at all, are absent. */
  readonly pullRequests: Partial<Record<CopilotPullRequestField, number>>;
}

function toDayTotals(value: unknown): CopilotDayTotals | undefined {
  if (!isObject(value) || !isCopilotDay(value['day'])) return undefined;
  const pullRequestsSource = value['pull_requests'] ?? {};
  if (!isObject(pullRequestsSource)) return undefined;
  const counts = toCountsOf(value, COPILOT_USAGE_FIELDS);
  const activeUsers = toCountsOf(value, COPILOT_ACTIVE_USER_NAMES);
  // Medians and `copilot_suggestions_by_comment_type` are not read (see the metric catalog).
  const pullRequests = toCountsOf(pullRequestsSource, COPILOT_PULL_REQUEST_FIELDS);
  const breakdowns = toCopilotBreakdowns(value);
  if (!counts || !activeUsers || !pullRequests || !breakdowns) return undefined;
  return { day: value['day'], counts, breakdowns, activeUsers, pullRequests };
}

/**
 * One line of an aggregate report as {@link parseCopilotNdjson} takes it: its `day_totals`
 * entries. `undefined` (a counted invalid line) when `day_totals` is not an array or one entry
 * is unusable: no day, a count that is not a non-negative number, a bad breakdown. Unknown
 * fields (`organization_id`, `etl_id`, …) are ignored.
 */
export function toCopilotAggregateLine(value: unknown): CopilotDayTotals[] | undefined {
  if (!isObject(value) || !Array.isArray(value['day_totals'])) return undefined;
  const days: CopilotDayTotals[] = [];
  for (const entry of value['day_totals']) {
    const totals = toDayTotals(entry);
    if (!totals) return undefined;
    days.push(totals);
  }
  return days;
}
