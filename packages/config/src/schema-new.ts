import {
  booleanFormat,
  enumFormat,
  hostPortFormat,
  integerFormat,
  keyPrefixFormat,
  numberFormat,
  optionalHttpUrlFormat,
  stringFormat,
  optionalHostPortFormat,
} from './formats.js';
import { COUNT, DURATION, POSITIVE_COUNT, POSITIVE_DURATION } from './schema-carried.js';
import { leaf } from './schema-node.js';

/** The port the demo GitHub simulator listens on unless `demo.github_sim_port` says otherwise. */
export const DEMO_GITHUB_SIM_PORT = 9900;

/** The Go exporter's optional sections: `telemetry` (tracing) and `copilot`. */
export const optionalSections = {
  telemetry: {
    otel_enabled: leaf({
      doc: 'Enable OpenTelemetry tracing (with otel_trace_mode other than off).',
      default: false,
      format: booleanFormat,
    }),
    otel_exporter_otlp_endpoint: leaf({
      doc: 'The OTLP collector: for http/protobuf its base URL (e.g. http://otel-collector:4318; /v1/traces is added unless a path is given), for grpc its address (e.g. http://otel-collector:4317). Required when tracing is on.',
      default: '',
      format: optionalHttpUrlFormat,
    }),
    otel_exporter_otlp_protocol: leaf({
      doc: "OTLP transport: http/protobuf, or grpc (the Go exporter's documented gRPC port could not work; it posted JSON over HTTP).",
      default: 'http/protobuf',
      format: enumFormat(['http/protobuf', 'grpc']),
    }),
    otel_trace_mode: leaf({
      doc: 'Which traces to keep: off; sampled (otel_trace_sample_ratio of traces, decided at the root); errors (every trace part with an error, plus the ratio of the rest); detailed (errors, plus a span per Redis call and AMQP operation).',
      default: 'off',
      format: enumFormat(['off', 'sampled', 'errors', 'detailed']),
    }),
    otel_trace_sample_ratio: leaf({
      doc: 'Share of traces kept in sampled mode, and of error-free traces in errors/detailed mode.',
      default: 0.05,
      format: numberFormat({ min: 0, max: 1 }),
    }),
  },
  copilot: {
    enabled: leaf({
      doc: "Read Copilot usage reports: of every org (aggregate and/or users report, include_org_*), and of the enterprise when copilot.enterprise.enabled (include_enterprise_*). With the defaults, each org's aggregate report.",
      default: false,
      format: booleanFormat,
    }),
    scrape_interval: leaf({
      doc: 'How often the latest 28-day reports are read (GitHub publishes one a day).',
      default: '6h',
      format: POSITIVE_DURATION,
    }),
    request_timeout: leaf({
      doc: 'Timeout of one report-link request to the GitHub API (each attempt; in place of github.request_timeout for Copilot). The files behind the links have download_timeout.',
      default: '30s',
      format: POSITIVE_DURATION,
    }),
    download_timeout: leaf({
      doc: 'Timeout of one report file download from its signed link.',
      default: '90s',
      format: POSITIVE_DURATION,
    }),
    include_org_28d: leaf({
      doc: 'Read each org\'s aggregate report (organization-28-day: the org\'s totals, series with user="all", pull-request activity, active users).',
      default: true,
      format: booleanFormat,
    }),
    include_org_users_28d: leaf({
      doc: 'Read each org\'s users report (per-user series, scope="org").',
      default: false,
      format: booleanFormat,
    }),
    include_enterprise_28d: leaf({
      doc: 'Read the enterprise aggregate report (enterprise-28-day, scope="enterprise", user="all"); needs copilot.enterprise.enabled.',
      default: false,
      format: booleanFormat,
    }),
    include_enterprise_users_28d: leaf({
      doc: 'Read the enterprise users report (scope="enterprise"); needs copilot.enterprise.enabled.',
      default: false,
      format: booleanFormat,
    }),
    include_breakdown_ide: leaf({
      doc: "Emit the gh_copilot_usage_*_by_ide families (GitHub's totals_by_ide).",
      default: false,
      format: booleanFormat,
    }),
    include_breakdown_feature: leaf({
      doc: "Emit the gh_copilot_usage_*_by_feature families (GitHub's totals_by_feature).",
      default: false,
      format: booleanFormat,
    }),
    include_breakdown_language: leaf({
      doc: "Emit the gh_copilot_usage_*_by_language families (GitHub's totals_by_language_feature).",
      default: false,
      format: booleanFormat,
    }),
    include_breakdown_model: leaf({
      doc: "Emit the gh_copilot_usage_*_by_model families (GitHub's totals_by_model_feature).",
      default: false,
      format: booleanFormat,
    }),
    include_pull_request_activity: leaf({
      doc: "Emit the pull-request activity of the aggregate reports (gh_copilot_usage_pull_requests_*, from GitHub's day_totals[].pull_requests) and the Copilot code review user counts.",
      default: true,
      format: booleanFormat,
    }),
    user_label_mode: leaf({
      doc: 'What the user label holds: login, id (stable across renames), hashed (HMAC-SHA256 of the id with copilot.user_label_salt, 16 hex digits) or none (no user label: summed over users).',
      default: 'login',
      format: enumFormat(['login', 'id', 'hashed', 'none']),
    }),
    user_label_salt: leaf({
      doc: 'Key of the hashed user label (at least 16 characters; required with user_label_mode hashed). Best set through the env.',
      default: '',
      format: stringFormat,
      env: 'GITHUB_STATS_COPILOT_USER_LABEL_SALT',
      sensitive: true,
    }),
    emit_day_label: leaf({
      doc: 'One series per user per day (label day=YYYY-MM-DD) instead of the sum over the 28 days.',
      default: false,
      format: booleanFormat,
    }),
    max_records_per_report: leaf({
      doc: 'Records kept per report, oldest day and lowest user id first (0 = all); what it drops is counted in gh_exporter_copilot_dropped_total.',
      default: 0,
      format: COUNT,
    }),
    max_users_per_report: leaf({
      doc: 'Users kept per report, lowest user ids first (0 = all); what it drops is counted in gh_exporter_copilot_dropped_total.',
      default: 0,
      format: COUNT,
    }),
    refresh_if_report_unchanged: leaf({
      doc: 'Download a latest 28-day report again although it covers the same days as the last one read in full (false: only its link is asked for, and the stored days are republished). Backfill 1-day reports are always downloaded.',
      default: false,
      format: booleanFormat,
    }),
    enterprise: {
      enabled: leaf({
        doc: "Read the enterprise's reports (include_enterprise_28d, include_enterprise_users_28d) with the enterprise's own GitHub App.",
        default: false,
        format: booleanFormat,
      }),
      slug: leaf({ doc: 'Enterprise slug.', default: '', format: stringFormat }),
      app_id: leaf({ doc: 'Enterprise GitHub App id (0 = unset).', default: 0, format: COUNT }),
      installation_id: leaf({
        doc: "The App's installation id on the enterprise (0 = unset).",
        default: 0,
        format: COUNT,
      }),
      private_key_path: leaf({
        doc: 'PEM private key of the enterprise App (relative to the config file).',
        default: '',
        format: stringFormat,
      }),
    },
  },
};

