import { describe, expect, it } from 'vitest';

import { planOrgCost, type OrgProbe, type PlanConfig } from '@gse/scrape';
import { DEFAULT_PLAN_CONFIG, TEN_THOUSAND_REPO_ORG } from '@gse/scrape/testing';

import { formatSeconds, renderPlan } from './plan-report.js';

const CONFIG: PlanConfig = { ...DEFAULT_PLAN_CONFIG, scrapeIntervalMs: 60_000 };

const PROBE: OrgProbe = {
  activity: TEN_THOUSAND_REPO_ORG,
  limits: { restPerHour: 5_000, graphqlPointsPerHour: 5_000 },
  reposVisible: 10_400,
  requests: 2,
  graphqlPoints: 1,
};

describe('renderPlan', () => {
  it('prints each phase, the verdict with a suggested interval, and the PLAN line', () => {
    const plan = planOrgCost(PROBE.activity, CONFIG, PROBE.limits);
    expect(
      renderPlan({ org: 'acme', probe: PROBE, config: CONFIG, plan, allowlist: ['*'] }),
    ).toEqual([
      'org acme: 10000 repos to scrape (10400 visible, archived included); 1000 pushed to in 24h, 3000 in 30d; 300 PRs and 200 issues updated in 24h, 6000 PRs in 30d',
      'budgets: REST 5000/h and 800 points/min, GraphQL 5000 points/h and 1800 points/min; history leaves 25% of each minute and 25% of each hour to the schedule',
      'first view (24h gauges exact): 15300 REST requests, 100 GraphQL request(s) (200 points) at scheduled priority; at least 3h 1m, bound by REST requests per hour',
      'history (the rest of 30d, backfill-worker): 15000 REST requests at background priority; at least 6h 40s, bound by REST requests per hour',
      'steady state at scrape_interval 1m: 1117 REST requests/h (500 of them comment reconciles), 6000 GraphQL queries/h (12000 points/h), plus one login check an hour per contributor (github.login_check_interval; the probe cannot count them): overruns GraphQL points per hour; suggested scrape_interval: 5m',
      'PLAN org=acme repos=10000 first-view-requests=15400 first-view-seconds=10868 history-requests=15000 history-seconds=21640 steady-requests-per-hour=7117 fits=no suggested-interval=5m',
    ]);
  });

  it('notes an allowlist, since the probe counts the whole org', () => {
    const plan = planOrgCost(PROBE.activity, CONFIG, PROBE.limits);
    expect(
      renderPlan({ org: 'acme', probe: PROBE, config: CONFIG, plan, allowlist: ['a', 'b'] })[1],
    ).toBe('note: repo_allowlist names 2 repos; the plan counts the whole org');
  });
});

describe('formatSeconds', () => {
  it('shows the two largest units', () => {
    expect([0, 42, 3_600, 36_173, 90_061].map(formatSeconds)).toEqual([
      '0s',
      '42s',
      '1h',
      '10h 2m',
      '1d 1h',
    ]);
  });
});
