import type convict from 'convict';

import {
  integerFormat,
  nonEmptyStringFormat,
  nonEmptyStringListFormat,
  type ValueFormat,
} from './formats.js';
import type { RawFleetConfig } from './raw-config.js';
import { carriedSections, POSITIVE_COUNT, POSITIVE_DURATION } from './schema-carried.js';
import { newSections, optionalSections } from './schema-new.js';
import type { SchemaSection } from './schema-node.js';

/**
 * The whole fleet's config as one convict schema: every key of the Go exporter (same names
 * and defaults, DESIGN.md Appendix A) and the sections new here. Type-checked against the
 * raw YAML shape, so a key missing here or a default of the wrong type fails to compile.
 */
export const fleetSchema = {
  ...carriedSections,
  ...optionalSections,
  ...newSections,
} satisfies convict.Schema<RawFleetConfig> & SchemaSection;

/** One paragraph per top-level section, for the generated docs. */
export const SECTION_DOCS: Readonly<Record<keyof RawFleetConfig, string>> = {
  server: 'The public HTTP side of the fleet and logging.',
  metrics: 'How Prometheus sees the fleet.',
  leader_election: 'The scheduler leader, elected through a Redis lock with a fencing token.',
  github: 'Where GitHub is, how much to trust it, and which organizations to scrape.',
  rate_limit: "How the fleet stays inside each installation's GitHub rate limits.",
  retry: 'Retries of single GitHub requests.',
  loc: 'Lines added/removed (gh_activity_loc_*_weekly) and the per-commit fallback.',
  backfill:
    'Recovery of missed scrape windows through RabbitMQ (gh.backfill), with a retry ladder and a DLQ.',
  amqp: 'The RabbitMQ connection and names used by backfill.',
  store: 'Redis: connection, key prefix and the lifecycle of series.',
  health: "The leader's GitHub health probe.",
  telemetry:
    'OpenTelemetry tracing of the fleet: one trace per org cycle across scheduler, scraper-worker and backfill-worker, exported over OTLP ([ADR 0014](decisions/0014-tracing.md)).',
  copilot:
    "Copilot usage from GitHub's users reports (gh_copilot_usage_*), read on their own schedule; differences from the Go exporter are listed [below](#copilot-differences-from-the-go-exporter).",
  bullmq: 'The BullMQ queues for org and repo scrape jobs (in the same Redis as the store).',
  services: "Each service's probe and own-metrics port, and shutdown.",
  demo: 'Demo mode: the fleet runs against the built-in GitHub simulator.',
};

/** One key of a `github.orgs[]` entry; `default: undefined` means required. */
export interface OrgFieldSpec {
  readonly doc: string;
  readonly format: ValueFormat;
  readonly default: unknown;
}

/** The keys of one `github.orgs[]` entry. Unknown keys fail, as elsewhere. */
export const ORG_FIELDS = {
  org: {
    doc: 'Organization login, unique across entries (compared case-insensitively, as GitHub does).',
    format: nonEmptyStringFormat,
    default: undefined,
  },
  app_id: { doc: 'GitHub App id.', format: integerFormat({ min: 1 }), default: undefined },
  installation_id: {
    doc: "The App's installation id in this org.",
    format: integerFormat({ min: 1 }),
    default: undefined,
  },
  private_key_path: {
    doc: "The App's PEM private key file; must be readable. A relative path is resolved against the config file's directory.",
    format: nonEmptyStringFormat,
    default: undefined,
  },
  scrape_interval: {
    doc: 'How often the org is scraped, e.g. 5m.',
    format: POSITIVE_DURATION,
    default: undefined,
  },
  repo_allowlist: {
    doc: 'Repos to scrape by exact name; ["*"] means every repo the installation can see.',
    format: nonEmptyStringListFormat,
    default: ['*'],
  },
  per_org_concurrency: {
    doc: 'Repo jobs of this org in flight at once.',
    format: POSITIVE_COUNT,
    default: 1,
  },
} as const satisfies Readonly<Record<string, OrgFieldSpec>>;
