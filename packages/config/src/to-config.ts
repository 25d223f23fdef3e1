import { resolve } from 'node:path';

import type { ScrapeResource } from '@gse/activity';

import type {
  Config,
  CopilotConfig,
  CopilotReportKind,
  LogLevel,
  OrgConfig,
  TelemetryConfig,
} from './config-types.js';
import { parseDurationMs as ms } from './duration.js';
import { parseHostPort } from './host-port.js';
import type { RawFleetConfig, RawOrg } from './raw-config.js';
import { ORG_FIELDS } from './schema.js';

/**
 * Maps a validated raw config (snake_case, durations as text) to {@link Config}. Pure: it
 * throws only if given a value validation would have rejected. Relative key paths resolve
 * against `configDir`.
 */
export function toConfig(raw: RawFleetConfig, options: { readonly configDir: string }): Config {
  const { server, leader_election: election, github, rate_limit: rateLimit, retry } = raw;
  const { loc, backfill, amqp, store, health, bullmq, services, demo, copilot, telemetry } = raw;
  return {
    server: {
      listenAddr: parseHostPort(server.listen_addr),
      logLevel: server.log_level as LogLevel,
      auth: {
        bearerToken: orUndefined(server.auth.bearer_token),
        basicUsername: orUndefined(server.auth.basic_username),
        basicPassword: orUndefined(server.auth.basic_password),
      },
      tls: {
        certPath: orUndefined(server.tls.cert_path, (path) => resolve(options.configDir, path)),
        keyPath: orUndefined(server.tls.key_path, (path) => resolve(options.configDir, path)),
      },
    },
    metrics: { topology: 'single_service_target' },
    leaderElection: {
      enabled: election.enabled,
      leaseDurationMs: ms(election.lease_duration),
      renewDeadlineMs: ms(election.renew_deadline),
      retryPeriodMs: ms(election.retry_period),
    },
    github: {
      apiBaseUrl: github.api_base_url.replace(/\/+$/, ''),
      requestTimeoutMs: ms(github.request_timeout),
      unhealthyFailureThreshold: github.unhealthy_failure_threshold,
      unhealthyCooldownMs: ms(github.unhealthy_cooldown),
      excludeBots: github.exclude_bots,
      optionalResources: github.optional_resources as ScrapeResource[],
      commentReconcileIntervalMs: ms(github.comment_reconcile_interval),
      changeDetection: github.change_detection as 'graphql' | 'off',
      quietRepoRereadIntervalMs: ms(github.quiet_repo_reread_interval),
      loginCheckIntervalMs: ms(github.login_check_interval),
      orgs: github.orgs.map((org) => toOrgConfig(org, options.configDir)),
    },
    rateLimit: {
      minRemainingThreshold: rateLimit.min_remaining_threshold,
      minResetBufferMs: ms(rateLimit.min_reset_buffer),
      secondaryLimitBackoffMs: ms(rateLimit.secondary_limit_backoff),
      maxConcurrentRequestsPerInstallation: rateLimit.max_concurrent_requests_per_installation,
      restPointsPerMinute: rateLimit.rest_points_per_minute,
      graphqlPointsPerMinute: rateLimit.graphql_points_per_minute,
      scheduledPointsReserve: rateLimit.scheduled_points_reserve,
    },
    retry: {
      maxAttempts: retry.max_attempts,
      initialBackoffMs: ms(retry.initial_backoff),
      maxBackoffMs: ms(retry.max_backoff),
      jitter: retry.jitter,
    },
    loc: {
      source: 'stats_contributors',
      refreshIntervalMs: ms(loc.refresh_interval),
      fallbackEnabled: loc.fallback_enabled,
      fallbackMaxCommitsPerRepoPerWeek: loc.fallback_max_commits_per_repo_per_week,
      fallbackMaxCommitDetailCallsPerOrgPerHour:
        loc.fallback_max_commit_detail_calls_per_org_per_hour,
      largeRepoZeroDetectionWindows: loc.large_repo_zero_detection_windows,
      largeRepoCooldownMs: ms(loc.large_repo_cooldown),
      statsPollAttempts: loc.stats_poll_attempts,
      statsPollInitialDelayMs: ms(loc.stats_poll_initial_delay),
    },
    backfill: {
      enabled: backfill.enabled,
      historyInBackground: backfill.enabled && backfill.history_in_background,
      historyInBackgroundMinRepos: backfill.history_in_background_min_repos,
      maxMessageAgeMs: ms(backfill.max_message_age),
      consumerCount: backfill.consumer_count,
      handlerTimeoutMs: ms(backfill.handler_timeout),
      rateLimitReserve: backfill.rate_limit_reserve,
      requeueDelaysMs: backfill.requeue_delays.map((delay) => ms(delay)),
      coalesceWindowMs: ms(backfill.coalesce_window),
      dedupTtlMs: ms(backfill.dedup_ttl),
      maxEnqueuesPerOrgPerMinute: backfill.max_enqueues_per_org_per_minute,
    },
    amqp: { url: amqp.url, exchange: amqp.exchange, queue: amqp.queue, dlq: amqp.dlq },
    store: {
      redisMode: store.redis_mode as Config['store']['redisMode'],
      redisAddr: parseHostPort(store.redis_addr),
      redisMasterSet: store.redis_master_set,
      redisSentinelAddrs: store.redis_sentinel_addrs.map((addr) => parseHostPort(addr)),
      redisPassword: store.redis_password === '' ? undefined : store.redis_password,
      redisDb: store.redis_db,
      keyPrefix: store.key_prefix,
      retentionMs: ms(store.retention),
      gcIntervalMs: ms(store.gc_interval),
      metricRefreshIntervalMs: ms(store.metric_refresh_interval),
      maxSeriesBudget: store.max_series_budget,
    },
    health: {
      githubProbeIntervalMs: ms(health.github_probe_interval),
      githubRecoverSuccessThreshold: health.github_recover_success_threshold,
    },
    bullmq: {
      prefix: bullmq.prefix,
      workerConcurrency: bullmq.worker_concurrency,
      stalledIntervalMs: ms(bullmq.stalled_interval),
      maxStalledCount: bullmq.max_stalled_count,
      lockDurationMs: ms(bullmq.lock_duration),
      jobAttempts: bullmq.job_attempts,
      keepCompletedMs: ms(bullmq.keep_completed),
      keepFailedMs: ms(bullmq.keep_failed),
    },
    services: {
      scheduler: { listenAddr: parseHostPort(services.scheduler.listen_addr) },
      scraperWorker: { listenAddr: parseHostPort(services.scraper_worker.listen_addr) },
      backfillWorker: { listenAddr: parseHostPort(services.backfill_worker.listen_addr) },
      metricsGateway: { listenAddr: parseHostPort(services.metrics_gateway.listen_addr) },
      admin: {
        listenAddr: orUndefined(services.admin.listen_addr, parseHostPort),
        auth: {
          bearerToken: orUndefined(services.admin.auth.bearer_token),
          basicUsername: orUndefined(services.admin.auth.basic_username),
          basicPassword: orUndefined(services.admin.auth.basic_password),
        },
        bullBoardReadOnly: services.admin.bull_board_read_only,
      },
      shutdownTimeoutMs: ms(services.shutdown_timeout),
    },
    telemetry: {
      tracingEnabled: telemetry.otel_enabled && telemetry.otel_trace_mode !== 'off',
      traceMode: telemetry.otel_trace_mode as TelemetryConfig['traceMode'],
      traceSampleRatio: telemetry.otel_trace_sample_ratio,
      otlpEndpoint: telemetry.otel_exporter_otlp_endpoint,
      otlpProtocol: telemetry.otel_exporter_otlp_protocol as TelemetryConfig['otlpProtocol'],
    },
    copilot: toCopilotConfig(copilot, options.configDir),
    demo: { enabled: demo.enabled, seed: demo.seed, githubSimPort: demo.github_sim_port },
  };
}

