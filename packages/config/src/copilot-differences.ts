/**
 * Where `copilot.*` behaves unlike the Go exporter (issue 13), listed in the generated docs.
 * The metric side (names, labels) is listed with the metric catalog in `@gse/telemetry`.
 */
export const COPILOT_DIFFERENCES: readonly string[] = [
  "Only GitHub's **users reports** are read (`users-28-day/latest`, `users-1-day`): `include_org_users_28d` reads each org's, `enterprise.enabled` with `include_enterprise_users_28d` the enterprise's. `include_org_28d`, `include_enterprise_28d` and `include_pull_request_activity` (aggregate reports) are accepted and ignored.",
  "A user's series is the sum of their daily records over the report's 28 days (the Go exporter kept whichever day came last); `emit_day_label: true` gives one series per user per day instead.",
  'Every download link of a report is read (the Go exporter read the first), without the GitHub token (it sent it to the storage host) and without the GitHub retry policy, each with `download_timeout`; an expired link asks for the report again.',
  '1-day reports are asked for with `day=` (the Go exporter sent `date=`), and a backfill never asks for a day inside the ~2-day report lag.',
  'A failed report becomes a backfill of its days on RabbitMQ for orgs and the enterprise alike; the enterprise is read with its own App (the Go exporter looked its slug up as an org, so its backfills always failed).',
  "`user_label_mode: hashed` is HMAC-SHA256 of the user id keyed with `user_label_salt` (required, 16+ characters); the Go exporter's unsalted sha256 of the login is reversible by anyone with a list of logins.",
  '`request_timeout` is `github.request_timeout` here; `refresh_if_report_unchanged` is ignored (every read stores its days).',
];
