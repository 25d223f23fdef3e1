import { fileURLToPath } from 'node:url';

import { CROSS_FIELD_RULES } from './cross-field-rules.js';
import { DEMO_GITHUB_SIM_PORT, DEMO_ORGS } from './demo.js';
import { DURATION_SYNTAX } from './duration.js';
import { CONFIG_PATH_ENV, FILE_ENV_SUFFIX } from './env-overrides.js';
import { HOST_PORT_SYNTAX } from './host-port.js';
import { ORG_RULES } from './org-rules.js';
import type { RawFleetConfig } from './raw-config.js';
import { renderValue } from './render-value.js';
import { COPILOT_DIFFERENCES } from './copilot-differences.js';
import { fleetSchema, ORG_FIELDS, SECTION_DOCS } from './schema.js';
import { isLeaf, listLeaves, type SchemaEntry } from './schema-node.js';

/** `docs/configuration.md` at the repo root, where `pnpm docs:config` writes. */
export const CONFIG_DOCS_PATH = fileURLToPath(
  new URL('../../../docs/configuration.md', import.meta.url),
);

function cell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ');
}

function code(text: string): string {
  return `\`${text}\``;
}

/** Defaults as an operator would write them: bare strings, JSON for the rest. */
function renderDefault(value: unknown): string {
  if (value === undefined) return 'required';
  if (typeof value === 'string' && value !== '')
    return code(renderValue(value, { sensitive: false }).slice(1, -1));
  return code(renderValue(value, { sensitive: false }));
}

function envCell({ spec }: SchemaEntry): string {
  if (spec.env === undefined) return '';
  const names = spec.sensitive === true ? [spec.env, `${spec.env}${FILE_ENV_SUFFIX}`] : [spec.env];
  return names.map(code).join(', ');
}

function descriptionCell({ spec }: SchemaEntry, sectionIgnored: boolean): string {
  const notes = [spec.doc];
  if (spec.sensitive === true) notes.push('**Secret**: shown as `[REDACTED]` in errors.');
  if (sectionIgnored) notes.push('**Ignored**.');
  else if (spec.ignored !== undefined)
    notes.push(`**Ignored**: ${spec.ignored}; setting it logs a warning.`);
  return cell(notes.join(' '));
}

/** The reason shared by every key of a section that is ignored as a whole, if it is. */
function sectionIgnoredReason(entries: readonly SchemaEntry[]): string | undefined {
  const reasons = new Set(entries.map(({ spec }) => spec.ignored));
  const [reason] = reasons;
  return reasons.size === 1 ? reason : undefined;
}

function renderSection(name: keyof RawFleetConfig): string[] {
  const node = fleetSchema[name];
  const entries = isLeaf(node) ? [] : listLeaves(node, name);
  const ignored = sectionIgnoredReason(entries);
  const intro =
    ignored === undefined
      ? SECTION_DOCS[name]
      : `${SECTION_DOCS[name]} **Ignored**: ${ignored}; setting any of its keys logs a warning.`;
  const lines = [
    `### \`${name}\``,
    '',
    intro,
    '',
    '| Key | Type | Default | Env | Description |',
    '| --- | --- | --- | --- | --- |',
    ...entries.map(
      (entry) =>
        `| ${code(entry.path)} | ${cell(entry.spec.format.summary)} | ${cell(renderDefault(entry.spec.default))} | ${envCell(entry)} | ${descriptionCell(entry, ignored !== undefined)} |`,
    ),
  ];
  if (name === 'github') lines.push('', ...renderOrgFields());
  return [...lines, ''];
}

function renderOrgFields(): string[] {
  return [
    '#### `github.orgs[]`',
    '',
    'Each entry is one GitHub App installation; unknown keys fail here too.',
    '',
    '| Key | Type | Default | Description |',
    '| --- | --- | --- | --- |',
    ...Object.entries(ORG_FIELDS).map(
      ([key, field]) =>
        `| ${code(`github.orgs[].${key}`)} | ${cell(field.format.summary)} | ${cell(renderDefault(field.default))} | ${cell(field.doc)} |`,
    ),
  ];
}

function renderEnvTable(): string[] {
  const rows = listLeaves(fleetSchema)
    .filter((entry) => entry.spec.env !== undefined)
    .map((entry) => `| ${envCell(entry)} | ${code(entry.path)} |`);
  return [
    '| Variable | Overrides |',
    '| --- | --- |',
    `| ${code(CONFIG_PATH_ENV)} | which file is read (see above) |`,
    ...rows,
  ];
}

