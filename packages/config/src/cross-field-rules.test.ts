import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { createConfigDir, MINIMAL_YAML, type ConfigDir } from '../test/config-fixture.js';

let dirs: ConfigDir;

beforeEach(() => {
  dirs = createConfigDir();
});

afterEach(() => {
  dirs.remove();
});

function problemsOf(extraYaml: string): [string, string][] {
  return dirs
    .loadError(`${MINIMAL_YAML}${extraYaml}`)
    .problems.map((problem) => [problem.path, problem.message]);
}

function loads(extraYaml: string): void {
  expect(() => dirs.load(`${MINIMAL_YAML}${extraYaml}`)).not.toThrow();
}

describe('store.redis_mode sentinel', () => {
  it('needs sentinel addresses and a master set', () => {
    expect(problemsOf('store:\n  redis_mode: sentinel\n')).toEqual([
      [
        'store.redis_sentinel_addrs',
        'must list at least one sentinel when store.redis_mode is sentinel',
      ],
      ['store.redis_master_set', 'must be set when store.redis_mode is sentinel'],
    ]);
  });

  it('loads with both, and parses the addresses', () => {
    const { config } = dirs.load(
      `${MINIMAL_YAML}store:\n  redis_mode: sentinel\n  redis_master_set: mymaster\n  redis_sentinel_addrs: ["s1:26379", "[::1]:26380"]\n`,
    );
    expect(config.store.redisSentinelAddrs).toEqual([
      { host: 's1', port: 26379 },
      { host: '::1', port: 26380 },
    ]);
    expect(config.store.redisMasterSet).toBe('mymaster');
  });
});

describe('loc fallback budgets', () => {
  it('must be > 0 when the fallback is enabled', () => {
    expect(
      problemsOf(
        'loc:\n  fallback_enabled: true\n  fallback_max_commits_per_repo_per_week: 0\n  fallback_max_commit_detail_calls_per_org_per_hour: 0\n',
      ),
    ).toEqual([
      [
        'loc.fallback_max_commits_per_repo_per_week',
        'must be greater than zero when loc.fallback_enabled is true',
      ],
      [
        'loc.fallback_max_commit_detail_calls_per_org_per_hour',
        'must be greater than zero when loc.fallback_enabled is true',
      ],
    ]);
  });

  it('may be 0 while the fallback is off', () => {
    loads('loc:\n  fallback_enabled: false\n  fallback_max_commits_per_repo_per_week: 0\n');
  });
});

describe('leader election timing', () => {
  it('needs renew_deadline < lease_duration and retry_period < renew_deadline', () => {
    expect(
      problemsOf(
        'leader_election:\n  lease_duration: 10s\n  renew_deadline: 10s\n  retry_period: 15s\n',
      ),
    ).toEqual([
      [
        'leader_election.renew_deadline',
        'must be shorter than leader_election.lease_duration (10s)',
      ],
      ['leader_election.retry_period', 'must be shorter than leader_election.renew_deadline (10s)'],
    ]);
  });

  it('compares with the defaults when only one key is set', () => {
    expect(problemsOf('leader_election:\n  renew_deadline: 1m\n')).toEqual([
      [
        'leader_election.renew_deadline',
        'must be shorter than leader_election.lease_duration (30s)',
      ],
    ]);
  });

  it('is skipped when a value it reads is itself invalid, so only that value is reported', () => {
    expect(problemsOf('leader_election:\n  lease_duration: -1s\n  renew_deadline: 1m\n')).toEqual([
      ['leader_election.lease_duration', 'must not be negative'],
    ]);
  });
});

describe('retry backoff', () => {
  it('needs initial_backoff <= max_backoff', () => {
    expect(problemsOf('retry:\n  initial_backoff: 1m\n  max_backoff: 30s\n')).toEqual([
      ['retry.initial_backoff', 'must not be longer than retry.max_backoff (30s)'],
    ]);
    loads('retry:\n  initial_backoff: 30s\n  max_backoff: 30s\n');
  });
});

describe('rate_limit points per minute', () => {
  it('leave a mutating request (5 points) room after the scheduled reserve, naming the keys', () => {
    expect(
      problemsOf(
        'rate_limit:\n  rest_points_per_minute: 6\n  graphql_points_per_minute: 9\n  scheduled_points_reserve: 0.5\n',
      ),
    ).toEqual([
      [
        'rate_limit.rest_points_per_minute',
        'leaves 3 points a minute to history reads and backfills after rate_limit.scheduled_points_reserve (0.5); a mutating request needs 5',
      ],
      [
        'rate_limit.graphql_points_per_minute',
        'leaves 4 points a minute to history reads and backfills after rate_limit.scheduled_points_reserve (0.5); a mutating request needs 5',
      ],
    ]);
    loads(
      'rate_limit:\n  rest_points_per_minute: 10\n  graphql_points_per_minute: 10\n  scheduled_points_reserve: 0.5\n',
    );
  });
});

