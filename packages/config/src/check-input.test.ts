import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { createConfigDir, MINIMAL_YAML, type ConfigDir } from '../test/config-fixture.js';

let dirs: ConfigDir;

beforeEach(() => {
  dirs = createConfigDir();
});

afterEach(() => {
  dirs.remove();
});

function problemsOf(extraYaml: string) {
  return dirs.loadError(`${MINIMAL_YAML}${extraYaml}`).problems;
}

describe('unknown keys', () => {
  it('fail at the top level, in sections, in nested sections and inside copilot', () => {
    const problems = problemsOf(`
servr:
  listen_addr: ":8080"
store:
  redis_pasword: hunter2
copilot:
  enabled: false
  surprise: 1
  enterprise:
    region: eu
services:
  scheduler:
    port: 9101
`);
    expect(problems.map((problem) => [problem.path, problem.message, problem.value])).toEqual([
      ['servr', 'unknown key', '[REDACTED]'],
      ['store.redis_pasword', 'unknown key', '[REDACTED]'],
      ['copilot.surprise', 'unknown key', '[REDACTED]'],
      ['copilot.enterprise.region', 'unknown key', '[REDACTED]'],
      ['services.scheduler.port', 'unknown key', '[REDACTED]'],
    ]);
    expect(problems[1]?.allowed).toBe(
      'a key of store: backend, redis_mode, redis_addr, redis_master_set, redis_sentinel_addrs, redis_password, redis_db, key_prefix, retention, gc_interval, metric_refresh_interval, index_shards, export_cache_mode, max_series_budget',
    );
    expect(problems[0]?.allowed).toMatch(/^a key of the top level: server, metrics, /);
  });

  it('fail inside github.orgs[] entries', () => {
    const error = dirs.loadError(`
github:
  orgs:
    - org: acme
      app_id: 1
      installation_id: 2
      private_key_path: keys/acme.pem
      scrape_interval: 5m
      token: ghp_secret
`);
    expect(error.problems).toEqual([
      {
        path: 'github.orgs[0].token',
        value: '[REDACTED]',
        message: 'unknown key',
        allowed:
          'a key of github.orgs[0]: org, app_id, installation_id, private_key_path, scrape_interval, repo_allowlist, per_org_concurrency',
      },
    ]);
    expect(error.message).not.toContain('ghp_secret');
  });

  it('are not confused by inherited object properties', () => {
    expect(
      problemsOf('constructor: 1\ntoString:\n  a: 1\n').map((problem) => problem.path),
    ).toEqual(['constructor', 'toString']);
  });
});

describe('shapes', () => {
  it('rejects a section that is not a mapping, and a mapping where a value belongs', () => {
    const problems = problemsOf(`
server: ":8080"
retry:
  max_backoff:
    deeper:
      still: 1s
`);
    expect(problems[0]).toEqual({
      path: 'server',
      value: '":8080"',
      message: 'must be a mapping',
      allowed: 'a mapping of: listen_addr, log_level, auth, tls',
    });
    expect(
      problems.slice(1).map((problem) => [problem.path, problem.value, problem.message]),
    ).toEqual([['retry.max_backoff', '{"deeper":{"still":"1s"}}', 'must be a string such as 30s']]);
    expect(problems[1]?.allowed).toMatch(/^a duration > 0: /);
  });
});

