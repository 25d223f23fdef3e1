import {
  COPILOT_BREAKDOWN_NAMES,
  COPILOT_USAGE_FIELDS,
  type CopilotBreakdown,
} from '@gse/telemetry';

import type { CopilotCounts, CopilotRecord } from './copilot-record.js';

export interface CopilotSample {
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** Samples of the Copilot families, summed per (family, labels) as records are added. */
export interface CopilotSampleSums {
  add(name: string, labels: Record<string, string>, value: number): void;
  /**
   * A report line's seven counts into `gh_copilot_usage_<count>` (a count GitHub left out
   * adds 0, so every line has its totals), and the entries of each breakdown switched on into
   * `…_by_<breakdown>` with the entry's keys as labels (only the counts an entry carries).
   */
  addUsage(
    base: Record<string, string>,
    counts: CopilotCounts,
    breakdowns: CopilotRecord['breakdowns'],
    enabled: Readonly<Record<CopilotBreakdown, boolean>>,
  ): void;
  /** Family name → its samples. */
  samples(): Map<string, CopilotSample[]>;
}

export function createCopilotSampleSums(): CopilotSampleSums {
  const sums = new Map<string, Map<string, { labels: Record<string, string>; value: number }>>();
  const add: CopilotSampleSums['add'] = (name, labels, value) => {
    let series = sums.get(name);
    if (!series) {
      series = new Map();
      sums.set(name, series);
    }
    const key = JSON.stringify(labels);
    const entry = series.get(key);
    if (entry) entry.value += value;
    else series.set(key, { labels, value });
  };
  const addCounts = (
    suffix: string,
    labels: Record<string, string>,
    counts: CopilotCounts,
    missingAsZero: boolean,
  ): void => {
    for (const field of COPILOT_USAGE_FIELDS) {
      const value = counts[field];
      if (value === undefined && !missingAsZero) continue;
      add(`gh_copilot_usage_${field}${suffix}`, labels, value ?? 0);
    }
  };
  return {
    add,
    addUsage(base, counts, breakdowns, enabled) {
      addCounts('', base, counts, true);
      for (const breakdown of COPILOT_BREAKDOWN_NAMES) {
        if (!enabled[breakdown]) continue;
        for (const entry of breakdowns[breakdown]) {
          addCounts(`_by_${breakdown}`, { ...base, ...entry.keys }, entry.counts, false);
        }
      }
    },
    samples: () => new Map([...sums].map(([name, series]) => [name, [...series.values()]])),
  };
}
