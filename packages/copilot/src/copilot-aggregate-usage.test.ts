import { describe, expect, it } from 'vitest';

import type { CopilotDayTotals } from './copilot-aggregate-record.js';
import {
  toCopilotAggregateUsage,
  type CopilotAggregateOptions,
} from './copilot-aggregate-usage.js';

const NO_BREAKDOWNS = { ide: false, feature: false, language: false, model: false };

const day = (
  name: string,
  values: { loc: number; daily: number; monthly: number; created: number; reviewUsers: number },
): CopilotDayTotals => ({
  day: name,
  counts: { loc_added_sum: values.loc },
  breakdowns: {
    ide: [{ keys: { ide: 'vscode' }, counts: { loc_added_sum: values.loc } }],
    feature: [],
    language: [],
    model: [],
  },
  activeUsers: {
    daily_active_users: values.daily,
    monthly_active_users: values.monthly,
    daily_active_copilot_code_review_users: values.reviewUsers,
  },
  pullRequests: { total_created: values.created },
});

// Given out of order: the last day is the newest, not the last listed.
const DAYS = [
  day('2026-11-21', { loc: 5, daily: 3, monthly: 9, created: 2, reviewUsers: 1 }),
  day('2026-11-20', { loc: 7, daily: 4, monthly: 8, created: 1, reviewUsers: 2 }),
];

const usage = (options: Partial<CopilotAggregateOptions>) =>
  toCopilotAggregateUsage('org', 'acme', DAYS, {
    breakdowns: NO_BREAKDOWNS,
    emitDayLabel: false,
    pullRequests: true,
    ...options,
  });

const ORG = { scope: 'org', org: 'acme' };

describe('toCopilotAggregateUsage', () => {
  it('sums counts and pull requests over the days, takes active users from the last day', () => {
    const samples = usage({});
    expect(samples.get('gh_copilot_usage_loc_added_sum')).toEqual([
      { labels: { ...ORG, user: 'all', day: '' }, value: 12 },
    ]);
    expect(samples.get('gh_copilot_usage_code_generation_activity_count')).toEqual([
      { labels: { ...ORG, user: 'all', day: '' }, value: 0 },
    ]);
    expect(samples.get('gh_copilot_usage_pull_requests_total_created')).toEqual([
      { labels: { ...ORG, day: '' }, value: 3 },
    ]);
    expect(samples.get('gh_copilot_usage_daily_active_users')).toEqual([
      { labels: { ...ORG, day: '' }, value: 3 },
    ]);
    expect(samples.get('gh_copilot_usage_monthly_active_users')).toEqual([
      { labels: { ...ORG, day: '' }, value: 9 },
    ]);
    expect(samples.get('gh_copilot_usage_daily_active_copilot_code_review_users')).toEqual([
      { labels: { ...ORG, day: '' }, value: 1 },
    ]);
    expect(samples.has('gh_copilot_usage_weekly_active_users')).toBe(false);
    expect(samples.has('gh_copilot_usage_loc_added_sum_by_ide')).toBe(false);
  });

  it('gives one sample per day with the day label, active users included', () => {
    const samples = usage({ emitDayLabel: true });
    expect(samples.get('gh_copilot_usage_daily_active_users')).toEqual([
      { labels: { ...ORG, day: '2026-11-21' }, value: 3 },
      { labels: { ...ORG, day: '2026-11-20' }, value: 4 },
    ]);
    expect(samples.get('gh_copilot_usage_loc_added_sum')).toHaveLength(2);
  });

  it('leaves out pull-request activity and code review users without include_pull_request_activity', () => {
    const samples = usage({ pullRequests: false });
    expect(samples.has('gh_copilot_usage_pull_requests_total_created')).toBe(false);
    expect(samples.has('gh_copilot_usage_daily_active_copilot_code_review_users')).toBe(false);
    expect(samples.has('gh_copilot_usage_daily_active_users')).toBe(true);
  });

  it('sums a breakdown switched on from the nested entries', () => {
    expect(
      usage({ breakdowns: { ...NO_BREAKDOWNS, ide: true } }).get(
        'gh_copilot_usage_loc_added_sum_by_ide',
      ),
    ).toEqual([{ labels: { ...ORG, user: 'all', day: '', ide: 'vscode' }, value: 12 }]);
  });
});