/** The reports switched on, aggregate first (the Go exporter's order of reads). */
function toReports(aggregate: boolean, users: boolean): CopilotReportKind[] {
  return [...(aggregate ? (['aggregate'] as const) : []), ...(users ? (['users'] as const) : [])];
}

function toCopilotConfig(copilot: RawFleetConfig['copilot'], configDir: string): CopilotConfig {
  const { enterprise } = copilot;
  const enterpriseReports = toReports(
    copilot.include_enterprise_28d,
    copilot.include_enterprise_users_28d,
  );
  return {
    enabled: copilot.enabled,
    scrapeIntervalMs: ms(copilot.scrape_interval),
    requestTimeoutMs: ms(copilot.request_timeout),
    downloadTimeoutMs: ms(copilot.download_timeout),
    orgReports: toReports(copilot.include_org_28d, copilot.include_org_users_28d),
    pullRequests: copilot.include_pull_request_activity,
    refreshUnchanged: copilot.refresh_if_report_unchanged,
    breakdowns: {
      ide: copilot.include_breakdown_ide,
      feature: copilot.include_breakdown_feature,
      language: copilot.include_breakdown_language,
      model: copilot.include_breakdown_model,
    },
    userLabelMode: copilot.user_label_mode as CopilotConfig['userLabelMode'],
    userLabelSalt: copilot.user_label_salt,
    emitDayLabel: copilot.emit_day_label,
    maxRecordsPerReport: copilot.max_records_per_report,
    maxUsersPerReport: copilot.max_users_per_report,
    enterprise:
      enterprise.enabled && enterpriseReports.length > 0
        ? {
            reports: enterpriseReports,
            slug: enterprise.slug,
            appId: enterprise.app_id,
            installationId: enterprise.installation_id,
            privateKeyPath: resolve(configDir, enterprise.private_key_path),
          }
        : undefined,
  };
}

function toOrgConfig(org: RawOrg, configDir: string): OrgConfig {
  return {
    org: org.org,
    appId: org.app_id,
    installationId: org.installation_id,
    privateKeyPath: resolve(configDir, org.private_key_path),
    scrapeIntervalMs: ms(org.scrape_interval),
    repoAllowlist: [...(org.repo_allowlist ?? ORG_FIELDS.repo_allowlist.default)],
    perOrgConcurrency: org.per_org_concurrency ?? ORG_FIELDS.per_org_concurrency.default,
  };
}

/** An empty string in YAML means "not set". */
function orUndefined(value: string): string | undefined;
function orUndefined<T>(value: string, map: (value: string) => T): T | undefined;
function orUndefined(value: string, map: (value: string) => unknown = (kept) => kept): unknown {
  return value === '' ? undefined : map(value);
}
