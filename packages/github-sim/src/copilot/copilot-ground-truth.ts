import { createHmac } from 'node:crypto';

import {
  COPILOT_SIM_BREAKDOWNS,
  COPILOT_SIM_PULL_REQUEST_FIELDS,
  copilotDayTotalsOfDays,
} from './copilot-aggregate-world.js';
import {
  COPILOT_SIM_FIELDS,
  copilotRecordsOf,
  latestReportDay,
  reportDays,
  type CopilotWorld,
} from './copilot-world.js';

/**
 * The `gh_copilot_usage_*` samples the fleet must expose for one scope, read straight from
 * the simulator's records (never with `@gse/copilot`):
 * - the report is the latest users report at `atMs`: the 28 days ending `lagDays` before
 *   today (UTC);
 * - a user's values are the sums of their records over those days (with `emitDayLabel`, one
 *   sample per user per day they have a record, labelled `day`);
 * - `gh_copilot_usage_<field>{scope,org,user[,day]}` from the record's top-level counts;
 *   with a breakdown on, `…_by_ide{ide}`, `…_by_feature{feature}`,
 *   `…_by_language{language,feature}` (no `user_initiated_interaction_count`: GitHub's
 *   `totals_by_language_feature` has none) and `…_by_model{model,feature}`, summed over the
 *   nested arrays' entries with the same keys;
 * - `user` is the login, the user id, the first 16 hex digits of HMAC-SHA256(salt, user id),
 *   or absent (`none`: summed over users); an empty label (no day, no user) is left out.
 */
export interface CopilotGroundTruthOptions {
  readonly scope: 'org' | 'enterprise';
  /** Org login or enterprise slug: the `org` label. */
  readonly id: string;
  readonly atMs: number;
  readonly breakdowns: {
    readonly ide: boolean;
    readonly feature: boolean;
    readonly language: boolean;
    readonly model: boolean;
  };
  readonly emitDayLabel: boolean;
  readonly userLabelMode: 'login' | 'id' | 'hashed' | 'none';
  readonly salt?: string;
}

export interface CopilotExpectedSample {
  readonly name: string;
  /** Label name → value, empty labels left out. */
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

type Sums = Map<string, { name: string; labels: Record<string, string>; value: number }>;

function addTo(sums: Sums, name: string, labels: Record<string, string>, value: number): void {
  const kept = Object.fromEntries(Object.entries(labels).filter(([, text]) => text !== ''));
  const key = `${name}${JSON.stringify(Object.entries(kept).sort())}`;
  const entry = sums.get(key);
  if (entry) entry.value += value;
  else sums.set(key, { name, labels: kept, value });
}

/** A line's top-level counts and, for each breakdown on, its nested entries' counts. */
function addLine(
  sums: Sums,
  line: Record<string, unknown>,
  base: Record<string, string>,
  breakdowns: CopilotGroundTruthOptions['breakdowns'],
): void {
  for (const field of COPILOT_SIM_FIELDS) {
    addTo(sums, `gh_copilot_usage_${field}`, base, Number(line[field]));
  }
  for (const nested of COPILOT_SIM_BREAKDOWNS) {
    if (!breakdowns[nested.breakdown]) continue;
    for (const entry of line[nested.array] as Record<string, unknown>[]) {
      const keys = Object.fromEntries(nested.keys.map((key) => [key, String(entry[key])]));
      for (const field of COPILOT_SIM_FIELDS) {
        if (!(field in entry)) continue;
        addTo(
          sums,
          `gh_copilot_usage_${field}_by_${nested.breakdown}`,
          { ...base, ...keys },
          Number(entry[field]),
        );
      }
    }
  }
}

export function copilotGroundTruth(
  world: CopilotWorld,
  options: CopilotGroundTruthOptions,
): CopilotExpectedSample[] {
  const days = reportDays(latestReportDay(world, options.atMs));
  const sums: Sums = new Map();
  for (const record of copilotRecordsOf(world, options.scope, options.id, days)) {
    const base = {
      scope: options.scope,
      org: options.id,
      user: userLabel(options, record.user_id, record.user_login),
      day: options.emitDayLabel ? record.day : '',
    };
    addLine(sums, record, base, options.breakdowns);
  }
  return [...sums.values()];
}

/** The active-user counts of `day_totals` entries (Copilot code review users: PR activity). */
const ACTIVE_USERS = [
  'daily_active_users',
  'weekly_active_users',
  'monthly_active_users',
  'monthly_active_chat_users',
  'monthly_active_agent_users',
  'daily_active_cli_users',
] as const;
const CODE_REVIEW_USERS = [
  'daily_active_copilot_code_review_users',
  'daily_passive_copilot_code_review_users',
  'weekly_active_copilot_code_review_users',
  'weekly_passive_copilot_code_review_users',
  'monthly_active_copilot_code_review_users',
  'monthly_passive_copilot_code_review_users',
] as const;

/**
 * The samples of one scope's aggregate report (`organization-28-day` / `enterprise-28-day`)
 * the fleet must expose, read straight from the simulator's `day_totals`:
 * - the seven counts and the breakdowns on, summed over the 28 days, labelled `user="all"`
 *   in the same families as the users report (per day with `emitDayLabel`);
 * - with `pullRequests`, `gh_copilot_usage_pull_requests_<count>{scope,org}` summed over the
 *   days (medians not exposed), and the Copilot code review user counts;
 * - the active-user counts of the last day (every day's with `emitDayLabel`), labels
 *   `scope`, `org` (`day`).
 */
export function copilotAggregateGroundTruth(
  world: CopilotWorld,
  options: Omit<CopilotGroundTruthOptions, 'userLabelMode' | 'salt'> & {
    readonly pullRequests: boolean;
  },
): CopilotExpectedSample[] {
  const days = reportDays(latestReportDay(world, options.atMs));
  const sums: Sums = new Map();
  const entries = copilotDayTotalsOfDays(world, options.scope, options.id, days);
  for (const entry of entries) {
    const day = options.emitDayLabel ? entry.day : '';
    const labels = { scope: options.scope, org: options.id, day };
    addLine(sums, entry, { ...labels, user: 'all' }, options.breakdowns);
    const pullRequests = entry['pull_requests'] as Record<string, unknown>;
    if (options.pullRequests) {
      for (const field of COPILOT_SIM_PULL_REQUEST_FIELDS) {
        addTo(sums, `gh_copilot_usage_pull_requests_${field}`, labels, Number(pullRequests[field]));
      }
    }
    if (!options.emitDayLabel && entry.day !== days.at(-1)) continue;
    for (const field of [...ACTIVE_USERS, ...(options.pullRequests ? CODE_REVIEW_USERS : [])]) {
      if (field in entry) addTo(sums, `gh_copilot_usage_${field}`, labels, Number(entry[field]));
    }
  }
  return [...sums.values()];
}

function userLabel(options: CopilotGroundTruthOptions, id: number, login: string): string {
  switch (options.userLabelMode) {
    case 'login':
      return login;
    case 'id':
      return String(id);
    case 'hashed':
      return createHmac('sha256', options.salt ?? '')
        .update(String(id))
        .digest('hex')
        .slice(0, 16);
    case 'none':
      return '';
  }
}
