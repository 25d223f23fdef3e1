import {
  COPILOT_BREAKDOWN_NAMES,
  COPILOT_BREAKDOWNS,
  COPILOT_USAGE_FIELDS,
  type CopilotBreakdown,
  type CopilotUsageField,
} from '@gse/telemetry';

/** Counts of a record or of one breakdown entry; a count GitHub left out is absent. */
export type CopilotCounts = Partial<Record<CopilotUsageField, number>>;

/** One breakdown entry: its keys (`{ide}`, `{language, feature}`, …) and its counts. */
export interface CopilotBreakdownEntry {
  readonly keys: Readonly<Record<string, string>>;
  readonly counts: CopilotCounts;
}

/**
 * One line of a users report (docs/github-limitations.md#copilot-usage-reports): one user on
 * one day, counts at the top level, breakdowns from GitHub's nested arrays.
 */
export interface CopilotRecord {
  readonly userId: number;
  readonly login: string;
  /** `YYYY-MM-DD`. */
  readonly day: string;
  readonly counts: CopilotCounts;
  readonly breakdowns: Readonly<Record<CopilotBreakdown, readonly CopilotBreakdownEntry[]>>;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

export const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export const isCopilotDay = (value: unknown): value is string =>
  typeof value === 'string' && DAY.test(value);

const isCount = (value: unknown): value is number =>
  typeof value === 'number' && Number.isFinite(value) && value >= 0;

/**
 * The counts named by `fields` of a JSON object; a field absent or `null` is left out.
 * `undefined` when one is not a non-negative number.
 */
export function toCountsOf<F extends string>(
  source: Record<string, unknown>,
  fields: readonly F[],
): Partial<Record<F, number>> | undefined {
  const counts: Partial<Record<F, number>> = {};
  for (const field of fields) {
    const value = source[field];
    if (value === undefined || value === null) continue;
    if (!isCount(value)) return undefined;
    counts[field] = value;
  }
  return counts;
}

/**
 * The breakdown arrays of a users-report line or of an aggregate report's day entry (both
 * use GitHub's same nested arrays); `undefined` when one is not an array of entries with
 * string keys and valid counts.
 */
export function toCopilotBreakdowns(
  source: Record<string, unknown>,
): CopilotRecord['breakdowns'] | undefined {
  const breakdowns = {} as Record<CopilotBreakdown, CopilotBreakdownEntry[]>;
  for (const breakdown of COPILOT_BREAKDOWN_NAMES) {
    const { array, keys } = COPILOT_BREAKDOWNS[breakdown];
    const entries = source[array] ?? [];
    if (!Array.isArray(entries)) return undefined;
    const parsed: CopilotBreakdownEntry[] = [];
    for (const entry of entries) {
      if (!isObject(entry)) return undefined;
      const entryKeys: Record<string, string> = {};
      for (const key of keys) {
        const keyValue = entry[key];
        if (typeof keyValue !== 'string' || keyValue === '') return undefined;
        entryKeys[key] = keyValue;
      }
      const entryCounts = toCountsOf(entry, COPILOT_USAGE_FIELDS);
      if (!entryCounts) return undefined;
      parsed.push({ keys: entryKeys, counts: entryCounts });
    }
    breakdowns[breakdown] = parsed;
  }
  return breakdowns;
}

/**
 * Checks one parsed line against the users-report schema and keeps what the metrics need.
 * `undefined` when it is not a usable record: no user id or login, no day, a count that is
 * not a non-negative number, a breakdown that is not an array of entries with string keys.
 * Unknown fields are ignored (GitHub adds fields to a preview API).
 */
export function toCopilotRecord(value: unknown): CopilotRecord | undefined {
  if (!isObject(value)) return undefined;
  const { user_id: userId, user_login: login, day } = value;
  if (typeof userId !== 'number' || !Number.isSafeInteger(userId) || userId <= 0) return undefined;
  if (typeof login !== 'string' || login === '') return undefined;
  if (!isCopilotDay(day)) return undefined;
  const counts = toCountsOf(value, COPILOT_USAGE_FIELDS);
  const breakdowns = toCopilotBreakdowns(value);
  if (!counts || !breakdowns) return undefined;
  return { userId, login, day, counts, breakdowns };
}

/** A users-report line as {@link parseCopilotNdjson} takes it: one record per line. */
export function toCopilotUserLine(value: unknown): CopilotRecord[] | undefined {
  const record = toCopilotRecord(value);
  return record ? [record] : undefined;
}

/** What {@link parseCopilotNdjson} made of a file. */
export interface ParsedCopilotFile<T> {
  readonly records: T[];
  /** Lines that were not JSON or not a usable record: counted, never fatal. */
  readonly invalid: number;
}

/**
 * Every line of an NDJSON report file through `toRecords` (a line's records, `undefined` when
 * it is not usable); blank lines are skipped, bad ones counted.
 */
export function parseCopilotNdjson<T>(
  text: string,
  toRecords: (line: unknown) => readonly T[] | undefined,
): ParsedCopilotFile<T> {
  const records: T[] = [];
  let invalid = 0;
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      invalid += 1;
      continue;
    }
    const parsed = toRecords(json);
    if (parsed) records.push(...parsed);
    else invalid += 1;
  }
  return { records, invalid };
}
