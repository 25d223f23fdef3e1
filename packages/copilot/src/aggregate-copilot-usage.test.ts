import { createHmac } from 'node:crypto';

import { describe, expect, it } from 'vitest';

import { toCopilotUsage, type CopilotUsageOptions } from './aggregate-copilot-usage.js';
import type { CopilotRecord } from './copilot-record.js';

const OFF = { ide: false, feature: false, language: false, model: false };
const options: CopilotUsageOptions = {
  breakdowns: OFF,
  emitDayLabel: false,
  userLabelMode: 'login',
  userLabelSalt: '',
  maxRecordsPerReport: 0,
  maxUsersPerReport: 0,
};

function record(userId: number, login: string, day: string, added: number): CopilotRecord {
  return {
    userId,
    login,
    day,
    counts: { loc_added_sum: added },
    breakdowns: {
      ide: [
        {
          keys: { ide: day === '2026-11-01' ? 'vscode' : 'neovim' },
          counts: { loc_added_sum: added },
        },
      ],
      feature: [],
      language: [],
      model: [],
    },
  };
}

const records = [
  record(2, 'bob', '2026-11-02', 5),
  record(1, 'ann', '2026-11-01', 3),
  record(1, 'ann', '2026-11-02', 4),
];
const samplesOf = (usage: ReturnType<typeof toCopilotUsage>, name: string) =>
  usage.samples.get(name) ?? [];

describe('toCopilotUsage', () => {
  it('sums one record per user per day over the window', () => {
    const usage = toCopilotUsage('org', 'acme', records, options);
    expect(samplesOf(usage, 'gh_copilot_usage_loc_added_sum')).toEqual([
      { labels: { scope: 'org', org: 'acme', user: 'ann', day: '' }, value: 7 },
      { labels: { scope: 'org', org: 'acme', user: 'bob', day: '' }, value: 5 },
    ]);
    // A count GitHub left out reads 0 in the total; breakdowns that are off stay empty.
    expect(samplesOf(usage, 'gh_copilot_usage_loc_deleted_sum')).toHaveLength(2);
    expect(samplesOf(usage, 'gh_copilot_usage_loc_added_sum_by_ide')).toEqual([]);
  });

  it('gives one sample per day with emitDayLabel, and breakdowns from the nested arrays', () => {
    const usage = toCopilotUsage('enterprise', 'corp', records, {
      ...options,
      emitDayLabel: true,
      breakdowns: { ...OFF, ide: true },
    });
    expect(samplesOf(usage, 'gh_copilot_usage_loc_added_sum')).toHaveLength(3);
    expect(samplesOf(usage, 'gh_copilot_usage_loc_added_sum_by_ide')).toContainEqual({
      labels: { scope: 'enterprise', org: 'corp', user: 'ann', day: '2026-11-01', ide: 'vscode' },
      value: 3,
    });
    // Only counts an entry carries get a breakdown sample.
    expect(samplesOf(usage, 'gh_copilot_usage_loc_deleted_sum_by_ide')).toEqual([]);
  });

  it.each([
    ['id', '1'],
    ['hashed', createHmac('sha256', 's3cret').update('1').digest('hex').slice(0, 16)],
  ] as const)('labels users by %s', (mode, ann) => {
    const usage = toCopilotUsage('org', 'acme', records, {
      ...options,
      userLabelMode: mode,
      userLabelSalt: 's3cret',
    });
    expect(samplesOf(usage, 'gh_copilot_usage_loc_added_sum')[0]?.labels['user']).toBe(ann);
  });

  it('sums over users with user_label_mode none', () => {
    const usage = toCopilotUsage('org', 'acme', records, { ...options, userLabelMode: 'none' });
    expect(samplesOf(usage, 'gh_copilot_usage_loc_added_sum')).toEqual([
      { labels: { scope: 'org', org: 'acme', user: '', day: '' }, value: 12 },
    ]);
  });

  it('counts what the caps drop, keeping the lowest user ids and the oldest records', () => {
    const byUsers = toCopilotUsage('org', 'acme', records, { ...options, maxUsersPerReport: 1 });
    expect(byUsers.droppedUsers).toBe(1);
    expect(byUsers.droppedRecords).toBe(0);
    expect(
      samplesOf(byUsers, 'gh_copilot_usage_loc_added_sum').map((s) => s.labels['user']),
    ).toEqual(['ann']);

    const byRecords = toCopilotUsage('org', 'acme', records, {
      ...options,
      maxRecordsPerReport: 2,
    });
    expect(byRecords.droppedRecords).toBe(1);
    expect(samplesOf(byRecords, 'gh_copilot_usage_loc_added_sum')).toEqual([
      { labels: { scope: 'org', org: 'acme', user: 'ann', day: '' }, value: 7 },
    ]);

    const under = toCopilotUsage('org', 'acme', records, {
      ...options,
      maxRecordsPerReport: 3,
      maxUsersPerReport: 2,
    });
    expect([under.droppedRecords, under.droppedUsers]).toEqual([0, 0]);
  });
});
