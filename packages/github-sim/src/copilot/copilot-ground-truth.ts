import { createHmac } from 'node:crypto';

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

const NESTED = [
  { breakdown: 'ide', array: 'totals_by_ide', keys: ['ide'] },
  { breakdown: 'feature', array: 'totals_by_feature', keys: ['feature'] },
  { breakdown: 'language', array: 'totals_by_language_feature', keys: ['language', 'feature'] },
  { breakdown: 'model', array: 'totals_by_model_feature', keys: ['model', 'feature'] },
] as const;

export function copilotGroundTruth(
  world: CopilotWorld,
  options: CopilotGroundTruthOptions,
): CopilotExpectedSample[] {
  const days = reportDays(latestReportDay(world, options.atMs));
  const sums = new Map<string, { name: string; labels: Record<string, string>; value: number }>();
  const add = (name: string, labels: Record<string, string>, value: number): void => {
    const kept = Object.fromEntries(Object.entries(labels).filter(([, text]) => text !== ''));
    const key = `${name}${JSON.stringify(Object.entries(kept).sort())}`;
    const entry = sums.get(key);
    if (entry) entry.value += value;
    else sums.set(key, { name, labels: kept, value });
  };
  for (const record of copilotRecordsOf(world, options.scope, options.id, days)) {
    const base = {
      scope: options.scope,
      org: options.id,
      user: userLabel(options, record.user_id, record.user_login),
      day: options.emitDayLabel ? record.day : '',
    };
    for (const field of COPILOT_SIM_FIELDS) {
      add(`gh_copilot_usage_${field}`, base, Number(record[field]));
    }
    for (const nested of NESTED) {
      if (!options.breakdowns[nested.breakdown]) continue;
      const entries = record[nested.array] as Record<string, unknown>[];
      for (const entry of entries) {
        const keys = Object.fromEntries(nested.keys.map((key) => [key, String(entry[key])]));
        for (const field of COPILOT_SIM_FIELDS) {
          if (!(field in entry)) continue;
          add(
            `gh_copilot_usage_${field}_by_${nested.breakdown}`,
            { ...base, ...keys },
            Number(entry[field]),
          );
        }
      }
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
