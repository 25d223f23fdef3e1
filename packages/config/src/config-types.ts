import type { ScrapeResource } from '@gse/activity';

import type { HostPort } from './host-port.js';

/** Log levels, lowest first: `server.log_level`. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** One GitHub App installation to scrape (`github.orgs[]`). */
export interface OrgConfig {
  readonly org: string;
  readonly appId: number;
  readonly installationId: number;
  /** Absolute path of the App's PEM key (relative paths resolved against the config file). */
  readonly privateKeyPath: string;
  readonly scrapeIntervalMs: number;
  /** Exact repo names, or `['*']` for every repo the installation can see. */
  readonly repoAllowlist: readonly string[];
  readonly perOrgConcurrency: number;
}

/** A service's probe and own-metrics address (`services.<svc>.listen_addr`). */
export interface ServiceConfig {
  readonly listenAddr: HostPort;
}

/**
 * The validated fleet config: camelCase, every duration in milliseconds (suffix `Ms`),
 * addresses parsed. Keys the fleet accepts but ignores (some `copilot.*`,
 * `leader_election.namespace`/`lease_name`, `store.backend`/`index_shards`/`export_cache_mode`,
 * `metrics.scrape_service_dns`) are validated but left out. `docs/configuration.md` documents
 * each key.
 */
export interface Config {
  readonly server: {
    readonly listenAddr: HostPort;
    readonly logLevel: LogLevel;
    /** Access control of the public /metrics; every field `undefined` when off. */
    readonly auth: {
      /** Secret. */
      readonly bearerToken: string | undefined;
      readonly basicUsername: string | undefined;
      /** Secret. */
      readonly basicPassword: string | undefined;
    };
    /** HTTPS on `listenAddr` when both are set (absolute paths). */
    readonly tls: { readonly certPath: string | undefined; readonly keyPath: string | undefined };
  };
  readonly metrics: { readonly topology: 'single_service_target' };
  readonly leaderElection: {
    readonly enabled: boolean;
    readonly leaseDurationMs: number;
    readonly renewDeadlineMs: number;
    readonly retryPeriodMs: number;
  };
  readonly github: {
    /** No trailing slash, e.g. `https://api.github.com`. */
    readonly apiBaseUrl: string;
    readonly requestTimeoutMs: number;
    readonly unhealthyFailureThreshold: number;
    readonly unhealthyCooldownMs: number;
    readonly excludeBots: boolean;
    /** `github.optional_resources`: resources of the scrape catalog switched on. */
    readonly optionalResources: readonly ScrapeResource[];
    /** `github.comment_reconcile_interval`: each repo's comment lists read back to retention at most this often. */
    readonly commentReconcileIntervalMs: number;
    /** `github.change_detection`: GraphQL change detection, or REST discovery and every repo each cycle. */
    readonly changeDetection: 'graphql' | 'off';
    /** `github.quiet_repo_reread_interval`: the longest a repo without changes goes unscraped. */
    readonly quietRepoRereadIntervalMs: number;
    /** `github.login_check_interval`: the longest a user's login goes unconfirmed. */
    readonly loginCheckIntervalMs: number;
    readonly orgs: readonly OrgConfig[];
  };
  readonly rateLimit: {
    readonly minRemainingThreshold: number;
    readonly minResetBufferMs: number;
    readonly secondaryLimitBackoffMs: number;
    readonly maxConcurrentRequestsPerInstallation: number;
    /** Fleet-wide REST points per installation per minute, ≤ GitHub's 900. */
    readonly restPointsPerMinute: number;
    /** Fleet-wide GraphQL points per installation per minute, ≤ GitHub's 2,000. */
    readonly graphqlPointsPerMinute: number;
    /** Share of each minute's points only scheduled scrapes may spend, [0, 0.9]. */
    readonly scheduledPointsReserve: number;
  };
  readonly retry: {
    readonly maxAttempts: number;
    readonly initialBackoffMs: number;
    readonly maxBackoffMs: number;
    readonly jitter: boolean;
  };
  readonly loc: {
    readonly source: 'stats_contributors';
    readonly refreshIntervalMs: number;
    readonly fallbackEnabled: boolean;
    readonly fallbackMaxCommitsPerRepoPerWeek: number;
    readonly fallbackMaxCommitDetailCallsPerOrgPerHour: number;
    readonly largeRepoZeroDetectionWindows: number;
    readonly largeRepoCooldownMs: number;
    readonly statsPollAttempts: number;
    readonly statsPollInitialDelayMs: number;
  };
  readonly backfill: {
    readonly enabled: boolean;
    /** `backfill.history_in_background`, and only with `enabled`: first reads read the last 24 h. */
    readonly historyInBackground: boolean;
    /** `backfill.history_in_background_min_repos`: smaller orgs read history in their first reads. */
    readonly historyInBackgroundMinRepos: number;
    readonly maxMessageAgeMs: number;
    readonly consumerCount: number;
    /** Below RabbitMQ's `consumer_timeout`. */
    readonly handlerTimeoutMs: number;
    /** Share of an installation's primary limit the backfill leaves to the schedule, [0, 0.9]. */
    readonly rateLimitReserve: number;
    /** Strictly increasing, at least one. */
    readonly requeueDelaysMs: readonly number[];
    readonly coalesceWindowMs: number;
    readonly dedupTtlMs: number;
    readonly maxEnqueuesPerOrgPerMinute: number;
  };
  readonly amqp: {
    /** Secret: may carry credentials; never log it. */
    readonly url: string;
    readonly exchange: string;
    readonly queue: string;
    readonly dlq: string;
  };
  readonly store: {
    readonly redisMode: 'standalone' | 'sentinel';
    readonly redisAddr: HostPort;
    /** Empty unless sentinel mode. */
    readonly redisMasterSet: string;
    readonly redisSentinelAddrs: readonly HostPort[];
    /** Secret; `undefined` when Redis needs none. */
    readonly redisPassword: string | undefined;
    readonly redisDb: number;
    readonly keyPrefix: string;
    readonly retentionMs: number;
    readonly gcIntervalMs: number;
    readonly metricRefreshIntervalMs: number;
    readonly maxSeriesBudget: number;
  };
  readonly health: {
    readonly githubProbeIntervalMs: number;
    readonly githubRecoverSuccessThreshold: number;
  };
  readonly bullmq: {
    readonly prefix: string;
    readonly workerConcurrency: number;
    readonly stalledIntervalMs: number;
    readonly maxStalledCount: number;
    readonly lockDurationMs: number;
    readonly jobAttempts: number;
    readonly keepCompletedMs: number;
    readonly keepFailedMs: number;
  };
  readonly services: {
    readonly scheduler: ServiceConfig;
    readonly scraperWorker: ServiceConfig;
    readonly backfillWorker: ServiceConfig;
    readonly metricsGateway: ServiceConfig;
    /** The metrics-gateway's admin listener: status page, `/status.json`, Bull Board. */
    readonly admin: {
      /** `undefined`: the listener is off. */
      readonly listenAddr: HostPort | undefined;
      /** Every field `undefined` when the listener is open to anyone who reaches it. */
      readonly auth: {
        /** Secret. */
        readonly bearerToken: string | undefined;
        readonly basicUsername: string | undefined;
        /** Secret. */
        readonly basicPassword: string | undefined;
      };
      readonly bullBoardReadOnly: boolean;
    };
    readonly shutdownTimeoutMs: number;
  };
  readonly telemetry: TelemetryConfig;
  readonly copilot: CopilotConfig;
  readonly demo: {
    readonly enabled: boolean;
    readonly seed: number;
    readonly githubSimPort: number;
  };
}