/** Sections that are new here: BullMQ, each service's port, demo mode. */
export const newSections = {
  bullmq: {
    prefix: leaf({
      doc: 'Redis key prefix of the BullMQ queues (org jobs and repo jobs).',
      default: 'gse-bull',
      format: keyPrefixFormat,
    }),
    worker_concurrency: leaf({
      doc: 'Jobs processed at once by one scraper-worker process.',
      default: 4,
      format: POSITIVE_COUNT,
    }),
    stalled_interval: leaf({
      doc: 'How often workers look for stalled jobs (a worker that died mid-job) and hand them back.',
      default: '30s',
      format: POSITIVE_DURATION,
    }),
    max_stalled_count: leaf({
      doc: 'Times a job may stall before it fails (0 = fail on the first stall).',
      default: 2,
      format: COUNT,
    }),
    lock_duration: leaf({
      doc: "A job's lock; renewed by a live worker at half this interval.",
      default: '60s',
      format: POSITIVE_DURATION,
    }),
    job_attempts: leaf({
      doc: 'Attempts per job (the first included) before it fails for good.',
      default: 3,
      format: POSITIVE_COUNT,
    }),
    keep_completed: leaf({
      doc: 'How long completed jobs stay in Redis.',
      default: '1h',
      format: DURATION,
    }),
    keep_failed: leaf({
      doc: 'How long failed jobs stay in Redis for inspection.',
      default: '7d',
      format: DURATION,
    }),
  },
  services: {
    scheduler: {
      listen_addr: leaf({
        doc: "scheduler's /livez, /readyz and own process /metrics.",
        default: '0.0.0.0:9101',
        format: hostPortFormat,
      }),
    },
    scraper_worker: {
      listen_addr: leaf({
        doc: "scraper-worker's /livez, /readyz and own process /metrics.",
        default: '0.0.0.0:9102',
        format: hostPortFormat,
      }),
    },
    backfill_worker: {
      listen_addr: leaf({
        doc: "backfill-worker's /livez, /readyz and own process /metrics.",
        default: '0.0.0.0:9103',
        format: hostPortFormat,
      }),
    },
    metrics_gateway: {
      listen_addr: leaf({
        doc: "metrics-gateway's /livez, /readyz and own process /metrics (the fleet's /metrics is on server.listen_addr).",
        default: '0.0.0.0:9104',
        format: hostPortFormat,
      }),
    },
    admin: {
      listen_addr: leaf({
        doc: "metrics-gateway's admin listener: the status page (/), /status.json and Bull Board (/queues). Off when empty.",
        default: '',
        format: optionalHostPortFormat,
      }),
      auth: {
        bearer_token: leaf({
          doc: 'When set, the admin listener requires `Authorization: Bearer <token>`. Open when empty (and basic auth is off).',
          default: '',
          format: stringFormat,
          env: 'GITHUB_STATS_ADMIN_BEARER_TOKEN',
          sensitive: true,
        }),
        basic_username: leaf({
          doc: 'With basic_password: the admin listener requires HTTP basic auth with this user. Off when empty.',
          default: '',
          format: stringFormat,
        }),
        basic_password: leaf({
          doc: 'Password of services.admin.auth.basic_username.',
          default: '',
          format: stringFormat,
          env: 'GITHUB_STATS_ADMIN_BASIC_PASSWORD',
          sensitive: true,
        }),
      },
      bull_board_read_only: leaf({
        doc: 'Bull Board shows the scrape queues without retry, promote, clean or delete buttons. false lets whoever passes services.admin.auth change the queues.',
        default: true,
        format: booleanFormat,
      }),
    },
    shutdown_timeout: leaf({
      doc: 'After SIGTERM a service stops intake and finishes or hands back in-flight work within this time, then exits (keep it under the pod grace period, 30s by default).',
      default: '25s',
      format: POSITIVE_DURATION,
    }),
  },
  demo: {
    enabled: leaf({
      doc: 'Demo mode: the fleet talks to the built-in GitHub simulator, which writes the org key files at start (their readability is not checked at load).',
      default: false,
      format: booleanFormat,
    }),
    seed: leaf({ doc: "Seed of the simulator's generated dataset.", default: 42, format: COUNT }),
    github_sim_port: leaf({
      doc: 'Port of the demo GitHub simulator on 127.0.0.1.',
      default: DEMO_GITHUB_SIM_PORT,
      format: integerFormat({ min: 1, max: 65_535 }),
    }),
  },
};
