import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import {
  createConfigDir,
  DUMMY_KEY,
  MINIMAL_YAML,
  type ConfigDir,
} from '../test/config-fixture.js';

let dirs: ConfigDir;
beforeEach(() => {
  dirs = createConfigDir();
});
afterEach(() => {
  dirs.remove();
});

const FULL = `${MINIMAL_YAML}copilot:
  enabled: true
  scrape_interval: 2h
  request_timeout: 12s
  download_timeout: 45s
  include_org_28d: false
  include_org_users_28d: true
  include_enterprise_28d: true
  include_enterprise_users_28d: true
  include_pull_request_activity: false
  refresh_if_report_unchanged: true
  include_breakdown_ide: true
  include_breakdown_feature: false
  include_breakdown_language: true
  include_breakdown_model: false
  user_label_mode: hashed
  user_label_salt: 0123456789abcdef
  emit_day_label: true
  max_records_per_report: 5000
  max_users_per_report: 300
  enterprise:
    enabled: true
    slug: acme-corp
    app_id: 9
    installation_id: 10
    private_key_path: keys/enterprise.pem
`;

describe('copilot.* keys', () => {
  it("are off by default; on, each org's aggregate report is read (the Go exporter's defaults)", () => {
    const { config, warnings } = dirs.load(MINIMAL_YAML);
    expect(config.copilot).toEqual({
      enabled: false,
      scrapeIntervalMs: 6 * 3_600_000,
      requestTimeoutMs: 30_000,
      downloadTimeoutMs: 90_000,
      orgReports: ['aggregate'],
      pullRequests: true,
      refreshUnchanged: false,
      breakdowns: { ide: false, feature: false, language: false, model: false },
      userLabelMode: 'login',
      userLabelSalt: '',
      emitDayLabel: false,
      maxRecordsPerReport: 0,
      maxUsersPerReport: 0,
      enterprise: undefined,
    });
    expect(warnings).toEqual([]);
    const on = dirs.load(`${MINIMAL_YAML}copilot:\n  enabled: true\n`);
    expect(on.config.copilot.orgReports).toEqual(['aggregate']);
    expect(on.warnings).toEqual([]);
  });

  it('map every key, the enterprise key path resolved against the config file', () => {
    dirs.write('keys/enterprise.pem', DUMMY_KEY);
    const { config, warnings } = dirs.load(FULL);
    expect(config.copilot).toEqual({
      enabled: true,
      scrapeIntervalMs: 2 * 3_600_000,
      requestTimeoutMs: 12_000,
      downloadTimeoutMs: 45_000,
      orgReports: ['users'],
      pullRequests: false,
      refreshUnchanged: true,
      breakdowns: { ide: true, feature: false, language: true, model: false },
      userLabelMode: 'hashed',
      userLabelSalt: '0123456789abcdef',
      emitDayLabel: true,
      maxRecordsPerReport: 5000,
      maxUsersPerReport: 300,
      enterprise: {
        reports: ['aggregate', 'users'],
        slug: 'acme-corp',
        appId: 9,
        installationId: 10,
        privateKeyPath: `${dirs.dir}/keys/enterprise.pem`,
      },
    });
    expect(warnings).toEqual([]);
  });

  it('take the salt from the env, and never show it in an error', () => {
    const salt = 'from-the-env-0123456789';
    dirs.write('keys/enterprise.pem', DUMMY_KEY);
    const yaml = FULL.replace('  user_label_salt: 0123456789abcdef\n', '');
    expect(
      dirs.load(yaml, { GITHUB_STATS_COPILOT_USER_LABEL_SALT: salt }).config.copilot.userLabelSalt,
    ).toBe(salt);
    const error = dirs.loadError(FULL.replace('0123456789abcdef', 'short-secret'));
    expect(error.problems).toEqual([
      {
        path: 'copilot.user_label_salt',
        value: '[REDACTED]',
        message: 'must be set when copilot.user_label_mode is hashed',
        allowed:
          'a secret of at least 16 characters (best from GITHUB_STATS_COPILOT_USER_LABEL_SALT)',
      },
    ]);
    expect(error.message).not.toContain('short-secret');
  });

  it('need the enterprise App when the enterprise is on', () => {
    const error = dirs.loadError(
      FULL.replace('slug: acme-corp', "slug: ''")
        .replace('app_id: 9', 'app_id: 0')
        .replace('installation_id: 10', 'installation_id: 0'),
    );
    expect(error.problems.map((problem) => [problem.path, problem.message])).toEqual([
      ['copilot.enterprise.slug', 'must be the enterprise slug'],
      ['copilot.enterprise.app_id', 'must be set when copilot.enterprise.enabled is true'],
      ['copilot.enterprise.installation_id', 'must be set when copilot.enterprise.enabled is true'],
      [
        'copilot.enterprise.private_key_path',
        expect.stringContaining(`cannot read the key file ${dirs.dir}/keys/enterprise.pem`),
      ],
    ]);
  });

  it('read the enterprise reports switched on, none without either, and check nothing while off', () => {
    dirs.write('keys/enterprise.pem', DUMMY_KEY);
    const aggregateOnly = dirs.load(
      FULL.replace('include_enterprise_users_28d: true', 'include_enterprise_users_28d: false'),
    );
    expect(aggregateOnly.config.copilot.enterprise?.reports).toEqual(['aggregate']);
    const { config } = dirs.load(
      FULL.replace(
        'include_enterprise_users_28d: true',
        'include_enterprise_users_28d: false',
      ).replace('include_enterprise_28d: true', 'include_enterprise_28d: false'),
    );
    expect(config.copilot.enterprise).toBeUndefined();
    const off = dirs.load(`${MINIMAL_YAML}copilot:\n  enterprise:\n    enabled: true\n`);
    expect(off.config.copilot.enabled).toBe(false);
  });

  it.each([
    ['user_label_mode: email', 'copilot.user_label_mode'],
    ['scrape_interval: 0s', 'copilot.scrape_interval'],
    ['download_timeout: soon', 'copilot.download_timeout'],
    ['request_timeout: 0s', 'copilot.request_timeout'],
    ['include_org_28d: maybe', 'copilot.include_org_28d'],
    ['include_pull_request_activity: 1', 'copilot.include_pull_request_activity'],
    ['refresh_if_report_unchanged: yes please', 'copilot.refresh_if_report_unchanged'],
    ['max_users_per_report: -1', 'copilot.max_users_per_report'],
  ])('refuse %s', (line, path) => {
    const error = dirs.loadError(`${MINIMAL_YAML}copilot:\n  ${line}\n`);
    expect(error.problems.map((problem) => problem.path)).toEqual([path]);
  });
});
