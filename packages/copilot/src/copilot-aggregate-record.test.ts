import { describe, expect, it } from 'vitest';

import { toCopilotAggregateLine } from './copilot-aggregate-record.js';
import { parseCopilotNdjson } from './copilot-record.js';

/** A line shaped as GitHub's enterprise-level example schema (one line, every day nested). */
const line = {
  day_totals: [
    {
      day: '2026-11-20',
      enterprise_id: '1',
      code_generation_activity_count: 2,
      loc_added_sum: 30,
      daily_active_users: 2,
      weekly_active_users: 3,
      monthly_active_users: 4,
      daily_active_copilot_code_review_users: 1,
      pull_requests: {
        total_created: 2,
        total_merged: 1,
        median_minutes_to_merge: 2.5,
        copilot_suggestions_by_comment_type: [{ comment_type: 'security' }],
      },
      totals_by_ide: [{ ide: 'vscode', loc_added_sum: 30 }],
      totals_by_language_model: [],
      totals_by_cli: { prompt_count: 3 },
    },
    { day: '2026-11-21', daily_active_users: 0 },
  ],
  enterprise_id: '1',
  report_start_day: '2026-10-25',
  report_end_day: '2026-11-21',
  etl_id: 'green',
};

describe('toCopilotAggregateLine', () => {
  it('reads every day of day_totals: counts, breakdowns, active users, pull requests', () => {
    expect(toCopilotAggregateLine(line)).toEqual([
      {
        day: '2026-11-20',
        counts: { code_generation_activity_count: 2, loc_added_sum: 30 },
        breakdowns: {
          ide: [{ keys: { ide: 'vscode' }, counts: { loc_added_sum: 30 } }],
          feature: [],
          language: [],
          model: [],
        },
        activeUsers: {
          daily_active_users: 2,
          weekly_active_users: 3,
          monthly_active_users: 4,
          daily_active_copilot_code_review_users: 1,
        },
        pullRequests: { total_created: 2, total_merged: 1 },
      },
      {
        day: '2026-11-21',
        counts: {},
        breakdowns: { ide: [], feature: [], language: [], model: [] },
        activeUsers: { daily_active_users: 0 },
        pullRequests: {},
      },
    ]);
  });

  it.each([
    ['no day_totals', { report_end_day: '2026-11-21' }],
    ['day_totals not a list', { day_totals: { day: '2026-11-20' } }],
    ['an entry without a day', { day_totals: [{ loc_added_sum: 1 }] }],
    ['a negative count', { day_totals: [{ day: '2026-11-20', loc_added_sum: -1 }] }],
    ['a bad active-user count', { day_totals: [{ day: '2026-11-20', daily_active_users: '2' }] }],
    ['pull_requests not an object', { day_totals: [{ day: '2026-11-20', pull_requests: [] }] }],
    [
      'a bad pull-request count',
      { day_totals: [{ day: '2026-11-20', pull_requests: { total_created: 'x' } }] },
    ],
    [
      'a breakdown entry without its key',
      { day_totals: [{ day: '2026-11-20', totals_by_ide: [{}] }] },
    ],
  ])('refuses a line with %s', (_, value) => {
    expect(toCopilotAggregateLine(value)).toBeUndefined();
  });

  it('takes the days of every line of a file and counts the bad lines', () => {
    const text = `${JSON.stringify(line)}\nnot json\n\n${JSON.stringify({ day_totals: [] })}\n{}\n`;
    const parsed = parseCopilotNdjson(text, toCopilotAggregateLine);
    expect(parsed.records.map((totals) => totals.day)).toEqual(['2026-11-20', '2026-11-21']);
    expect(parsed.invalid).toBe(2);
  });
});
