import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { createConfigDir, type ConfigDir } from '../test/config-fixture.js';

let dirs: ConfigDir;

beforeEach(() => {
  dirs = createConfigDir();
});

afterEach(() => {
  dirs.remove();
});

// Issue #2, "Done when": one config with an unknown key, a negative duration, a duplicate org
// and an unreadable key file fails with one message naming all four, and prints no secret.
describe('a config with four different mistakes', () => {
  const yaml = `
server:
  log_level: info
  listen_port: 8080
store:
  redis_password: "correct-horse-battery-staple"
amqp:
  url: "amqp://gse:rabbit-secret@rabbitmq:5672/"
github:
  orgs:
    - org: acme
      app_id: 1
      installation_id: 11
      private_key_path: keys/acme.pem
      scrape_interval: -5m
    - org: acme
      app_id: 2
      installation_id: 22
      private_key_path: keys/nowhere.pem
      scrape_interval: 5m
`;

  it('fails with one error naming all four problems', () => {
    const error = dirs.loadError(yaml);
    const file = join(dirs.dir, 'config.yaml');
    expect(error.message).toBe(
      [
        `invalid configuration in ${file}: 4 problems`,
        '  - server.listen_port: unknown key; got [REDACTED]; allowed: a key of server: listen_addr, log_level, auth, tls',
        '  - github.orgs[0].scrape_interval: must not be negative; got "-5m"; allowed: a duration > 0: a number with a unit ms, s, m, h, d or w (e.g. 500ms, 30s, 5m, 24h, 7d, 2w; parts may be combined: 1h30m)',
        '  - github.orgs[1].org: duplicate org: github.orgs[0] already scrapes it; got "acme"; allowed: an org not listed by another entry (case-insensitive)',
        `  - github.orgs[1].private_key_path: cannot read the key file ${join(dirs.dir, 'keys/nowhere.pem')} (ENOENT); got "keys/nowhere.pem"; allowed: a readable PEM file; relative paths resolve against the config file's directory`,
      ].join('\n'),
    );
    expect(error.problems.map((problem) => problem.path)).toEqual([
      'server.listen_port',
      'github.orgs[0].scrape_interval',
      'github.orgs[1].org',
      'github.orgs[1].private_key_path',
    ]);
  });

  it('never shows the secrets set in the file, nor those from the env', () => {
    const error = dirs.loadError(yaml, { GITHUB_STATS_REDIS_PASSWORD: 'env-password' });
    const everything = `${error.message}\n${JSON.stringify(error.problems)}\n${String(error.stack)}`;
    for (const secret of ['correct-horse-battery-staple', 'rabbit-secret', 'env-password']) {
      expect(everything).not.toContain(secret);
    }
  });
});
