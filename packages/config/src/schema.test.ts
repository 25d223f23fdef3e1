import { describe, expect, it } from 'vitest';

import { ENV_PREFIX } from './env-overrides.js';
import { fleetSchema, ORG_FIELDS, SECTION_DOCS } from './schema.js';
import { listLeaves } from './schema-node.js';

const entries = listLeaves(fleetSchema);

describe('fleetSchema', () => {
  it('reads only GITHUB_STATS_* variables', () => {
    const envs = entries.flatMap(({ spec }) => (spec.env === undefined ? [] : [spec.env]));
    expect(envs).toEqual([
      'GITHUB_STATS_LOG_LEVEL',
      'GITHUB_STATS_METRICS_BEARER_TOKEN',
      'GITHUB_STATS_METRICS_BASIC_PASSWORD',
      'GITHUB_STATS_AMQP_URL',
      'GITHUB_STATS_REDIS_ADDR',
      'GITHUB_STATS_REDIS_PASSWORD',
      'GITHUB_STATS_COPILOT_USER_LABEL_SALT',
      'GITHUB_STATS_ADMIN_BEARER_TOKEN',
      'GITHUB_STATS_ADMIN_BASIC_PASSWORD',
    ]);
    for (const name of envs) expect(name.startsWith(ENV_PREFIX)).toBe(true);
  });

  it('marks the secrets, each with an env variable', () => {
    const secrets = entries.filter(({ spec }) => spec.sensitive === true);
    expect(secrets.map(({ path }) => path)).toEqual([
      'server.auth.bearer_token',
      'server.auth.basic_password',
      'amqp.url',
      'store.redis_password',
      'copilot.user_label_salt',
      'services.admin.auth.bearer_token',
      'services.admin.auth.basic_password',
    ]);
    for (const { spec } of secrets) expect(spec.env).toBeDefined();
  });

  it('accepts and ignores exactly the Go exporter keys without a meaning here', () => {
    const ignored = entries
      .filter(({ spec }) => spec.ignored !== undefined)
      .map(({ path }) => path);
    expect(ignored.filter((path) => !path.startsWith('copilot.'))).toEqual([
      'metrics.scrape_service_dns',
      'leader_election.namespace',
      'leader_election.lease_name',
      'store.backend',
      'store.index_shards',
      'store.export_cache_mode',
    ]);
    // Every telemetry and Copilot key has a meaning here (issues 13 and 14).
    expect(
      entries
        .filter(
          ({ path, spec }) =>
            (path.startsWith('copilot.') || path.startsWith('telemetry.')) &&
            spec.ignored !== undefined,
        )
        .map(({ path }) => path),
    ).toEqual([]);
  });

  it('has defaults that pass their own formats, except the orgs an operator must list', () => {
    const failing = entries.filter(({ spec }) => {
      try {
        spec.format(spec.default);
        return false;
      } catch {
        return true;
      }
    });
    expect(failing.map(({ path }) => path)).toEqual(['github.orgs']);
    expect(() => {
      ORG_FIELDS.repo_allowlist.format(ORG_FIELDS.repo_allowlist.default);
      ORG_FIELDS.per_org_concurrency.format(ORG_FIELDS.per_org_concurrency.default);
    }).not.toThrow();
  });

  it('documents every section', () => {
    expect(Object.keys(SECTION_DOCS)).toEqual(Object.keys(fleetSchema));
  });
});
