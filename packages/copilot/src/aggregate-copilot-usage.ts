import type { CopilotBreakdown } from '@gse/telemetry';

import type { CopilotRecord } from './copilot-record.js';
import { createCopilotSampleSums, type CopilotSample } from './copilot-sample-sums.js';
import { toCopilotUserLabel, type CopilotUserLabelMode } from './copilot-user-label.js';

export type CopilotScope = 'org' | 'enterprise';

/** How records become samples (`copilot.*`). */
export interface CopilotUsageOptions {
  /** Which breakdown families get samples; the others are emptied. */
  readonly breakdowns: Readonly<Record<CopilotBreakdown, boolean>>;
  /** One sample per user per day (`day` label) instead of the sum over the window. */
  readonly emitDayLabel: boolean;
  readonly userLabelMode: CopilotUserLabelMode;
  /** Key of the `hashed` mode's HMAC. Secret. */
  readonly userLabelSalt: string;
  /** Records kept per report, in (day, user id) order; 0: all. */
  readonly maxRecordsPerReport: number;
  /** Users kept per report, lowest user ids first; 0: all. */
  readonly maxUsersPerReport: number;
}

export interface CopilotUsage {
  /** Metric name → its samples for the scope (a family without samples may be absent). */
  readonly samples: ReadonlyMap<string, readonly CopilotSample[]>;
  /** Records left out by `maxRecordsPerReport`. */
  readonly droppedRecords: number;
  /** Users left out by `maxUsersPerReport` (each with all their records). */
  readonly droppedUsers: number;
}

/**
 * The `gh_copilot_usage_*` samples of one scope from its users-report records over a window.
 * GitHub sends one record per user per day, so a user's value is the sum of their records
 * (the Go exporter kept whichever day came last), or with `emitDayLabel` one sample per day.
 * Breakdowns are summed from the records' nested arrays, per entry keys. Totals exist for
 * every user with a record (a count GitHub left out adds 0); a breakdown family gets a
 * sample only for the counts its entries carry.
 */
export function toCopilotUsage(
  scope: CopilotScope,
  id: string,
  records: readonly CopilotRecord[],
  options: CopilotUsageOptions,
): CopilotUsage {
  const { kept, droppedRecords, droppedUsers } = applyCaps(records, options);
  const sums = createCopilotSampleSums();
  for (const record of kept) {
    const base = {
      scope,
      org: id,
      user: toCopilotUserLabel(options.userLabelMode, record, options.userLabelSalt),
      day: options.emitDayLabel ? record.day : '',
    };
    sums.addUsage(base, record.counts, record.breakdowns, options.breakdowns);
  }
  return { samples: sums.samples(), droppedRecords, droppedUsers };
}

function applyCaps(
  records: readonly CopilotRecord[],
  options: CopilotUsageOptions,
): { kept: CopilotRecord[]; droppedRecords: number; droppedUsers: number } {
  // Sorted first, so what a cap keeps does not depend on the order of GitHub's files.
  let kept = [...records].sort((a, b) =>
    a.day === b.day ? a.userId - b.userId : a.day < b.day ? -1 : 1,
  );
  let droppedUsers = 0;
  if (options.maxUsersPerReport > 0) {
    const users = [...new Set(kept.map((record) => record.userId))].sort((a, b) => a - b);
    const allowed = new Set(users.slice(0, options.maxUsersPerReport));
    droppedUsers = users.length - allowed.size;
    kept = kept.filter((record) => allowed.has(record.userId));
  }
  let droppedRecords = 0;
  if (options.maxRecordsPerReport > 0 && kept.length > options.maxRecordsPerReport) {
    droppedRecords = kept.length - options.maxRecordsPerReport;
    kept = kept.slice(0, options.maxRecordsPerReport);
  }
  return { kept, droppedRecords, droppedUsers };
}