function renderDemo(): string[] {
  return [
    '## Demo mode',
    '',
    'With no file, the fleet runs against the built-in GitHub simulator: `demo.enabled: true`,',
    `\`github.api_base_url: http://127.0.0.1:${DEMO_GITHUB_SIM_PORT}\`, every listen address on`,
    '`127.0.0.1` with the default ports, and these orgs, each scraped every `1m` with its key at',
    '`<os.tmpdir()>/github-stats-exporter-demo/keys/<org>.pem` (written by the simulator):',
    '',
    '| Org | App id | Installation id |',
    '| --- | --- | --- |',
    ...DEMO_ORGS.map((org) => `| ${code(org.org)} | ${org.appId} | ${org.installationId} |`),
    '',
    'The admin listener (`services.admin.listen_addr`) is on `127.0.0.1:9105`: the status page',
    'at `/` (and `/status.json`), Bull Board at `/queues`. GitHub is probed every `5s`',
    '(`health.github_probe_interval`), so an outage shows as a cooldown within half a minute.',
    'Everything else keeps its default. The environment overrides still apply.',
    '',
  ];
}

/**
 * Renders `docs/configuration.md` from the schema: how the file is found, the syntax of
 * durations and addresses, env variables and secrets, demo mode, every key (type, default,
 * env variable, meaning, secret or ignored) and the rules across keys. Pure and deterministic.
 */
export function renderConfigDocs(): string {
  const sections = Object.keys(SECTION_DOCS) as (keyof RawFleetConfig)[];
  const rules = [...ORG_RULES, ...CROSS_FIELD_RULES];
  return [
    '<!-- Generated from packages/config/src by `pnpm docs:config`. Do not edit by hand. -->',
    '',
    '# Configuration',
    '',
    'One YAML file configures the whole fleet: scheduler, scraper-worker, backfill-worker and',
    "metrics-gateway read the same file. Key names and defaults are the Go exporter's where the",
    'meaning is the same, so its config files load (keys it had that do nothing here are accepted',
    'with a warning). `config/example.yaml` lists every key.',
    '',
    '## Where the config comes from',
    '',
    `1. The file named by \`${CONFIG_PATH_ENV}\` (a relative path resolves against the working directory).`,
    "2. Else `config/local.yaml` in the working directory, if it exists (git-ignored: the operator's own file).",
    '3. Else [demo mode](#demo-mode).',
    '',
    'Then the environment variables below override the file.',
    '',
    '## How it is checked',
    '',
    'Each service checks the config before it opens any connection. If anything is wrong it',
    'prints every problem at once and exits non-zero; each line names the key path, the value',
    '(secrets as `[REDACTED]`) and what is allowed:',
    '',
    '```text',
    'invalid configuration in /etc/gse/config.yaml: 2 problems',
    '  - store.redis_pasword: unknown key; got [REDACTED]; allowed: a key of store: backend, redis_mode, …',
    '  - github.orgs[0].scrape_interval: must not be negative; got "-5m"; allowed: a duration > 0: …',
    '```',
    '',
    '- Unknown keys fail, at any depth, inside `github.orgs[]` entries and `copilot` too.',
    `- Durations: ${DURATION_SYNTAX}. Negative durations are rejected.`,
    `- Addresses: ${HOST_PORT_SYNTAX}.`,
    '- A key written with no value (`key:`) keeps its default.',
    '',
    '## Environment variables and secrets',
    '',
    'Only variables starting with `GITHUB_STATS_` are read; an empty value counts as unset.',
    `A secret can also come from a file: \`<VAR>${FILE_ENV_SUFFIX}\` names a file whose content (one`,
    'trailing newline dropped) is the value, e.g. a mounted Kubernetes Secret. Setting both',
    `\`<VAR>\` and \`<VAR>${FILE_ENV_SUFFIX}\` is an error. Secrets never appear in errors, and`,
    'credentials inside any URL are masked.',
    '',
    ...renderEnvTable(),
    '',
    ...renderDemo(),
    '## Keys',
    '',
    ...sections.flatMap(renderSection),
    '## Rules across keys',
    '',
    "Besides each key's own type, checked together with everything else:",
    '',
    ...rules.map((rule) => `- ${rule.description}`),
    '',
    '## Copilot: differences from the Go exporter',
    '',
    ...COPILOT_DIFFERENCES.map((difference) => `- ${difference}`),
    '',
    'The metric names and labels, and where they differ: [metrics.md](metrics.md).',
    '',
  ].join('\n');
}
