import { defineCounter, defineGauge, defineHistogram } from './metric-definition.js';

/**
 * Every `gh_exporter_*` metric of the fleet (DESIGN.md §5). Names are the Go exporter's
 * where the meaning is the same, so its dashboards and alerts carry over. Counters are
 * summed in Redis over every process and restart; gauges hold the current state.
 */
export const FLEET_METRICS = {
  scrapeRuns: defineCounter({
    name: 'gh_exporter_scrape_runs_total',
    help: 'Org scrape cycles by result (success, partial, failure, skipped_unhealthy).',
    labels: ['org', 'result'],
  }),
  scrapeDuration: defineHistogram({
    name: 'gh_exporter_scrape_duration_seconds',
    help: 'Duration of org scrape cycles, from the org job start to its last repo job.',
    labels: ['org', 'result'],
    unit: 'seconds',
    buckets: [0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800],
  }),
  repoScrapes: defineCounter({
    name: 'gh_exporter_repo_scrapes_total',
    help: 'Repo scrapes by result (done, partial, failed; covered: a backfill the next scheduled scrape reads anyway) and source (schedule, backfill).',
    labels: ['org', 'source', 'result'],
  }),
  repoJobsCollapsed: defineCounter({
    name: 'gh_exporter_repo_jobs_collapsed_total',
    help: "Repos of an org cycle not queued again because their job of an earlier cycle was still pending (it reads this cycle's changes too).",
    labels: ['org'],
  }),
  orgJobsCollapsed: defineCounter({
    name: 'gh_exporter_org_jobs_collapsed_total',
    help: "Org cycles not queued because the org's cycle of an earlier slot was still pending (its repo jobs read this slot's changes too).",
    labels: ['org'],
  }),
  scrapeLag: defineGauge({
    name: 'gh_exporter_scrape_lag_seconds',
    help: "How long after its cycle's slot start the org's latest repo scrape began: grows when the repo queue falls behind.",
    labels: ['org'],
    unit: 'seconds',
  }),
  scrapeJobsLost: defineCounter({
    name: 'gh_exporter_scrape_jobs_lost_total',
    help: 'Scrape jobs BullMQ failed without running them (stalled more than bullmq.max_stalled_count times); their windows went to backfill.',
    labels: ['org', 'queue'],
  }),
  collectorSuccess: defineGauge({
    name: 'gh_exporter_scrape_collector_success',
    help: "1 when the org's latest read of the resource (a SCRAPE_CATALOG collector) succeeded, 0 when it went missing.",
    labels: ['org', 'resource'],
  }),
  collectorDuration: defineHistogram({
    name: 'gh_exporter_scrape_collector_duration_seconds',
    help: 'Duration of one collector reading one repo, by resource (a SCRAPE_CATALOG collector).',
    labels: ['org', 'resource'],
    unit: 'seconds',
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
  }),
  scrapeLastEnd: defineGauge({
    name: 'gh_exporter_scrape_last_end_unixtime',
    help: "Unix time the org's latest cycle with this result (success, partial, failure) ended.",
    labels: ['org', 'result'],
  }),
  repoLastSuccessfulScrape: defineGauge({
    name: 'gh_exporter_repo_last_successful_scrape_unixtime',
    help: 'Unix time of the last scrape of the repo that read every activity resource.',
    labels: ['org', 'repo'],
  }),
  repoResourceRefused: defineGauge({
    name: 'gh_exporter_repo_resource_refused',
    help: 'Present (1) while GitHub refuses a resource of the repo for good (github_rejected, e.g. 403: the App lacks a permission); the reason is logged and dead-lettered once, when the refusal starts. The other families of the repo keep refreshing.',
    labels: ['org', 'repo', 'resource'],
  }),
  githubRequests: defineCounter({
    name: 'gh_exporter_github_requests_total',
    help: 'GitHub API requests by endpoint template and status; counted="false" for free 304s.',
    labels: ['org', 'endpoint', 'status', 'counted'],
  }),
  githubSecondaryLimitHits: defineCounter({
    name: 'gh_exporter_github_secondary_limit_hits_total',
    help: 'Responses that reported a GitHub secondary rate limit.',
    labels: ['org'],
  }),
  githubBudgetDenied: defineCounter({
    name: 'gh_exporter_github_budget_denied_total',
    help: "Times the fleet's per-minute points budget of an installation (rate_limit.rest_points_per_minute, rate_limit.graphql_points_per_minute) refused a request, which then slept until points freed; priority background also while only the schedule's reserve was left.",
    labels: ['org', 'resource', 'priority'],
  }),
  githubBudgetWaitSeconds: defineCounter({
    name: 'gh_exporter_github_budget_wait_seconds_total',
    help: "Seconds requests waited for the fleet's per-minute points budget of their installation.",
    labels: ['org', 'resource', 'priority'],
    unit: 'seconds',
  }),
  githubRateLimitRemaining: defineGauge({
    name: 'gh_exporter_github_rate_limit_remaining',
    help: 'Requests left in the installation’s primary rate-limit window (last response seen).',
    labels: ['org', 'installation_id'],
  }),
  githubRateLimitLimit: defineGauge({
    name: 'gh_exporter_github_rate_limit_limit',
    help: 'Size of the installation’s primary rate-limit window.',
    labels: ['org', 'installation_id'],
  }),
  githubRateLimitReset: defineGauge({
    name: 'gh_exporter_github_rate_limit_reset_unixtime',
    help: 'Unix time at which the installation’s primary rate-limit window resets.',
    labels: ['org', 'installation_id'],
  }),
  githubOrgHealthy: defineGauge({
    name: 'gh_exporter_github_org_healthy',
    help: '1 while GitHub answers for the org, 0 during its cooldown.',
    labels: ['org'],
  }),
  dependencyHealth: defineGauge({
    name: 'gh_exporter_dependency_health',
    help: '1 when the dependency answers the reporting service, else 0.',
    labels: ['dependency', 'service'],
  }),
  amqpBlocked: defineGauge({
    name: 'gh_exporter_amqp_blocked',
    help: '1 while RabbitMQ blocks the service’s publishing connection (a memory or disk alarm), else 0.',
    labels: ['service'],
  }),
  queueJobs: defineGauge({
    name: 'gh_exporter_queue_jobs',
    help: 'BullMQ jobs by queue and state (waiting, active, delayed, failed).',
    labels: ['queue', 'state'],
  }),
  queueOldestJobAge: defineGauge({
    name: 'gh_exporter_queue_oldest_job_age_seconds',
    help: 'Age of the oldest waiting BullMQ job of the queue.',
    labels: ['queue'],
    unit: 'seconds',
  }),
  backfillQueueMessages: defineGauge({
    name: 'gh_exporter_backfill_queue_messages',
    help: 'Messages in a RabbitMQ backfill queue (main, each retry queue, DLQ).',
    labels: ['queue'],
  }),
  backfillQueueOldestMessageAge: defineGauge({
    name: 'gh_exporter_queue_oldest_message_age_seconds',
    help: 'Age of the oldest message of a RabbitMQ backfill queue.',
    labels: ['queue'],
    unit: 'seconds',
  }),
  backfillEnqueued: defineCounter({
    name: 'gh_exporter_backfill_jobs_enqueued_total',
    help: 'Backfill windows published to RabbitMQ.',
    labels: ['org', 'reason'],
  }),
  backfillDeduped: defineCounter({
    name: 'gh_exporter_backfill_jobs_deduped_total',
    help: 'Backfill windows not published again because an identical one was within backfill.dedup_ttl.',
    labels: ['org', 'reason'],
  }),
  backfillCapped: defineCounter({
    name: 'gh_exporter_backfill_enqueues_dropped_total',
    help: 'Backfill windows over backfill.max_enqueues_per_org_per_minute, kept in Redis for a later sweep (never lost).',
    labels: ['org', 'reason'],
  }),
  backfillProcessed: defineCounter({
    name: 'gh_exporter_backfill_jobs_processed_total',
    help: 'Backfill messages consumed, by result (processed, retried, dead_lettered).',
    labels: ['org', 'result'],
  }),
  backfillDeadLettered: defineCounter({
    name: 'gh_exporter_backfill_jobs_dead_lettered_total',
    help: 'Backfill messages moved to the dead-letter queue, by reason.',
    labels: ['org', 'reason'],
  }),
  storeWrites: defineCounter({
    name: 'gh_exporter_store_write_total',
    help: 'Ledger writes by source (scrape, backfill) and result (added, duplicate, failure).',
    labels: ['source', 'result'],
  }),
  seriesRefused: defineCounter({
    name: 'gh_exporter_store_series_refused_total',
    help: 'New series refused because store.max_series_budget was reached.',
    labels: ['org'],
  }),
  changeDetectionFallbacks: defineCounter({
    name: 'gh_exporter_change_detection_fallbacks_total',
    help: "Org cycles that listed the org over REST and read every repo, as with github.change_detection off, because GitHub could not run change detection's GraphQL query (reason: graphql_not_found, schema_unsupported); the cause is logged once per process.",
    labels: ['org', 'reason'],
  }),
  historyReposPending: defineGauge({
    name: 'gh_exporter_history_repos_pending',
    help: "Repos of the org whose history (retention back from their first read, which read only the last 24 h) the backfill worker has still to read; 0 when the org's view is complete.",
    labels: ['org'],
  }),
  series: defineGauge({
    name: 'gh_exporter_series',
    help: 'Business series (org, repo, user) in the store.',
    labels: [],
  }),
  seriesBudget: defineGauge({
    name: 'gh_exporter_series_budget',
    help: 'store.max_series_budget.',
    labels: [],
  }),
  locFallbackCommits: defineCounter({
    name: 'gh_exporter_loc_fallback_commits_total',
    help: 'Commit details read by the LOC fallback.',
    labels: ['org'],
  }),
  locFallbackIncomplete: defineGauge({
    name: 'gh_exporter_loc_fallback_incomplete',
    help: "1 while the repo's last complete LOC week is truncated because a LOC fallback budget was spent (retried when it renews), 0 once complete.",
    labels: ['org', 'repo'],
  }),
  leaderInfo: defineGauge({
    name: 'gh_exporter_leader_info',
    help: 'The scheduler holding the leader lock (1 on its series) and its fencing token.',
    labels: ['holder', 'fencing_token'],
  }),
  leaderChanges: defineCounter({
    name: 'gh_exporter_leader_changes_total',
    help: 'Leader lock acquisitions by a new holder.',
    labels: [],
  }),
  orgRepos: defineGauge({
    name: 'gh_exporter_org_repos',
    help: 'Repos of the org at its last discovery, by state (scraped, archived, disabled, not_allowed).',
    labels: ['org', 'state'],
  }),
  backfillRetried: defineCounter({
    name: 'gh_exporter_backfill_jobs_retried_total',
    help: 'Backfill messages sent up the retry ladder, by the reason the attempt failed.',
    labels: ['org', 'reason'],
  }),
  copilotReports: defineCounter({
    name: 'gh_exporter_copilot_reports_total',
    help: "Copilot reports read, by report (users_28d, users_1d, aggregate_28d, aggregate_1d) and result (done, unchanged: not downloaded again, failed); org is the org login or the enterprise slug (the Go exporter's had no org label).",
    labels: ['scope', 'org', 'report', 'result'],
  }),
  copilotDownloads: defineCounter({
    name: 'gh_exporter_copilot_report_downloads_total',
    help: 'Copilot report files downloaded from their signed links, by result (ok, expired, failed).',
    labels: ['scope', 'org', 'result'],
  }),
  copilotRecordsParsed: defineCounter({
    name: 'gh_exporter_copilot_records_parsed_total',
    help: 'Usable records read from Copilot report files.',
    labels: ['scope', 'org'],
  }),
  copilotRecordsInvalid: defineCounter({
    name: 'gh_exporter_copilot_records_invalid_total',
    help: 'Copilot report lines skipped because they were not JSON or not a valid users-report or aggregate-report record.',
    labels: ['scope', 'org'],
  }),
  copilotDropped: defineCounter({
    name: 'gh_exporter_copilot_dropped_total',
    help: 'Records (cap="records") or users (cap="users") left out of the Copilot series by copilot.max_records_per_report / max_users_per_report, counted at each publication.',
    labels: ['scope', 'org', 'cap'],
  }),
  copilotLastSuccess: defineGauge({
    name: 'gh_exporter_copilot_last_success_unixtime',
    help: "Unix time the scope's Copilot series of a report (users, aggregate) were last published from complete days.",
    labels: ['scope', 'org', 'report'],
  }),
  copilotReportEndDay: defineGauge({
    name: 'gh_exporter_copilot_report_end_day_unixtime',
    help: "00:00 UTC of the last day the scope's published Copilot series of a report (users, aggregate) cover (about two days ago while reports arrive).",
    labels: ['scope', 'org', 'report'],
  }),
} as const;
