/**
 * Where `copilot.*` behaves unlike the Go exporter (issue 13), listed in the generated docs.
 * The metric side (names, labels) is listed with the metric catalog in `@gse/telemetry`.
 */
export const COPILOT_DIFFERENCES: readonly string[] = [
  "Aggregate reports (`organization-28-day` with `include_org_28d`, on by default as in the Go exporter; `enterprise-28-day` with `include_enterprise_28d`) and users reports (`users-28-day`, `include_org_users_28d` / `include_enterprise_users_28d`, off by default) are read; `copilot.enabled: true` alone therefore gives each org's aggregate series. The aggregate counts are read from `day_totals[]`, where GitHub puts them (the Go exporter read them at the top level of the line, where there are none).",
  "`include_pull_request_activity` emits the eleven `pull_requests.*` counts of the aggregate reports' days (and the Copilot code review user counts) as `gh_copilot_usage_pull_requests_*`; the Go exporter looked for `pull_requests_total_*` fields GitHub does not send.",
  "A user's series is the sum of their daily records over the report's 28 days (the Go exporter kept whichever day came last); `emit_day_label: true` gives one series per user per day instead.",
  'Every download link of a report is read (the Go exporter read the first), without the GitHub token (it sent it to the storage host) and without the GitHub retry policy, each with `download_timeout`; an expired link asks for the report again.',
  '1-day reports are asked for with `day=` (the Go exporter sent `date=`), and a backfill never asks for a day inside the ~2-day report lag.',
  'A failed report becomes a backfill of its days on RabbitMQ for orgs and the enterprise alike; the enterprise is read with its own App (the Go exporter looked its slug up as an org, so its backfills always failed).',
  "`user_label_mode: hashed` is HMAC-SHA256 of the user id keyed with `user_label_salt` (required, 16+ characters); the Go exporter's unsalted sha256 of the login is reversible by anyone with a list of logins.",
  '`request_timeout` bounds each report-link request to the GitHub API (in place of `github.request_timeout`), as in the Go exporter; the files have `download_timeout`.',
  '`refresh_if_report_unchanged: false` (the default) skips downloading a latest report whose days (`report_start_day`…`report_end_day`) are already the complete stored window: its link is still asked for (1 API request) and the stored days republished. A failed or partly backfilled window is never skipped.',
];
