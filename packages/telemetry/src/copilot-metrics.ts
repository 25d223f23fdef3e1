import { defineGauge, type GaugeDefinition } from './metric-definition.js';

/**
 * The usage counts of a line of GitHub's Copilot users report (NDJSON field names), each a
 * `gh_copilot_usage_<field>` family, named as the Go exporter named them.
 */
export const COPILOT_USAGE_FIELDS = [
  'user_initiated_interaction_count',
  'code_generation_activity_count',
  'code_acceptance_activity_count',
  'loc_suggested_to_add_sum',
  'loc_suggested_to_delete_sum',
  'loc_added_sum',
  'loc_deleted_sum',
] as const;
export type CopilotUsageField = (typeof COPILOT_USAGE_FIELDS)[number];

const FIELD_HELP: Record<CopilotUsageField, string> = {
  user_initiated_interaction_count: 'Prompts the user sent to Copilot',
  code_generation_activity_count: 'Copilot output events (completions, code blocks) generated',
  code_acceptance_activity_count: 'Copilot suggestions or code blocks accepted',
  loc_suggested_to_add_sum: 'Lines Copilot suggested to add (agent edits excluded)',
  loc_suggested_to_delete_sum: 'Lines Copilot suggested to delete',
  loc_added_sum: 'Lines added to the editor from Copilot (accepted, applied, agent edits)',
  loc_deleted_sum: 'Lines deleted from the editor by Copilot (agent edits)',
};

/**
 * The breakdowns of a users-report line: the nested array GitHub puts them in and the keys
 * of its entries, which become labels. Each is a family of its own per count
 * (`gh_copilot_usage_<field>_by_<breakdown>`), so `sum()` over a family never adds a
 * breakdown to the total it breaks down (the Go exporter mixed both in one family).
 */
export const COPILOT_BREAKDOWNS = {
  ide: { array: 'totals_by_ide', keys: ['ide'] },
  feature: { array: 'totals_by_feature', keys: ['feature'] },
  language: { array: 'totals_by_language_feature', keys: ['language', 'feature'] },
  model: { array: 'totals_by_model_feature', keys: ['model', 'feature'] },
} as const;
export type CopilotBreakdown = keyof typeof COPILOT_BREAKDOWNS;
export const COPILOT_BREAKDOWN_NAMES = Object.keys(COPILOT_BREAKDOWNS) as CopilotBreakdown[];

/**
 * Labels of every Copilot usage family: `scope` (`org`, `enterprise`), `org` (the org login,
 * or the enterprise slug), `user` (per `copilot.user_label_mode`; absent with `none`), `day`
 * (only with `copilot.emit_day_label`). An empty label is left out of the exposition.
 */
export const COPILOT_BASE_LABELS = ['scope', 'org', 'user', 'day'] as const;

/** One usage family: the count it sums, and the breakdown it is split by (none: the total). */
export interface CopilotUsageFamily {
  readonly field: CopilotUsageField;
  readonly breakdown: CopilotBreakdown | undefined;
  readonly definition: GaugeDefinition;
}

const SCOPE_HELP =
  'over the 28 days of the latest report (per day with a day label); user="all" is the scope\'s aggregate report';

/** Every `gh_copilot_usage_*` family: per count, its total then one per breakdown. */
export const COPILOT_USAGE_METRICS: readonly CopilotUsageFamily[] = COPILOT_USAGE_FIELDS.flatMap(
  (field) => [
    {
      field,
      breakdown: undefined,
      definition: defineGauge({
        name: `gh_copilot_usage_${field}`,
        help: `${FIELD_HELP[field]}, ${SCOPE_HELP}.`,
        labels: [...COPILOT_BASE_LABELS],
      }),
    },
    ...COPILOT_BREAKDOWN_NAMES.map((breakdown) => ({
      field,
      breakdown,
      definition: defineGauge({
        name: `gh_copilot_usage_${field}_by_${breakdown}`,
        help: `${FIELD_HELP[field]}, by ${COPILOT_BREAKDOWNS[breakdown].keys.join(' and ')} (GitHub's ${COPILOT_BREAKDOWNS[breakdown].array}), ${SCOPE_HELP}.`,
        labels: [...COPILOT_BASE_LABELS, ...COPILOT_BREAKDOWNS[breakdown].keys],
      }),
    })),
  ],
);

