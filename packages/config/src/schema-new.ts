import {
  booleanFormat,
  enumFormat,
  hostPortFormat,
  integerFormat,
  keyPrefixFormat,
  numberFormat,
  stringFormat,
  type ValueFormat,
} from './formats.js';
import { COUNT, DURATION, POSITIVE_COUNT, POSITIVE_DURATION } from './schema-carried.js';
import { leaf } from './schema-node.js';

/** The port the demo GitHub simulator listens on unless `demo.github_sim_port` says otherwise. */
export const DEMO_GITHUB_SIM_PORT = 9900;

const IGNORED_OTEL = 'tracing is not built yet; kept so Go exporter configs load';
const IGNORED_COPILOT = 'Copilot usage reports are not built yet; kept so Go exporter configs load';

function copilotFlag(doc: string, value: boolean) {
  return leaf({ doc, default: value, format: booleanFormat, ignored: IGNORED_COPILOT });
}

function copilotKey<T>(doc: string, value: T, format: ValueFormat) {
  return leaf({ doc, default: value, format, ignored: IGNORED_COPILOT });
}

/** The Go exporter's optional sections: accepted, validated, and ignored with a warning. */
export const optionalSections = {
  telemetry: {
    otel_enabled: leaf({
      doc: 'Enable OpenTelemetry tracing.',
      default: false,
      format: booleanFormat,
      ignored: IGNORED_OTEL,
    }),
    otel_exporter_otlp_endpoint: leaf({
      doc: 'OTLP HTTP endpoint.',
      default: '',
      format: stringFormat,
      ignored: IGNORED_OTEL,
    }),
    otel_trace_mode: leaf({
      doc: 'Which traces to keep.',
      default: 'off',
      format: enumFormat(['off', 'sampled', 'errors', 'detailed']),
      ignored: IGNORED_OTEL,
    }),
    otel_trace_sample_ratio: leaf({
      doc: 'Share of traces sampled in sampled/errors mode.',
      default: 0.05,
      format: numberFormat({ min: 0, max: 1 }),
      ignored: IGNORED_OTEL,
    }),
  },
  copilot: {
    enabled: copilotFlag('Scrape Copilot usage reports.', false),
    scrape_interval: copilotKey('How often Copilot reports are fetched.', '6h', POSITIVE_DURATION),
    request_timeout: copilotKey('Timeout of a report-link request.', '30s', POSITIVE_DURATION),
    download_timeout: copilotKey('Timeout of a report download.', '90s', POSITIVE_DURATION),
    include_org_28d: copilotFlag('Org 28-day report.', true),
    include_org_users_28d: copilotFlag('Org per-user 28-day report.', false),
    include_enterprise_28d: copilotFlag('Enterprise 28-day report.', false),
    include_enterprise_users_28d: copilotFlag('Enterprise per-user 28-day report.', false),
    include_breakdown_ide: copilotFlag('Break down by IDE.', false),
    include_breakdown_feature: copilotFlag('Break down by feature.', false),
    include_breakdown_language: copilotFlag('Break down by language.', false),
    include_breakdown_model: copilotFlag('Break down by model.', false),
    include_pull_request_activity: copilotFlag('Pull request activity.', true),
    user_label_mode: copilotKey(
      'What the user label holds.',
      'login',
      enumFormat(['login', 'id', 'hashed', 'none']),
    ),
    emit_day_label: copilotFlag('Add a day label.', false),
    max_records_per_report: copilotKey('Cap on records per report (0 = none).', 0, COUNT),
    max_users_per_report: copilotKey('Cap on users per report (0 = none).', 0, COUNT),
    refresh_if_report_unchanged: copilotFlag('Re-read a report that did not change.', false),
    enterprise: {
      enabled: copilotFlag('Scrape enterprise-scope reports.', false),
      slug: copilotKey('Enterprise slug.', '', stringFormat),
      app_id: copilotKey('Enterprise GitHub App id (0 = unset).', 0, COUNT),
      installation_id: copilotKey('Enterprise installation id (0 = unset).', 0, COUNT),
      private_key_path: copilotKey('Enterprise GitHub App private key file.', '', stringFormat),
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