describe('value formats', () => {
  it.each([
    [
      'server:\n  log_level: verbose',
      'server.log_level',
      'must be one of: debug, info, warn, error',
    ],
    [
      'server:\n  listen_addr: "localhost"',
      'server.listen_addr',
      'must be host:port with port 0-65535, e.g. 0.0.0.0:9101, redis:6379, [::1]:8080 or :8080 (all interfaces)',
    ],
    [
      'services:\n  scraper_worker:\n    listen_addr: "0.0.0.0:70000"',
      'services.scraper_worker.listen_addr',
      'must be host:port with port 0-65535, e.g. 0.0.0.0:9101, redis:6379, [::1]:8080 or :8080 (all interfaces)',
    ],
    ['metrics:\n  topology: per_pod', 'metrics.topology', 'must be one of: single_service_target'],
    ['store:\n  redis_mode: cluster', 'store.redis_mode', 'must be one of: standalone, sentinel'],
    ['loc:\n  source: commits', 'loc.source', 'must be one of: stats_contributors'],
    [
      '  request_timeout: "5 minutes"',
      'github.request_timeout',
      'must be a number with a unit ms, s, m, h, d or w (e.g. 500ms, 30s, 5m, 24h, 7d, 2w; parts may be combined: 1h30m)',
    ],
    ['  unhealthy_cooldown: 0s', 'github.unhealthy_cooldown', 'must be greater than zero'],
    [
      'leader_election:\n  lease_duration: -30s',
      'leader_election.lease_duration',
      'must not be negative',
    ],
    ['retry:\n  max_attempts: 0', 'retry.max_attempts', 'must be at least 1'],
    ['retry:\n  max_attempts: 2.5', 'retry.max_attempts', 'must be an integer'],
    ['retry:\n  jitter: "yes"', 'retry.jitter', 'must be true or false'],
    ['  api_base_url: ghe.example.com/api/v3', 'github.api_base_url', 'must be an absolute URL'],
    [
      '  api_base_url: "ftp://github.example.com"',
      'github.api_base_url',
      'must be an http:// or https:// URL',
    ],
    ['backfill:\n  requeue_delays: []', 'backfill.requeue_delays', 'must not be empty'],
    [
      'backfill:\n  requeue_delays: ["1m", "5m", "5m"]',
      'backfill.requeue_delays',
      'item 2 must be longer than item 1',
    ],
    [
      'backfill:\n  requeue_delays: ["0s", "5m"]',
      'backfill.requeue_delays',
      'item 0 must be greater than zero',
    ],
    [
      'backfill:\n  requeue_delays: ["1m", "-5m"]',
      'backfill.requeue_delays',
      'item 1 must not be negative',
    ],
    ['backfill:\n  requeue_delays: "1m"', 'backfill.requeue_delays', 'must be a list'],
    [
      'store:\n  redis_sentinel_addrs: ["s1:26379", "s2"]',
      'store.redis_sentinel_addrs',
      'item 1 must be host:port with port 0-65535, e.g. 0.0.0.0:9101, redis:6379, [::1]:8080 or :8080 (all interfaces)',
    ],
    [
      'store:\n  key_prefix: "gse prod"',
      'store.key_prefix',
      'must be letters, digits and _ . : - starting with a letter or digit',
    ],
    ['amqp:\n  queue: ""', 'amqp.queue', 'must not be empty'],
    [
      'telemetry:\n  otel_trace_sample_ratio: 1.5',
      'telemetry.otel_trace_sample_ratio',
      'must be between 0 and 1',
    ],
    [
      'copilot:\n  user_label_mode: email',
      'copilot.user_label_mode',
      'must be one of: login, id, hashed, none',
    ],
    ['demo:\n  github_sim_port: 0', 'demo.github_sim_port', 'must be at least 1'],
  ])('rejects %j', (yaml, path, message) => {
    expect(problemsOf(`${yaml}\n`).map((problem) => [problem.path, problem.message])).toEqual([
      [path, message],
    ]);
  });

  it('redacts a secret value that fails its format', () => {
    const error = dirs.loadError(`${MINIMAL_YAML}amqp:\n  url: "https://gse:hunter2@rabbit"\n`);
    expect(error.problems.map((problem) => [problem.path, problem.value])).toEqual([
      ['amqp.url', '[REDACTED]'],
    ]);
    expect(error.message).not.toContain('hunter2');
  });

  it('masks credentials in URLs of keys that are not secret', () => {
    const error = dirs.loadError(
      `${MINIMAL_YAML}  api_base_url: "ftp://bot:ghp_token@ghe.example.com"\n`,
    );
    expect(error.problems[0]?.value).toBe('"ftp://bot:[REDACTED]@ghe.example.com"');
    expect(error.message).not.toContain('ghp_token');
  });
});
