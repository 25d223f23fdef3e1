import { copyFileSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import YAML from 'yaml';

import { createConfigDir, DUMMY_KEY, type ConfigDir } from '../test/config-fixture.js';
import { isMapping } from './formats.js';
import { createFleetConvict } from './fleet-convict.js';
import { loadConfig } from './load-config.js';
import { fleetSchema, ORG_FIELDS } from './schema.js';
import { listLeaves } from './schema-node.js';

const EXAMPLE_PATH = fileURLToPath(new URL('../../../config/example.yaml', import.meta.url));

/** Every key path of a parsed config, `github.orgs[].<key>` for the org entries. */
function keyPaths(node: Record<string, unknown>, prefix = ''): string[] {
  return Object.entries(node).flatMap(([key, value]) => {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    if (path === 'github.orgs' && Array.isArray(value)) {
      const entryKeys = value.filter(isMapping).flatMap((entry) => Object.keys(entry));
      return [path, ...new Set(entryKeys.map((entryKey) => `github.orgs[].${entryKey}`))];
    }
    return isMapping(value) ? keyPaths(value, path) : [path];
  });
}

let dirs: ConfigDir;

beforeEach(() => {
  dirs = createConfigDir();
});

afterEach(() => {
  dirs.remove();
});

describe('config/example.yaml', () => {
  const example = YAML.parse(readFileSync(EXAMPLE_PATH, 'utf8')) as Record<string, unknown>;

  it('lists every key of the schema, and no other', () => {
    const schemaKeys = [
      ...listLeaves(fleetSchema).map((entry) => entry.path),
      ...Object.keys(ORG_FIELDS).map((key) => `github.orgs[].${key}`),
    ];
    expect(keyPaths(example).sort()).toEqual(schemaKeys.sort());
  });

  it('shows the default of every key but the orgs', () => {
    const mismatches = listLeaves(fleetSchema)
      .filter(({ path }) => path !== 'github.orgs')
      .filter(({ path, spec }) => {
        const value = path
          .split('.')
          .reduce<unknown>((node, key) => (isMapping(node) ? node[key] : undefined), example);
        return JSON.stringify(value) !== JSON.stringify(spec.default);
      })
      .map(({ path }) => path);
    expect(mismatches).toEqual([]);
  });

  it('loads, with its key files beside it, warning about the ignored keys it lists', () => {
    const path = `${dirs.dir}/example.yaml`;
    copyFileSync(EXAMPLE_PATH, path);
    dirs.write('keys/org-a.pem', DUMMY_KEY);
    dirs.write('keys/org-b.pem', DUMMY_KEY);
    const loaded = loadConfig({ env: { GITHUB_STATS_CONFIG: path }, cwd: '/' });
    expect(
      loaded.config.github.orgs.map((org) => [org.org, org.privateKeyPath, org.scrapeIntervalMs]),
    ).toEqual([
      ['org-a', `${dirs.dir}/keys/org-a.pem`, 300_000],
      ['org-b', `${dirs.dir}/keys/org-b.pem`, 900_000],
    ]);
    expect(loaded.config.github.orgs[1]?.repoAllowlist).toEqual(['api', 'web']);
    expect(loaded.warnings.map((warning) => warning.split(' (')[0])).toEqual([
      'accepted but ignored',
      'accepted but ignored',
      'accepted but ignored',
    ]);
    // Every copilot and telemetry key of the Go exporter has a meaning here.
    expect(loaded.warnings.join('\n')).not.toMatch(/copilot\.|telemetry\./);
  });

  it("also loads through convict's own loadFile with the registered YAML parser", () => {
    const store = createFleetConvict({});
    store.loadFile(EXAMPLE_PATH);
    expect(store.get('github.orgs')).toHaveLength(2);
    expect(store.get('backfill.requeue_delays')).toEqual(['1m', '5m', '30m', '2h']);
  });
});
