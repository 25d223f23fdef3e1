import type { UserActivity } from './user-activity.js';

/** One business metric of DESIGN.md §5: every exposition, doc and test derives from this. */
export interface ActivityMetric {
  readonly name: string;
  readonly field: keyof UserActivity;
  readonly help: string;
  /** OpenMetrics UNIT, where one applies. */
  readonly unit?: 'seconds' | 'lines';
}

/** Labels of every business series, in exposition order. */
export const ACTIVITY_LABELS = ['org', 'repo', 'user'] as const;

/** The eight business gauges, in exposition order. */
export const ACTIVITY_METRICS: readonly ActivityMetric[] = [
  {
    name: 'gh_activity_commits_24h',
    field: 'commits24h',
    help: 'Commits on the default branch with a committer date in the 24 h before the last scrape, by author.',
  },
  {
    name: 'gh_activity_prs_opened_24h',
    field: 'prsOpened24h',
    help: 'Pull requests created in the 24 h before the last scrape (drafts included), by author.',
  },
  {
    name: 'gh_activity_prs_merged_24h',
    field: 'prsMerged24h',
    help: 'Pull requests merged in the 24 h before the last scrape, by PR author (not the merger).',
  },
  {
    name: 'gh_activity_reviews_submitted_24h',
    field: 'reviewsSubmitted24h',
    help: 'Pull request reviews submitted in the 24 h before the last scrape (never pending), by reviewer.',
  },
  {
    name: 'gh_activity_issue_comments_24h',
    field: 'issueComments24h',
    help: 'Issue and pull request conversation comments created in the 24 h before the last scrape, by commenter.',
  },
  {
    name: 'gh_activity_loc_added_weekly',
    field: 'locAddedWeekly',
    help: 'Lines added in the last complete week (Sunday 00:00 UTC to Sunday), by contributor.',
    unit: 'lines',
  },
  {
    name: 'gh_activity_loc_removed_weekly',
    field: 'locRemovedWeekly',
    help: 'Lines removed in the last complete week (Sunday 00:00 UTC to Sunday), by contributor.',
    unit: 'lines',
  },
  {
    name: 'gh_activity_last_event_unixtime',
    field: 'lastEventUnixtime',
    help: "Unix time of the user's latest event in the repo within retention.",
  },
];
