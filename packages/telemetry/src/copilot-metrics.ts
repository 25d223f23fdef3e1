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

const SCOPE_HELP = 'over the 28 days of the latest users report (per day with a day label)';

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

/** Where the Copilot families differ from the Go exporter's, listed in docs/metrics.md. */
export const COPILOT_METRIC_DIFFERENCES: readonly string[] = [
  'Names kept: `gh_copilot_usage_<count>` for the seven counts of a users-report line; labels `scope` (`org`, `enterprise`), `org`, `user`, and `day` only with `copilot.emit_day_label`.',
  'A breakdown is a family of its own, `gh_copilot_usage_<count>_by_{ide,feature,language,model}`, read from the nested arrays where GitHub puts them (the Go exporter added `ide`/`feature`/`language`/`model` labels to the total family, which never got values and would have summed twice).',
  'Values are sums over the report\'s 28 days per user (the Go exporter kept the last day); no `window` label (always the latest 28-day report) and no `repo="*"` label (Copilot has no repo).',
  'For `scope="enterprise"`, `org` holds the enterprise slug. An empty label (`user` with `user_label_mode: none`, `day` when off) is left out.',
  'The `gh_copilot_usage_pull_requests_*` families of the Go exporter came from aggregate reports, which are not read here.',
  "`gh_exporter_copilot_*` carry `org` (the Go exporter's had only `scope`, so orgs overwrote each other).",
];
