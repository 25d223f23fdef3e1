/**
 * The config as written in YAML (snake_case, durations as text) after defaults are applied.
 * The convict schema is typed against it, so a key missing from the schema, or a default of
 * the wrong type, fails the type check. Nothing outside the package sees this shape.
 */
export interface RawFleetConfig {
  server: {
    listen_addr: string;
    log_level: string;
    auth: { bearer_token: string; basic_username: string; basic_password: string };
    tls: { cert_path: string; key_path: string };
  };
  metrics: { topology: string; scrape_service_dns: string };
  leader_election: {
    enabled: boolean;
    namespace: string;
    lease_name: string;
    lease_duration: string;
    renew_deadline: string;
    retry_period: string;
  };
  github: {
    api_base_url: string;
    request_timeout: string;
    unhealthy_failure_threshold: number;
    unhealthy_cooldown: string;
    exclude_bots: boolean;
    optional_resources: string[];
    comment_reconcile_interval: string;
    change_detection: string;
    quiet_repo_reread_interval: string;
    login_check_interval: string;
    orgs: RawOrg[];
  };
  rate_limit: {
    min_remaining_threshold: number;
    min_reset_buffer: string;
    secondary_limit_backoff: string;
    max_concurrent_requests_per_installation: number;
    rest_points_per_minute: number;
    graphql_points_per_minute: number;
    scheduled_points_reserve: number;
  };
  retry: { max_attempts: number; initial_backoff: string; max_backoff: string; jitter: boolean };
  loc: {
    source: string;
    refresh_interval: string;
    fallback_enabled: boolean;
    fallback_max_commits_per_repo_per_week: number;
    fallback_max_commit_detail_calls_per_org_per_hour: number;
    large_repo_zero_detection_windows: number;
    large_repo_cooldown: string;
    stats_poll_attempts: number;
    stats_poll_initial_delay: string;
  };
  backfill: {
    enabled: boolean;
    history_in_background: boolean;
    history_in_background_min_repos: number;
    max_message_age: string;
    consumer_count: number;
    handler_timeout: string;
    rate_limit_reserve: number;
    requeue_delays: string[];
    coalesce_window: string;
    dedup_ttl: string;
    max_enqueues_per_org_per_minute: number;
  };
  amqp: { url: string; exchange: string; queue: string; dlq: string };
  store: {
    backend: string;
    redis_mode: string;
    redis_addr: string;
    redis_master_set: string;
    redis_sentinel_addrs: string[];
    redis_password: string;
    redis_db: number;
    key_prefix: string;
    retention: string;
    gc_interval: string;
    metric_refresh_interval: string;
    index_shards: number;
    export_cache_mode: string;
    max_series_budget: number;
  };
  health: { github_probe_interval: string; github_recover_success_threshold: number };
  telemetry: {
    otel_enabled: boolean;
    otel_exporter_otlp_endpoint: string;
    otel_exporter_otlp_protocol: string;
    otel_trace_mode: string;
    otel_trace_sample_ratio: number;
  };
  copilot: RawCopilot;
  bullmq: {
    prefix: string;
    worker_concurrency: number;
    stalled_interval: string;
    max_stalled_count: number;
    lock_duration: string;
    job_attempts: number;
    keep_completed: string;
    keep_failed: string;
  };
  services: {
    scheduler: { listen_addr: string };
    scraper_worker: { listen_addr: string };
    backfill_worker: { listen_addr: string };
    metrics_gateway: { listen_addr: string };
    admin: {
      listen_addr: string;
      auth: { bearer_token: string; basic_username: string; basic_password: string };
      bull_board_read_only: boolean;
    };
    shutdown_timeout: string;
  };
  demo: { enabled: boolean; seed: number; github_sim_port: number };
}

/** One `github.orgs[]` entry once the org rules have passed (optional keys defaulted). */
export interface RawOrg {
  org: string;
  app_id: number;
  installation_id: number;
  private_key_path: string;
  scrape_interval: string;
  repo_allowlist?: string[];
  per_org_concurrency?: number;
}

export interface RawCopilot {
  enabled: boolean;
  scrape_interval: string;
  request_timeout: string;
  download_timeout: string;
  include_org_28d: boolean;
  include_org_users_28d: boolean;
  include_enterprise_28d: boolean;
  include_enterprise_users_28d: boolean;
  include_breakdown_ide: boolean;
  include_breakdown_feature: boolean;
  include_breakdown_language: boolean;
  include_breakdown_model: boolean;
  include_pull_request_activity: boolean;
  user_label_mode: string;
  user_label_salt: string;
  emit_day_label: boolean;
  max_records_per_report: number;
  max_users_per_report: number;
  refresh_if_report_unchanged: boolean;
  enterprise: {
    enabled: boolean;
    slug: string;
    app_id: number;
    installation_id: number;
    private_key_path: string;
  };
}
