import { createHash } from 'node:crypto';

import { DAY_MS } from '../dataset/sim-time.js';

import {
  COPILOT_SIM_FIELDS,
  copilotRecordsOf,
  parseCopilotDay,
  reportDays,
  type CopilotUserRecord,
  type CopilotWorld,
} from './copilot-world.js';

/** The nested breakdown arrays of a report line and the keys their entries are merged by. */
export const COPILOT_SIM_BREAKDOWNS = [
  { breakdown: 'ide', array: 'totals_by_ide', keys: ['ide'] },
  { breakdown: 'feature', array: 'totals_by_feature', keys: ['feature'] },
  { breakdown: 'language', array: 'totals_by_language_feature', keys: ['language', 'feature'] },
  { breakdown: 'model', array: 'totals_by_model_feature', keys: ['model', 'feature'] },
] as const;

/** The pull-request counts of `day_totals[].pull_requests` GitHub documents. */
export const COPILOT_SIM_PULL_REQUEST_FIELDS = [
  'total_created',
  'total_reviewed',
  'total_merged',
  'total_suggestions',
  'total_applied_suggestions',
  'total_created_by_copilot',
  'total_reviewed_by_copilot',
  'total_merged_created_by_copilot',
  'total_merged_reviewed_by_copilot',
  'total_copilot_suggestions',
  'total_copilot_applied_suggestions',
] as const;

/** One entry of `day_totals` of an aggregate report line, shaped as GitHub documents it. */
export type CopilotDayTotalsRecord = Record<string, unknown> & { readonly day: string };

const number = (seed: readonly (string | number)[], index: number): number =>
  createHash('sha256')
    .update(`${seed.join('\n')}\n${index}`)
    .digest()
    .readUInt32BE(0);

function mergeEntries(
  records: readonly CopilotUserRecord[],
  array: string,
  keys: readonly string[],
): Record<string, unknown>[] {
  const merged = new Map<string, Record<string, unknown>>();
  for (const record of records) {
    for (const entry of record[array] as Record<string, unknown>[]) {
      const id = JSON.stringify(keys.map((key) => entry[key]));
      const into = merged.get(id) ?? Object.fromEntries(keys.map((key) => [key, entry[key]]));
      for (const field of COPILOT_SIM_FIELDS) {
        if (field in entry) into[field] = Number(into[field] ?? 0) + Number(entry[field]);
      }
      merged.set(id, into);
    }
  }
  return [...merged.values()];
}

/**
 * The scope's `day_totals` entry of `day`: the users report's records of the day summed
 * (counts, nested breakdowns merged by key), active users counted from the records (a day,
 * the 7 and the 28 days ending on it; chat and agent users from `used_chat`/`used_agent`; no
 * `daily_active_cli_users`: nobody uses the CLI here, and GitHub then omits it), and
 * pull-request activity and Copilot code review users from a hash of (seed, scope, day),
 * consistent with each other (merged ≤ created, applied ≤ suggested, …).
 */
