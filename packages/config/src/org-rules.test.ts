import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { createConfigDir, type ConfigDir } from '../test/config-fixture.js';
import { loadConfig } from './load-config.js';

let dirs: ConfigDir;

beforeEach(() => {
  dirs = createConfigDir();
});

afterEach(() => {
  dirs.remove();
});

function orgsYaml(...entries: string[]): string {
  return `github:\n  orgs:\n${entries.map((entry) => `    - ${entry.trim().replaceAll('\n', '\n      ')}\n`).join('')}`;
}

const ACME = `
org: acme
app_id: 1
installation_id: 2
private_key_path: keys/acme.pem
scrape_interval: 5m`;

function problemsOf(yaml: string): [string, string][] {
  return dirs.loadError(yaml).problems.map((problem) => [problem.path, problem.message]);
}

describe('github.orgs', () => {
  it('requires at least one org', () => {
    expect(problemsOf('server:\n  log_level: info\n')).toEqual([
      ['github.orgs', 'must list at least one org'],
    ]);
    expect(problemsOf('github:\n  orgs: []\n')).toEqual([
      ['github.orgs', 'must list at least one org'],
    ]);
  });

  it('requires a list of mappings', () => {
    expect(problemsOf('github:\n  orgs: acme\n')).toEqual([
      ['github.orgs', 'must be a list of org mappings'],
    ]);
    expect(problemsOf('github:\n  orgs: [acme]\n')).toEqual([
      ['github.orgs', 'item 0 must be a mapping with org, app_id, ...'],
    ]);
  });

  it('requires org, app_id, installation_id, private_key_path and scrape_interval', () => {
    expect(problemsOf(orgsYaml('repo_allowlist: ["api"]'))).toEqual([
      ['github.orgs[0].org', 'is required'],
      ['github.orgs[0].app_id', 'is required'],
      ['github.orgs[0].installation_id', 'is required'],
      ['github.orgs[0].private_key_path', 'is required'],
      ['github.orgs[0].scrape_interval', 'is required'],
    ]);
  });

  it('checks every value of an entry', () => {
    const entry = `
org: ""
app_id: 0
installation_id: "2"
private_key_path: ""
scrape_interval: 0s
repo_allowlist: []
per_org_concurrency: 0`;
    expect(problemsOf(orgsYaml(entry))).toEqual([
      ['github.orgs[0].org', 'must not be empty'],
      ['github.orgs[0].app_id', 'must be at least 1'],
      ['github.orgs[0].installation_id', 'must be an integer'],
      ['github.orgs[0].private_key_path', 'must not be empty'],
      ['github.orgs[0].scrape_interval', 'must be greater than zero'],
      ['github.orgs[0].repo_allowlist', 'must not be empty'],
      ['github.orgs[0].per_org_concurrency', 'must be at least 1'],
    ]);
  });

  it('rejects a negative app_id and a repo_allowlist with an empty name', () => {
    expect(
      problemsOf(
        orgsYaml(
          `${ACME}\nrepo_allowlist: ["api", ""]`,
          ACME.replace('acme', 'globex').replace('app_id: 1', 'app_id: -1'),
        ),
      ),
    ).toEqual([
      ['github.orgs[0].repo_allowlist', 'item 1 must be a non-empty string'],
      ['github.orgs[1].app_id', 'must be at least 1'],
    ]);
  });

  it('rejects duplicate org names, case-insensitively, naming the first entry', () => {
    const error = dirs.loadError(
      orgsYaml(
        ACME,
        ACME.replace('org: acme', 'org: globex'),
        ACME.replace('org: acme', 'org: ACME'),
      ),
    );
    expect(error.problems).toEqual([
      {
        path: 'github.orgs[2].org',
        value: '"ACME"',
        message: 'duplicate org: github.orgs[0] already scrapes it',
        allowed: 'an org not listed by another entry (case-insensitive)',
      },
    ]);
  });

  it('requires a readable key file, resolved against the config file directory', () => {
    mkdirSync(join(dirs.dir, 'keys/a-directory.pem'), { recursive: true });
    const error = dirs.loadError(
      orgsYaml(
        ACME.replace('keys/acme.pem', 'keys/missing.pem'),
        ACME.replace('org: acme', 'org: globex').replace('keys/acme.pem', 'keys/a-directory.pem'),
      ),
    );
    expect(error.problems).toEqual([
      {
        path: 'github.orgs[0].private_key_path',
        value: '"keys/missing.pem"',
        message: `cannot read the key file ${join(dirs.dir, 'keys/missing.pem')} (ENOENT)`,
        allowed: "a readable PEM file; relative paths resolve against the config file's directory",
      },
      {
        path: 'github.orgs[1].private_key_path',
        value: '"keys/a-directory.pem"',
        message: `cannot read the key file ${join(dirs.dir, 'keys/a-directory.pem')} (not a file)`,
        allowed: "a readable PEM file; relative paths resolve against the config file's directory",
      },
    ]);
  });

  it('skips the key files for a service that needs no GitHub keys (the metrics-gateway)', () => {
    const path = dirs.write(
      'config.yaml',
      orgsYaml(ACME.replace('keys/acme.pem', 'keys/missing.pem')),
    );
    const env = { GITHUB_STATS_CONFIG: path };
    const { config } = loadConfig({ env, cwd: dirs.dir, needsGitHubKeys: false });
    expect(config.github.orgs[0]?.privateKeyPath).toBe(join(dirs.dir, 'keys/missing.pem'));
    expect(() => loadConfig({ env, cwd: dirs.dir })).toThrow(
      `cannot read the key file ${join(dirs.dir, 'keys/missing.pem')} (ENOENT)`,
    );
  });

  it('reports every broken entry, not just the first', () => {
    const second = ACME.replace('org: acme', 'org: globex').replace(
      'scrape_interval: 5m',
      'scrape_interval: -1m',
    );
    const third = ACME.replace('org: acme', 'org: initech').replace(
      'installation_id: 2',
      'installation_id: 0',
    );
    expect(problemsOf(orgsYaml(ACME, second, third))).toEqual([
      ['github.orgs[1].scrape_interval', 'must not be negative'],
      ['github.orgs[2].installation_id', 'must be at least 1'],
    ]);
  });
});
