/** Labels of every business series, in exposition order. */
export const ACTIVITY_LABELS = ['org', 'repo', 'user'] as const;

/**
 * The business families of DESIGN.md §5, declared once and keyed by their series field:
 * the field names a value in the stored series (so the store's codec, the tally and the
 * simulator's ground truth share it), the entry says how Prometheus sees it. Every
 * exposition, doc table and test derives from this, in this order.
 */
const ACTIVITY_FAMILIES = {
  commits24h: {
    name: 'gh_activity_commits_24h',
    help: 'Commits on the default branch with a committer date in the 24 h before the last scrape, by author.',
  },
  prsOpened24h: {
    name: 'gh_activity_prs_opened_24h',
    help: 'Pull requests created in the 24 h before the last scrape (drafts included), by author.',
  },
  prsMerged24h: {
    name: 'gh_activity_prs_merged_24h',
    help: 'Pull requests merged in the 24 h before the last scrape, by PR author (not the merger).',
  },
  reviewsSubmitted24h: {
    name: 'gh_activity_reviews_submitted_24h',
    help: 'Pull request reviews submitted in the 24 h before the last scrape (never pending), by reviewer.',
  },
  issueComments24h: {
    name: 'gh_activity_issue_comments_24h',
    help: 'Issue and pull request conversation comments created in the 24 h before the last scrape, by commenter.',
  },
  locAddedWeekly: {
    name: 'gh_activity_loc_added_weekly',
    help: 'Lines added in the last complete week (Sunday 00:00 UTC to Sunday), by contributor.',
    unit: 'lines',
  },
  locRemovedWeekly: {
    name: 'gh_activity_loc_removed_weekly',
    help: 'Lines removed in the last complete week (Sunday 00:00 UTC to Sunday), by contributor.',
    unit: 'lines',
  },
  prReviewComments24h: {
    name: 'gh_activity_pr_review_comments_24h',
    help: 'Pull request review comments (on the diff) created in the 24 h before the last scrape, by commenter. Off unless github.optional_resources names pr_review_comments.',
  },
  lastEventUnixtime: {
    name: 'gh_activity_last_event_unixtime',
    help: "Unix time of the user's latest event in the repo within retention.",
  },
} as const satisfies Record<string, { name: string; help: string; unit?: 'seconds' | 'lines' }>;

/** The name of one value of a business series (`commits24h`, …): a key of the catalog above. */
export type ActivityField = keyof typeof ACTIVITY_FAMILIES;

/** The values of one (org, repo, user) series, one per business family. */
export type UserActivity = Record<ActivityField, number>;

/**
 * One business family: a gauge labelled exactly {@link ACTIVITY_LABELS}, with the same shape
 * as a fleet metric definition of `@gse/telemetry`, so both render and document alike.
 */
export interface ActivityMetric {
  readonly name: string;
  /** The series field that holds its value. */
  readonly field: ActivityField;
  readonly help: string;
  readonly type: 'gauge';
  /** OpenMetrics UNIT, where one applies. */
  readonly unit?: 'seconds' | 'lines';
  readonly labels: typeof ACTIVITY_LABELS;
  /** Its place among {@link ACTIVITY_FIELDS}: where its value sits in a series' columns. */
  readonly column: number;
}

/** The business gauges, in exposition order (the catalog's). */
export const ACTIVITY_METRICS: readonly ActivityMetric[] = Object.entries(ACTIVITY_FAMILIES).map(
  ([field, family], column) => ({
    ...family,
    field: field as ActivityField,
    type: 'gauge',
    labels: ACTIVITY_LABELS,
    column,
  }),
);

/** Every series field, in exposition order. */
export const ACTIVITY_FIELDS: readonly ActivityField[] = ACTIVITY_METRICS.map(
  (metric) => metric.field,
);