export function copilotDayTotalsOf(
  world: CopilotWorld,
  scope: 'org' | 'enterprise',
  id: string,
  day: string,
  recordsOfDays: (days: readonly string[]) => readonly CopilotUserRecord[] = (days) =>
    copilotRecordsOf(world, scope, id, days),
): CopilotDayTotalsRecord {
  const month = recordsOfDays(reportDays(day, 28));
  const week = month.filter((record) => record.day >= (reportDays(day, 7)[0] ?? day));
  const today = month.filter((record) => record.day === day);
  const distinct = (records: readonly CopilotUserRecord[]): number =>
    new Set(records.map((record) => record.user_id)).size;
  const counts = Object.fromEntries(
    COPILOT_SIM_FIELDS.map((field) => [
      field,
      today.reduce((sum, record) => sum + Number(record[field]), 0),
    ]),
  );
  const seed = [world.seed, scope, id, day, 'pull_requests'];
  const pick = (index: number, below: number): number => number(seed, index) % (below + 1);
  const created = pick(0, 12);
  const reviewed = pick(1, 10);
  const merged = pick(2, created);
  const suggestions = pick(3, 20);
  const copilotSuggestions = pick(4, suggestions);
  const applied = pick(5, suggestions);
  const createdByCopilot = pick(6, created);
  const reviewedByCopilot = pick(7, reviewed);
  const dailyReview = pick(8, 4);
  const weeklyReview = dailyReview + pick(9, 4);
  const dailyPassive = pick(10, 3);
  const weeklyPassive = dailyPassive + pick(11, 3);
  return {
    day,
    ...counts,
    daily_active_users: distinct(today),
    weekly_active_users: distinct(week),
    monthly_active_users: distinct(month),
    monthly_active_chat_users: distinct(month.filter((record) => record.used_chat === true)),
    monthly_active_agent_users: distinct(month.filter((record) => record.used_agent === true)),
    daily_active_copilot_code_review_users: dailyReview,
    weekly_active_copilot_code_review_users: weeklyReview,
    monthly_active_copilot_code_review_users: weeklyReview + pick(12, 4),
    daily_passive_copilot_code_review_users: dailyPassive,
    weekly_passive_copilot_code_review_users: weeklyPassive,
    monthly_passive_copilot_code_review_users: weeklyPassive + pick(13, 3),
    pull_requests: {
      total_created: created,
      total_reviewed: reviewed,
      total_merged: merged,
      total_suggestions: suggestions,
      total_applied_suggestions: applied,
      total_created_by_copilot: createdByCopilot,
      total_reviewed_by_copilot: reviewedByCopilot,
      total_merged_created_by_copilot: pick(14, Math.min(merged, createdByCopilot)),
      total_merged_reviewed_by_copilot: pick(15, Math.min(merged, reviewedByCopilot)),
      total_copilot_suggestions: copilotSuggestions,
      total_copilot_applied_suggestions: pick(16, Math.min(applied, copilotSuggestions)),
      ...(merged > 0 ? { median_minutes_to_merge: 30 + pick(17, 600) } : {}),
      copilot_suggestions_by_comment_type: [
        {
          comment_type: 'bug_risk',
          total_copilot_suggestions: copilotSuggestions,
          total_copilot_applied_suggestions: 0,
        },
      ],
    },
    ...Object.fromEntries(
      COPILOT_SIM_BREAKDOWNS.map(({ array, keys }) => [array, mergeEntries(today, array, keys)]),
    ),
    totals_by_language_model: [],
    user_initiated_interaction_count: counts['user_initiated_interaction_count'],
  };
}

/** The `day_totals` of a scope's aggregate report over `days`, oldest first. */
export function copilotDayTotalsOfDays(
  world: CopilotWorld,
  scope: 'org' | 'enterprise',
  id: string,
  days: readonly string[],
): CopilotDayTotalsRecord[] {
  const firstMs = days[0] === undefined ? undefined : parseCopilotDay(days[0]);
  const last = days.at(-1);
  const lastMs = last === undefined ? undefined : parseCopilotDay(last);
  if (firstMs === undefined || last === undefined || lastMs === undefined) return [];
  // Every record the days need (each looks 28 days back), read once.
  const span = reportDays(last, Math.round((lastMs - firstMs) / DAY_MS) + 28);
  const records = copilotRecordsOf(world, scope, id, span);
  const recordsOfDays = (wanted: readonly string[]): CopilotUserRecord[] => {
    const set = new Set(wanted);
    return records.filter((record) => set.has(record.day));
  };
  return days.map((day) => copilotDayTotalsOf(world, scope, id, day, recordsOfDays));
}

/**
 * The lines of one file of an aggregate report: GitHub's example has one line per scope with
 * every day in `day_totals`; split over `parts` files, part `part` carries the days whose
 * index modulo `parts` is `part` (a file without days is empty).
 */
export function copilotAggregateLinesOf(
  world: CopilotWorld,
  report: { scope: 'org' | 'enterprise'; id: string; days: readonly string[] },
  part: number,
  parts: number,
): string[] {
  const days = report.days.filter((_, index) => index % parts === part);
  if (days.length === 0) return [];
  const idField =
    report.scope === 'org'
      ? { organization_id: report.id }
      : { enterprise_id: String(world.enterprise?.id ?? report.id) };
  return [
    JSON.stringify({
      day_totals: copilotDayTotalsOfDays(world, report.scope, report.id, days),
      ...idField,
      report_start_day: report.days[0],
      report_end_day: report.days.at(-1),
      etl_id: 'sim',
    }),
  ];
}
