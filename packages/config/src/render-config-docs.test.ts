import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { CROSS_FIELD_RULES } from './cross-field-rules.js';
import { ORG_RULES } from './org-rules.js';
import { CONFIG_DOCS_PATH, renderConfigDocs } from './render-config-docs.js';
import { fleetSchema, ORG_FIELDS } from './schema.js';
import { listLeaves } from './schema-node.js';

describe('docs/configuration.md', () => {
  it('is up to date with the schema', () => {
    const committed = readFileSync(CONFIG_DOCS_PATH, 'utf8');
    expect(committed, 'docs/configuration.md is stale: run `pnpm docs:config`').toBe(
      renderConfigDocs(),
    );
  });

  it('documents every key, org key and rule', () => {
    const docs = renderConfigDocs();
    for (const { path } of listLeaves(fleetSchema)) expect(docs).toContain(`| \`${path}\` |`);
    for (const key of Object.keys(ORG_FIELDS))
      expect(docs).toContain(`| \`github.orgs[].${key}\` |`);
    for (const rule of [...ORG_RULES, ...CROSS_FIELD_RULES])
      expect(docs).toContain(`- ${rule.description}`);
  });

  it('marks secrets and ignored keys, and names their env variables', () => {
    const docs = renderConfigDocs();
    const row = (path: string) =>
      docs.split('\n').find((line) => line.startsWith(`| \`${path}\` |`)) ?? '';
    expect(row('store.redis_password')).toContain(
      '`GITHUB_STATS_REDIS_PASSWORD`, `GITHUB_STATS_REDIS_PASSWORD_FILE`',
    );
    expect(row('store.redis_password')).toContain('**Secret**');
    expect(row('amqp.url')).toContain('`amqp://guest:[REDACTED]@127.0.0.1:5672`');
    expect(row('store.index_shards')).toContain('**Ignored**');
    expect(row('server.log_level')).toContain('`GITHUB_STATS_LOG_LEVEL`');
  });
});
