import { fileURLToPath } from 'node:url';

import {
  SCRAPE_CATALOG,
  SCRAPE_RESOURCES,
  type ActivityField,
  type ScrapeResourceEntry,
} from '@gse/activity';

import { COPILOT_METRIC_DIFFERENCES } from './copilot-metrics.js';
import { METRIC_CATALOG } from './metric-catalog.js';
import type { MetricDefinition } from './metric-definition.js';

/** `docs/metrics.md` at the repo root, where `pnpm docs:metrics` writes. */
export const CATALOG_DOCS_PATH = fileURLToPath(
  new URL('../../../docs/metrics.md', import.meta.url),
);

const code = (text: string): string => `\`${text}\``;
const cell = (text: string): string => text.replaceAll('|', '\\|').replaceAll('\n', ' ');
const codes = (texts: readonly string[]): string => texts.map(code).join(', ') || '—';

/** Which resource and event kinds feed a series field. */
function fedBy(field: ActivityField): string {
  const sources = SCRAPE_RESOURCES.flatMap((resource) => {
    const entry: ScrapeResourceEntry = SCRAPE_CATALOG[resource];
    const kinds = Object.entries(entry.events).flatMap(([kind, counted]) =>
      counted === field ? [kind] : [],
    );
    if (kinds.length > 0) return [`${code(resource)}: counts ${codes(kinds)}`];
    return entry.measures.includes(field) ? [`${code(resource)}: measures`] : [];
  });
  return sources.join('; ') || 'every event kind (latest time)';
}

function familyRow(family: MetricDefinition, extra: readonly string[] = []): string {
  const cells = [
    code(family.name),
    family.type,
    family.unit ?? '—',
    codes(family.labels),
    ...extra,
    cell(family.help),
  ];
  return `| ${cells.join(' | ')} |`;
}

/**
 * Renders `docs/metrics.md` from the scrape catalog (`SCRAPE_CATALOG` of `@gse/activity`)
 * and the metric catalog ({@link METRIC_CATALOG}): every family of `/metrics` and every
 * resource a repo scrape reads. Pure and deterministic.
 */
export function renderCatalogDocs(): string {
  return [
    '<!-- Generated from SCRAPE_CATALOG and METRIC_CATALOG by `pnpm docs:metrics`. Do not edit by hand. -->',
    '',
    '# Metrics and scrape resources',
    '',
    'Every family the gateway serves at `/metrics`, and every GitHub resource one repo scrape',
    'reads, as the code declares them: the business families and the scrape resources in',
    '`packages/activity/src/activity-metrics.ts` and `packages/activity/src/scrape-catalog.ts`,',
    'the operational ones in `packages/telemetry/src/fleet-metrics.ts` and',
    '`packages/telemetry/src/metric-catalog.ts`. How to add one: [architecture](architecture.md#add-a-metric-family).',
    '',
    '## Business families',
    '',
    'Gauges, one series per (org, repo, user), recomputed from the ledger at each repo scrape',
    '(DESIGN.md §5). The series field names the value in the stored series (codec version 2).',
    '',
    '| family | type | unit | labels | series field | fed by (scrape resource) | help |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...METRIC_CATALOG.activity.map((family) =>
      familyRow(family, [code(family.field), fedBy(family.field)]),
    ),
    '',
    '## Operational families',
    '',
    'Written by any process with `FleetTelemetry` and kept in Redis, so every gateway replica',
    'renders the same values; counters are summed over the fleet and survive restarts.',
    '',
    '| family | type | unit | labels | help |',
    '| --- | --- | --- | --- | --- |',
    ...METRIC_CATALOG.stored.map((family) => familyRow(family)),
    '',
    '## Copilot: differences from the Go exporter',
    '',
    ...COPILOT_METRIC_DIFFERENCES.map((difference) => `- ${difference}`),
    '',
    "## The gateway's own",
    '',
    '| family | type | unit | labels | help |',
    '| --- | --- | --- | --- | --- |',
    ...METRIC_CATALOG.gateway.map((family) => familyRow(family)),
    '',
    '## Scrape resources',
    '',
    'What one repo scrape reads, in this order; each resource succeeds or goes missing on its',
    'own (`gh_exporter_scrape_collector_success{resource}`), and a backfill may ask for one',
    '(`pnpm backfill -- enqueue --resource`) or `all`.',
    '',
    '| resource | GitHub endpoints | checkpoint | event kinds → family | also feeds |',
    '| --- | --- | --- | --- | --- |',
    ...SCRAPE_RESOURCES.map((resource) => {
      const entry: ScrapeResourceEntry = SCRAPE_CATALOG[resource];
      const events = Object.entries(entry.events).map(
        ([kind, field]) => `${code(kind)} → ${code(field)}`,
      );
      return `| ${code(resource)} | ${codes(Object.values(entry.endpoints))} | ${code(entry.checkpoint)} | ${events.join(', ') || '—'} | ${codes(entry.measures)} |`;
    }),
    '',
  ].join('\n');
}
