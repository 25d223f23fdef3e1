import { describe, expect, it } from 'vitest';

import { budgetBoundSeconds, planOrgCost, type InstallationLimits } from './org-cost-plan.js';
import {
  DEFAULT_PLAN_CONFIG as CONFIG,
  TEN_THOUSAND_REPO_ORG as TEN_THOUSAND,
} from '../../test/default-plan-config.js';

const LIMITS: InstallationLimits = { restPerHour: 5_000, graphqlPointsPerHour: 5_000 };

describe('budgetBoundSeconds', () => {
  it('spends at the minute’s rate while the hour’s budget lasts', () => {
    expect(budgetBoundSeconds(1_600, { perMinute: 800, perHour: 4_800 })).toEqual({
      seconds: 120,
      byHour: false,
    });
  });

  it('waits for each new hour once the hour’s budget is spent', () => {
    // Two full hours, then 400 at 800 a minute.
    expect(budgetBoundSeconds(10_000, { perMinute: 800, perHour: 4_800 })).toEqual({
      seconds: 7_230,
      byHour: true,
    });
  });

  it('is bound by the minute when an hour’s budget takes more than the hour to spend', () => {
    expect(budgetBoundSeconds(30_000, { perMinute: 200, perHour: 14_800 })).toEqual({
      seconds: 9_000,
      byHour: false,
    });
  });
});

describe('planOrgCost', () => {
  it('prices issue 11’s org at 5-minute cycles on a 5,000/h installation', () => {
    expect(planOrgCost(TEN_THOUSAND, CONFIG, LIMITS)).toEqual({
      // 5 requests a repo pushed to within retention (3 lists, stats 202 then 200; the other
      // 7,000 are dormant) + one review list per PR of the day; 100 RepoChanges pages of 2
      // points. Three hours of 4,800, then 900 at 800 a minute.
      firstView: {
        restRequests: 15_300,
        graphqlQueries: 100,
        graphqlPoints: 200,
        seconds: 10_868,
        boundBy: 'rest-per-hour',
      },
      // 3 windows a repo read + one review list per PR of the retention, on 3,750 − 200 − 1,117
      // an hour left to the background: six hours of 2,433, then 402 at 600 a minute.
      history: {
        restRequests: 15_000,
        graphqlQueries: 0,
        graphqlPoints: 0,
        seconds: 21_640,
        boundBy: 'rest-per-hour',
      },
      // (1,500 changed + 2,000 reread scrapes) × 3 lists + 300 reviews + 2,000 + 2,000 stats
      // = 14,800 a day; and the comment lists of the repos of the 500 threads updated in a
      // day, hourly.
      steadyState: {
        restRequestsPerHour: 617 + 500,
        commentReconcilesPerHour: 500,
        graphqlQueriesPerHour: 1_200,
        graphqlPointsPerHour: 2_400,
        overruns: [],
      },
      fits: true,
      suggestedScrapeIntervalMs: undefined,
    });
  });

  it('suggests the shortest interval that fits when GraphQL’s hour is overrun', () => {
    const plan = planOrgCost(TEN_THOUSAND, { ...CONFIG, scrapeIntervalMs: 60_000 }, LIMITS);
    expect(plan.steadyState).toMatchObject({
      graphqlPointsPerHour: 12_000,
      overruns: ['graphql-per-hour'],
    });
    expect(plan.fits).toBe(false);
    // 2 minutes: 6,000 points an hour, still over 4,800.
    expect(plan.suggestedScrapeIntervalMs).toBe(5 * 60_000);
  });

  it('suggests nothing when the quiet repos’ rereads alone overrun the hour', () => {
    const plan = planOrgCost(
      { ...TEN_THOUSAND, repos: 60_000 },
      { ...CONFIG, quietRepoRereadIntervalMs: 3_600_000 },
      LIMITS,
    );
    expect(plan.steadyState.overruns).toContain('rest-per-hour');
    expect(plan.suggestedScrapeIntervalMs).toBeUndefined();
  });

  it('reads all of retention in the first view when history is not left to backfill', () => {
    const plan = planOrgCost(TEN_THOUSAND, { ...CONFIG, historyInBackground: false }, LIMITS);
    expect(plan.firstView.restRequests).toBe(3_000 * 5 + 6_000);
    expect(plan.history).toEqual({
      restRequests: 0,
      graphqlQueries: 0,
      graphqlPoints: 0,
      seconds: 0,
      boundBy: 'none',
    });
  });

  it('reads the history of an org under history_in_background_min_repos in the first view', () => {
    const small = { ...TEN_THOUSAND, repos: 99, reposPushedRetention: 99 };
    const plan = planOrgCost(small, CONFIG, LIMITS);
    expect(plan.firstView.restRequests).toBe(99 * 5 + 6_000);
    expect(plan.history.restRequests).toBe(0);
  });

  it('lists the repos over REST and reads each one every cycle without change detection', () => {
    const plan = planOrgCost(
      { ...TEN_THOUSAND, repos: 300, reposPushedDay: 30, pullsUpdatedDay: 9, issuesUpdatedDay: 6 },
      { ...CONFIG, changeDetection: 'off' },
      LIMITS,
    );
    expect(plan.firstView).toMatchObject({ restRequests: 3 + 1_500 + 9, graphqlQueries: 0 });
    // 288 cycles a day × (3 pages + 300 × 3 lists) + 9 reviews + 60 + 270 stats, an hour.
    expect(plan.steadyState.restRequestsPerHour).toBe(Math.round((288 * 903 + 9 + 330) / 24));
    expect(plan.steadyState.overruns).toEqual(['rest-per-hour']);
  });

  it('counts an optional resource as one more list a scrape', () => {
    const plan = planOrgCost(
      TEN_THOUSAND,
      { ...CONFIG, optionalResources: ['pr_review_comments'] },
      LIMITS,
    );
    expect(plan.firstView.restRequests).toBe(3_000 * 6 + 300);
    expect(plan.history.restRequests).toBe(3_000 * 4 + 6_000);
  });
});