describe('metrics-gateway addresses', () => {
  it('must not overlap, since the gateway opens both', () => {
    expect(
      problemsOf(
        'server:\n  listen_addr: "0.0.0.0:9104"\nservices:\n  metrics_gateway:\n    listen_addr: "127.0.0.1:9104"\n',
      ),
    ).toEqual([
      [
        'services.metrics_gateway.listen_addr',
        'must not overlap server.listen_addr (0.0.0.0:9104): metrics-gateway opens both',
      ],
    ]);
  });

  it('keep the admin listener off by default and off the other two ports when set', () => {
    expect(
      problemsOf(
        'server:\n  listen_addr: "0.0.0.0:8080"\nservices:\n  admin:\n    listen_addr: "127.0.0.1:8080"\n    auth:\n      basic_username: ops\n',
      ),
    ).toEqual([
      [
        'services.admin.listen_addr',
        'must not overlap server.listen_addr (0.0.0.0:8080): metrics-gateway opens both',
      ],
      [
        'services.admin.auth.basic_password',
        'must be set when services.admin.auth.basic_username is',
      ],
    ]);
    expect(problemsOf('services:\n  admin:\n    listen_addr: "nine"\n')).toEqual([
      [
        'services.admin.listen_addr',
        'must be empty (off) or host:port with port 0-65535, e.g. 0.0.0.0:9101, redis:6379, [::1]:8080 or :8080 (all interfaces)',
      ],
    ]);
    loads('services:\n  admin:\n    listen_addr: "127.0.0.1:9105"\n');
  });

  it('may share a port on different hosts, or both ask for port 0', () => {
    loads(
      'server:\n  listen_addr: "10.0.0.1:8080"\nservices:\n  metrics_gateway:\n    listen_addr: "127.0.0.1:8080"\n',
    );
    loads(
      'server:\n  listen_addr: "127.0.0.1:0"\nservices:\n  metrics_gateway:\n    listen_addr: "127.0.0.1:0"\n',
    );
  });
});

describe('key prefixes', () => {
  it('keep store keys and queue keys apart', () => {
    expect(problemsOf('store:\n  key_prefix: gse\nbullmq:\n  prefix: "gse:bull"\n')).toEqual([
      ['bullmq.prefix', 'must not share a key namespace with store.key_prefix (gse)'],
    ]);
    expect(problemsOf('bullmq:\n  prefix: gse\n')).toEqual([
      ['bullmq.prefix', 'must not share a key namespace with store.key_prefix (gse)'],
    ]);
    loads('store:\n  key_prefix: gse-prod\nbullmq:\n  prefix: gse-prod-bull\n');
  });
});

describe('server.tls', () => {
  it('needs both paths, each a readable file', () => {
    expect(problemsOf('server:\n  tls:\n    cert_path: tls/cert.pem\n')).toEqual([
      ['server.tls.cert_path', `cannot read ${dirs.dir}/tls/cert.pem (ENOENT)`],
      ['server.tls.key_path', 'must be set when the other server.tls path is'],
    ]);
  });

  it('loads with both files, resolved against the config file', () => {
    mkdirSync(join(dirs.dir, 'tls'));
    writeFileSync(join(dirs.dir, 'tls/cert.pem'), 'cert');
    writeFileSync(join(dirs.dir, 'tls/key.pem'), 'key');
    const { config } = dirs.load(
      `${MINIMAL_YAML}server:\n  tls:\n    cert_path: tls/cert.pem\n    key_path: tls/key.pem\n`,
    );
    expect(config.server.tls).toEqual({
      certPath: join(dirs.dir, 'tls/cert.pem'),
      keyPath: join(dirs.dir, 'tls/key.pem'),
    });
  });
});

describe('server.auth basic', () => {
  it('needs the user and the password together', () => {
    expect(problemsOf('server:\n  auth:\n    basic_username: prometheus\n')).toEqual([
      ['server.auth.basic_password', 'must be set when server.auth.basic_username is'],
    ]);
    expect(problemsOf('server:\n  auth:\n    basic_password: s3cret\n')).toEqual([
      ['server.auth.basic_username', 'must be set when server.auth.basic_password is'],
    ]);
  });

  it('takes the bearer token and basic password from the env', () => {
    const { config } = dirs.load(
      `${MINIMAL_YAML}server:\n  auth:\n    basic_username: prometheus\n`,
      {
        GITHUB_STATS_METRICS_BASIC_PASSWORD: 's3cret',
        GITHUB_STATS_METRICS_BEARER_TOKEN: 't0ken',
      },
    );
    expect(config.server.auth).toEqual({
      bearerToken: 't0ken',
      basicUsername: 'prometheus',
      basicPassword: 's3cret',
    });
  });
});

describe('telemetry (tracing)', () => {
  it('needs a collector once tracing is on, and a URL', () => {
    expect(problemsOf('telemetry:\n  otel_enabled: true\n  otel_trace_mode: errors\n')).toEqual([
      ['telemetry.otel_exporter_otlp_endpoint', 'must be set when tracing is on'],
    ]);
    expect(problemsOf("telemetry:\n  otel_exporter_otlp_endpoint: 'collector:4318'\n")).toEqual([
      ['telemetry.otel_exporter_otlp_endpoint', 'must be an http:// or https:// URL'],
    ]);
  });

  it('maps the keys, tracing off unless enabled with a mode', () => {
    const on = dirs.load(
      `${MINIMAL_YAML}telemetry:\n  otel_enabled: true\n  otel_trace_mode: sampled\n  otel_exporter_otlp_endpoint: http://collector:4317\n  otel_exporter_otlp_protocol: grpc\n`,
    ).config.telemetry;
    expect(on).toEqual({
      tracingEnabled: true,
      traceMode: 'sampled',
      traceSampleRatio: 0.05,
      otlpEndpoint: 'http://collector:4317',
      otlpProtocol: 'grpc',
    });
    const modeOnly = dirs.load(`${MINIMAL_YAML}telemetry:\n  otel_trace_mode: errors\n`);
    expect(modeOnly.config.telemetry.tracingEnabled).toBe(false);
  });
});