/** A Copilot report of a scope: the per-user report, or the scope's aggregate report. */
export type CopilotReportKind = 'users' | 'aggregate';

/** `copilot.*`: Copilot usage reports, every key used. */
export interface CopilotConfig {
  readonly enabled: boolean;
  readonly scrapeIntervalMs: number;
  /** `request_timeout`: each report-link request to the GitHub API. */
  readonly requestTimeoutMs: number;
  /** `download_timeout`: each file behind a link. */
  readonly downloadTimeoutMs: number;
  /** Reports read of every org: `aggregate` (`include_org_28d`), `users` (`include_org_users_28d`). */
  readonly orgReports: readonly CopilotReportKind[];
  /** `include_pull_request_activity`. */
  readonly pullRequests: boolean;
  /** `refresh_if_report_unchanged`. */
  readonly refreshUnchanged: boolean;
  readonly breakdowns: {
    readonly ide: boolean;
    readonly feature: boolean;
    readonly language: boolean;
    readonly model: boolean;
  };
  readonly userLabelMode: 'login' | 'id' | 'hashed' | 'none';
  /** Secret. */
  readonly userLabelSalt: string;
  readonly emitDayLabel: boolean;
  /** 0: no cap. */
  readonly maxRecordsPerReport: number;
  /** 0: no cap. */
  readonly maxUsersPerReport: number;
  /**
   * The enterprise App and the enterprise reports read (`include_enterprise_28d`,
   * `include_enterprise_users_28d`), when `enterprise.enabled` and one of them is on.
   */
  readonly enterprise:
    | {
        readonly reports: readonly CopilotReportKind[];
        readonly slug: string;
        readonly appId: number;
        readonly installationId: number;
        /** Absolute. */
        readonly privateKeyPath: string;
      }
    | undefined;
}

/** `telemetry.*`: OpenTelemetry tracing (see docs/decisions/0014-tracing.md). */
export interface TelemetryConfig {
  /** False unless `otel_enabled` and a mode other than `off`. */
  readonly tracingEnabled: boolean;
  readonly traceMode: 'off' | 'sampled' | 'errors' | 'detailed';
  /** 0–1. */
  readonly traceSampleRatio: number;
  /** `''` when tracing is off (a rule requires it when on). */
  readonly otlpEndpoint: string;
  readonly otlpProtocol: 'http/protobuf' | 'grpc';
}