/**
 * The pull-request activity of an aggregate report (`pull_requests.*` of each entry of
 * `day_totals`), each a `gh_copilot_usage_pull_requests_<field>` family summed over the days
 * (the Go exporter's four names kept). GitHub's `median_minutes_to_merge*` are left out: a
 * median of 28 daily medians is not the 28-day median.
 */
export const COPILOT_PULL_REQUEST_FIELDS = [
  'total_created',
  'total_reviewed',
  'total_merged',
  'total_suggestions',
  'total_applied_suggestions',
  'total_created_by_copilot',
  'total_reviewed_by_copilot',
  'total_merged_created_by_copilot',
  'total_merged_reviewed_by_copilot',
  'total_copilot_suggestions',
  'total_copilot_applied_suggestions',
] as const;
export type CopilotPullRequestField = (typeof COPILOT_PULL_REQUEST_FIELDS)[number];

const PULL_REQUEST_HELP: Record<CopilotPullRequestField, string> = {
  total_created: 'Pull requests created',
  total_reviewed: 'Pull requests reviewed (once per pull request per day)',
  total_merged: 'Pull requests merged',
  total_suggestions: 'Pull request review suggestions generated, any author',
  total_applied_suggestions: 'Pull request review suggestions applied, any author',
  total_created_by_copilot: 'Pull requests created by Copilot',
  total_reviewed_by_copilot: 'Pull requests reviewed by Copilot code review',
  total_merged_created_by_copilot: 'Pull requests created by Copilot and merged',
  total_merged_reviewed_by_copilot: 'Pull requests reviewed by Copilot code review and merged',
  total_copilot_suggestions: 'Pull request review suggestions generated by Copilot',
  total_copilot_applied_suggestions: 'Pull request review suggestions by Copilot that were applied',
};

/**
 * Active-user counts of an aggregate report's `day_totals` entries: distinct users over a
 * day, 7 or 28 days, so they are never summed over days; a series holds the value of the
 * window's last day (each day's with a day label). `pullRequests`: Copilot code review
 * users, emitted with `copilot.include_pull_request_activity` like the pull-request counts.
 */
export const COPILOT_ACTIVE_USER_FIELDS = {
  daily_active_users: { help: 'Users who used Copilot on the day', pullRequests: false },
  weekly_active_users: { help: 'Users who used Copilot in the 7 days', pullRequests: false },
  monthly_active_users: { help: 'Users who used Copilot in the 28 days', pullRequests: false },
  monthly_active_chat_users: {
    help: 'Users who used Copilot chat in the 28 days',
    pullRequests: false,
  },
  monthly_active_agent_users: {
    help: 'Users who used Copilot agent mode in the 28 days',
    pullRequests: false,
  },
  daily_active_cli_users: {
    help: 'Users who used the Copilot CLI on the day',
    pullRequests: false,
  },
  daily_active_copilot_code_review_users: {
    help: 'Users who actively used Copilot code review on the day',
    pullRequests: true,
  },
  daily_passive_copilot_code_review_users: {
    help: 'Users whose pull requests Copilot code review was assigned to, without engaging, on the day',
    pullRequests: true,
  },
  weekly_active_copilot_code_review_users: {
    help: 'Users who actively used Copilot code review in the 7 days',
    pullRequests: true,
  },
  weekly_passive_copilot_code_review_users: {
    help: 'Users whose pull requests Copilot code review was assigned to, without engaging, in the 7 days',
    pullRequests: true,
  },
  monthly_active_copilot_code_review_users: {
    help: 'Users who actively used Copilot code review in the 28 days',
    pullRequests: true,
  },
  monthly_passive_copilot_code_review_users: {
    help: 'Users whose pull requests Copilot code review was assigned to, without engaging, in the 28 days',
    pullRequests: true,
  },
} as const;
export type CopilotActiveUserField = keyof typeof COPILOT_ACTIVE_USER_FIELDS;
export const COPILOT_ACTIVE_USER_NAMES = Object.keys(
  COPILOT_ACTIVE_USER_FIELDS,
) as CopilotActiveUserField[];

/**
 * Labels of the aggregate-only families (pull requests, active users): `scope`, `org`, and
 * `day` only with `copilot.emit_day_label`. No `user`: they exist for the scope alone.
 */
export const COPILOT_AGGREGATE_LABELS = ['scope', 'org', 'day'] as const;

/** `gh_copilot_usage_pull_requests_<field>`: summed over the report's days. */
export const COPILOT_PULL_REQUEST_METRICS: readonly {
  readonly field: CopilotPullRequestField;
  readonly definition: GaugeDefinition;
}[] = COPILOT_PULL_REQUEST_FIELDS.map((field) => ({
  field,
  definition: defineGauge({
    name: `gh_copilot_usage_pull_requests_${field}`,
    help: `${PULL_REQUEST_HELP[field]}, over the 28 days of the latest aggregate report (per day with a day label); needs copilot.include_pull_request_activity.`,
    labels: [...COPILOT_AGGREGATE_LABELS],
  }),
}));

/** `gh_copilot_usage_<active-user count>`: the value on the window's last day. */
export const COPILOT_ACTIVE_USER_METRICS: readonly {
  readonly field: CopilotActiveUserField;
  readonly definition: GaugeDefinition;
}[] = COPILOT_ACTIVE_USER_NAMES.map((field) => ({
  field,
  definition: defineGauge({
    name: `gh_copilot_usage_${field}`,
    help: `${COPILOT_ACTIVE_USER_FIELDS[field].help}, on the last day of the latest aggregate report (each day with a day label)${COPILOT_ACTIVE_USER_FIELDS[field].pullRequests ? '; needs copilot.include_pull_request_activity' : ''}.`,
    labels: [...COPILOT_AGGREGATE_LABELS],
  }),
}));

/** Every `gh_copilot_usage_*` family, in exposition order: a scope's publication replaces each. */
export const COPILOT_METRIC_FAMILIES: readonly GaugeDefinition[] = [
  ...COPILOT_USAGE_METRICS.map((family) => family.definition),
  ...COPILOT_PULL_REQUEST_METRICS.map((family) => family.definition),
  ...COPILOT_ACTIVE_USER_METRICS.map((family) => family.definition),
];

/** Where the Copilot families differ from the Go exporter's, listed in docs/metrics.md. */
export const COPILOT_METRIC_DIFFERENCES: readonly string[] = [
  'Names kept: `gh_copilot_usage_<count>` for the seven counts of a report line; labels `scope` (`org`, `enterprise`), `org`, `user`, and `day` only with `copilot.emit_day_label`.',
  'Aggregate reports (`organization-28-day`, `enterprise-28-day`) go to the same families with `user="all"`, as in the Go exporter (which read their counts at the top level of each line, where GitHub has none: they sit in `day_totals[]`). `sum()` over a family therefore adds the aggregate to the users: select `user="all"` or `user!="all"`.',
  'A breakdown is a family of its own, `gh_copilot_usage_<count>_by_{ide,feature,language,model}`, read from the nested arrays where GitHub puts them (the Go exporter added `ide`/`feature`/`language`/`model` labels to the total family, which never got values and would have summed twice).',
  'Values are sums over the report\'s 28 days (the Go exporter kept the last day); no `window` label (always the latest 28-day report) and no `repo="*"` label (Copilot has no repo).',
  'For `scope="enterprise"`, `org` holds the enterprise slug. An empty label (`user` with `user_label_mode: none`, `day` when off) is left out.',
  '`gh_copilot_usage_pull_requests_*` (the Go exporter had `total_created`, `total_reviewed`, `total_created_by_copilot`, `total_reviewed_by_copilot`, read from top-level fields GitHub does not send) are read from `day_totals[].pull_requests`, all eleven counts GitHub documents, labelled `scope`, `org` (`day`) without `user`/`repo`; the medians are left out.',
  "New: the active-user counts of aggregate reports (`gh_copilot_usage_{daily,weekly,monthly}_active_users`, chat, agent, CLI, and Copilot code review users), the last day's value.",
  "`gh_exporter_copilot_*` carry `org` (the Go exporter's had only `scope`, so orgs overwrote each other).",
];
