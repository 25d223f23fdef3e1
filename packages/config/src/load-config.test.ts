import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import {
  createConfigDir,
  DUMMY_KEY,
  MINIMAL_YAML,
  type ConfigDir,
} from '../test/config-fixture.js';
import { ConfigError } from './config-error.js';
import { DEMO_ORGS, demoKeyPath, demoKeysDir } from './demo.js';
import { loadConfig, locateConfig } from './load-config.js';

let dirs: ConfigDir;

beforeEach(() => {
  dirs = createConfigDir();
});

afterEach(() => {
  dirs.remove();
});

describe('loadConfig: where the config comes from', () => {
  it('reads GITHUB_STATS_CONFIG before config/local.yaml', () => {
    dirs.write('config/local.yaml', MINIMAL_YAML.replace('acme', 'local-org'));
    dirs.write('config/keys/acme.pem', DUMMY_KEY);
    const explicit = dirs.write(
      'elsewhere/explicit.yaml',
      MINIMAL_YAML.replace('org: acme', 'org: explicit-org'),
    );
    dirs.write('elsewhere/keys/acme.pem', DUMMY_KEY);
    const loaded = loadConfig({ env: { GITHUB_STATS_CONFIG: explicit }, cwd: dirs.dir });
    expect(loaded.source).toEqual({ kind: 'file', path: explicit });
    expect(loaded.config.github.orgs.map((org) => org.org)).toEqual(['explicit-org']);
  });

  it('resolves a relative GITHUB_STATS_CONFIG against cwd', () => {
    dirs.write('conf/gse.yaml', MINIMAL_YAML);
    dirs.write('conf/keys/acme.pem', DUMMY_KEY);
    const loaded = loadConfig({ env: { GITHUB_STATS_CONFIG: 'conf/gse.yaml' }, cwd: dirs.dir });
    expect(loaded.source).toEqual({ kind: 'file', path: join(dirs.dir, 'conf/gse.yaml') });
  });

  it('reads <cwd>/config/local.yaml when GITHUB_STATS_CONFIG is unset or empty', () => {
    const local = dirs.write('config/local.yaml', MINIMAL_YAML);
    dirs.write('config/keys/acme.pem', DUMMY_KEY);
    for (const env of [{}, { GITHUB_STATS_CONFIG: '' }]) {
      const loaded = loadConfig({ env, cwd: dirs.dir });
      expect(loaded.source).toEqual({ kind: 'file', path: local });
      expect(loaded.config.demo.enabled).toBe(false);
    }
  });

  it('falls back to the demo defaults when there is no file', () => {
    const loaded = loadConfig({ env: {}, cwd: dirs.dir });
    expect(loaded.source).toEqual({ kind: 'demo' });
    expect(loaded.warnings).toEqual([]);
    const { config } = loaded;
    expect(config.demo).toEqual({ enabled: true, seed: 42, githubSimPort: 9900 });
    expect(config.github.apiBaseUrl).toBe('http://127.0.0.1:9900');
    expect(config.github.orgs).toEqual([
      {
        org: 'acme',
        appId: 101,
        installationId: 1001,
        privateKeyPath: join(tmpdir(), 'github-stats-exporter-demo', 'keys', 'acme.pem'),
        scrapeIntervalMs: 60_000,
        repoAllowlist: ['*'],
        perOrgConcurrency: 1,
      },
      {
        org: 'globex',
        appId: 102,
        installationId: 1002,
        privateKeyPath: join(tmpdir(), 'github-stats-exporter-demo', 'keys', 'globex.pem'),
        scrapeIntervalMs: 60_000,
        repoAllowlist: ['*'],
        perOrgConcurrency: 1,
      },
    ]);
    expect(config.server.listenAddr).toEqual({ host: '127.0.0.1', port: 8080 });
    expect(config.services.scheduler.listenAddr).toEqual({ host: '127.0.0.1', port: 9101 });
    expect(config.services.scraperWorker.listenAddr).toEqual({ host: '127.0.0.1', port: 9102 });
    expect(config.services.backfillWorker.listenAddr).toEqual({ host: '127.0.0.1', port: 9103 });
    expect(config.services.metricsGateway.listenAddr).toEqual({ host: '127.0.0.1', port: 9104 });
    expect(config.services.admin).toEqual({
      listenAddr: { host: '127.0.0.1', port: 9105 },
      auth: { bearerToken: undefined, basicUsername: undefined, basicPassword: undefined },
      bullBoardReadOnly: true,
    });
    expect(config.health.githubProbeIntervalMs).toBe(5000);
    expect(config.store.redisAddr).toEqual({ host: '127.0.0.1', port: 6379 });
    expect(config.amqp.url).toBe('amqp://guest:guest@127.0.0.1:5672');
  });

  it('exports the demo orgs and key paths the simulator and launcher share', () => {
    expect(DEMO_ORGS).toEqual([
      { org: 'acme', appId: 101, installationId: 1001 },
      { org: 'globex', appId: 102, installationId: 1002 },
    ]);
    expect(demoKeysDir('/t')).toBe('/t/github-stats-exporter-demo/keys');
    expect(demoKeyPath('/t', 'globex')).toBe('/t/github-stats-exporter-demo/keys/globex.pem');
  });

  it('reports a missing GITHUB_STATS_CONFIG file instead of falling back', () => {
    const missing = join(dirs.dir, 'missing.yaml');
    expect(() => loadConfig({ env: { GITHUB_STATS_CONFIG: missing }, cwd: dirs.dir })).toThrow(
      `invalid configuration in ${missing}: 1 problem\n  - <file>: cannot read the config file (ENOENT)`,
    );
  });
});

describe('locateConfig', () => {
  it('names the file loadConfig would read, without reading or checking it', () => {
    const cwd = dirs.dir;
    expect(locateConfig({ env: {}, cwd })).toEqual({ kind: 'demo' });
    expect(locateConfig({ env: { GITHUB_STATS_CONFIG: '' }, cwd })).toEqual({ kind: 'demo' });
    const local = dirs.write('config/local.yaml', 'not: [valid');
    expect(locateConfig({ env: {}, cwd })).toEqual({ kind: 'file', path: local });
    expect(locateConfig({ env: { GITHUB_STATS_CONFIG: 'missing.yaml' }, cwd })).toEqual({
      kind: 'file',
      path: join(cwd, 'missing.yaml'),
    });
  });
});

describe('loadConfig: the result', () => {
  it('fills every default and converts durations to milliseconds', () => {
    const { config, warnings } = dirs.load(MINIMAL_YAML);
    expect(warnings).toEqual([]);
    expect(config.server).toEqual({
      listenAddr: { host: '0.0.0.0', port: 8080 },
      logLevel: 'info',
      auth: { bearerToken: undefined, basicUsername: undefined, basicPassword: undefined },
      tls: { certPath: undefined, keyPath: undefined },
    });
    expect(config.leaderElection).toEqual({
      enabled: true,
      leaseDurationMs: 30_000,
      renewDeadlineMs: 20_000,
      retryPeriodMs: 5_000,
    });
    expect(config.github.orgs[0]).toEqual({
      org: 'acme',
      appId: 1,
      installationId: 2,
      privateKeyPath: join(dirs.dir, 'keys/acme.pem'),
      scrapeIntervalMs: 300_000,
      repoAllowlist: ['*'],
      perOrgConcurrency: 1,
    });
    expect(config.backfill.requeueDelaysMs).toEqual([60_000, 300_000, 1_800_000, 7_200_000]);
    expect(config.store).toMatchObject({
      redisMode: 'standalone',
      redisPassword: undefined,
      keyPrefix: 'gse',
      retentionMs: 30 * 86_400_000,
    });
    expect(config.bullmq).toEqual({
      prefix: 'gse-bull',
      workerConcurrency: 4,
      stalledIntervalMs: 30_000,
      maxStalledCount: 2,
      lockDurationMs: 60_000,
      jobAttempts: 3,
      keepCompletedMs: 3_600_000,
      keepFailedMs: 7 * 86_400_000,
    });
    expect(config.services.shutdownTimeoutMs).toBe(25_000);
    expect(config.rateLimit.maxConcurrentRequestsPerInstallation).toBe(4);
    expect(config.github.excludeBots).toBe(false);
    expect(config.github.apiBaseUrl).toBe('https://api.github.com');
  });

  it('is deep-frozen', () => {
    const loaded = dirs.load(MINIMAL_YAML);
    expect(Object.isFrozen(loaded)).toBe(true);
    expect(Object.isFrozen(loaded.warnings)).toBe(true);
    expect(Object.isFrozen(loaded.config.github.orgs[0]?.repoAllowlist)).toBe(true);
    expect(Object.isFrozen(loaded.config.services.scheduler.listenAddr)).toBe(true);
    expect(() => {
      (loaded.config.server as { logLevel: string }).logLevel = 'debug';
    }).toThrow(TypeError);
  });

  it('keeps an absolute private_key_path and strips a trailing slash from api_base_url', () => {
    const key = dirs.write('abs/key.pem', DUMMY_KEY);
    const { config } = dirs.load(
      MINIMAL_YAML.replace('keys/acme.pem', key) +
        '  api_base_url: https://ghe.example.com/api/v3/\n',
    );
    expect(config.github.orgs[0]?.privateKeyPath).toBe(key);
    expect(config.github.apiBaseUrl).toBe('https://ghe.example.com/api/v3');
  });

  it('accepts the Go exporter style ":8080" as all interfaces', () => {
    const { config } = dirs.load(`${MINIMAL_YAML}server:\n  listen_addr: ":8080"\n`);
    expect(config.server.listenAddr).toEqual({ host: '0.0.0.0', port: 8080 });
  });

  it('treats an empty value as "keep the default"', () => {
    const { config } = dirs.load(
      `${MINIMAL_YAML}store:\n  redis_password:\n  retention:\ncopilot:\n`,
    );
    expect(config.store.redisPassword).toBeUndefined();
    expect(config.store.retentionMs).toBe(30 * 86_400_000);
  });

  it('warns, once per reason, about accepted-but-ignored keys the file sets', () => {
    const { warnings } = dirs.load(`${MINIMAL_YAML}
leader_election:
  namespace: gse
  lease_name: gse-leader
store:
  backend: redis
  index_shards: 64
telemetry:
  otel_enabled: false
copilot:
  enabled: true
  include_org_28d: true
  enterprise:
    slug: acme-corp
`);
    expect(warnings).toEqual([
      'accepted but ignored (leader election here is a Redis lock, not a Kubernetes Lease; kept so Go exporter configs load): leader_election.namespace, leader_election.lease_name',
      "accepted but ignored (belonged to the Go exporter's store internals; kept so its configs load): store.backend, store.index_shards",
    ]);
  });

  it('reads a file with demo.enabled as the demo config with its keys over it: the demo fleet, traced', () => {
    const { config, source } = dirs.load(
      'demo:\n  enabled: true\ntelemetry:\n  otel_enabled: true\n  otel_trace_mode: sampled\n  otel_exporter_otlp_endpoint: http://127.0.0.1:4318\n',
    );
    expect(source.kind).toBe('file');
    expect(config.github.orgs.map((org) => org.org)).toEqual(DEMO_ORGS.map((org) => org.org));
    expect(config.github.orgs[0]?.privateKeyPath).toBe(
      demoKeyPath(tmpdir(), DEMO_ORGS[0]?.org ?? ''),
    );
    expect(config.telemetry).toMatchObject({
      tracingEnabled: true,
      traceMode: 'sampled',
      otlpEndpoint: 'http://127.0.0.1:4318',
    });
  });

  it('does not touch the demo key files in demo mode', () => {
    const loaded = dirs.load(
      MINIMAL_YAML.replace('keys/acme.pem', 'keys/not-written-yet.pem') +
        'demo:\n  enabled: true\n',
    );
    expect(loaded.config.demo.enabled).toBe(true);
  });
});

describe('loadConfig: environment overrides', () => {
  it('overrides the log level, Redis address and password and AMQP URL from GITHUB_STATS_* variables', () => {
    const { config } = dirs.load(
      `${MINIMAL_YAML}store:\n  redis_addr: file-redis:6379\n  redis_password: from-file\n`,
      {
        GITHUB_STATS_LOG_LEVEL: 'debug',
        GITHUB_STATS_REDIS_ADDR: '127.0.0.1:16390',
        GITHUB_STATS_REDIS_PASSWORD: 's3cret',
        GITHUB_STATS_AMQP_URL: 'amqps://gse:pw@rabbit.internal:5671/gse',
      },
    );
    expect(config.server.logLevel).toBe('debug');
    expect(config.store.redisAddr).toEqual({ host: '127.0.0.1', port: 16390 });
    expect(config.store.redisPassword).toBe('s3cret');
    expect(config.amqp.url).toBe('amqps://gse:pw@rabbit.internal:5671/gse');
  });

  it('reads a secret from <VAR>_FILE, relative to cwd, dropping one trailing newline', () => {
    dirs.write('secrets/redis', 'from-a-file\n');
    const amqp = dirs.write('secrets/amqp', 'amqp://gse:pw@rabbit:5672\r\n');
    const { config } = dirs.load(MINIMAL_YAML, {
      GITHUB_STATS_REDIS_PASSWORD_FILE: 'secrets/redis',
      GITHUB_STATS_AMQP_URL_FILE: amqp,
    });
    expect(config.store.redisPassword).toBe('from-a-file');
    expect(config.amqp.url).toBe('amqp://gse:pw@rabbit:5672');
  });

  it('ignores variables without the GITHUB_STATS_ prefix and empty ones', () => {
    const { config } = dirs.load(MINIMAL_YAML, {
      LOG_LEVEL: 'debug',
      REDIS_PASSWORD: 'nope',
      GSE_LOG_LEVEL: 'debug',
      GITHUB_STATS_LOG_LEVEL: '',
      GITHUB_STATS_REDIS_PASSWORD: undefined,
    });
    expect(config.server.logLevel).toBe('info');
    expect(config.store.redisPassword).toBeUndefined();
  });

  it('reads only the env it is given, never process.env', () => {
    const saved = process.env['GITHUB_STATS_LOG_LEVEL'];
    process.env['GITHUB_STATS_LOG_LEVEL'] = 'error';
    try {
      expect(dirs.load(MINIMAL_YAML).config.server.logLevel).toBe('info');
    } finally {
      if (saved === undefined) delete process.env['GITHUB_STATS_LOG_LEVEL'];
      else process.env['GITHUB_STATS_LOG_LEVEL'] = saved;
    }
  });

  it('names the variable when an env value is invalid, and redacts secrets from env', () => {
    const error = dirs.loadError(MINIMAL_YAML, {
      GITHUB_STATS_LOG_LEVEL: 'verbose',
      GITHUB_STATS_AMQP_URL: 'http://gse:hunter2@rabbit',
    });
    expect(error.problems).toEqual([
      {
        path: 'server.log_level',
        value: '"verbose"',
        message: 'must be one of: debug, info, warn, error (set by GITHUB_STATS_LOG_LEVEL)',
        allowed: 'one of: debug, info, warn, error',
      },
      {
        path: 'amqp.url',
        value: '[REDACTED]',
        message:
          'must be an amqp:// or amqps:// URL, e.g. amqp://user:password@rabbitmq:5672/vhost (set by GITHUB_STATS_AMQP_URL)',
        allowed: 'an amqp:// or amqps:// URL, e.g. amqp://user:password@rabbitmq:5672/vhost',
      },
    ]);
    expect(error.message).not.toContain('hunter2');
  });

  it('rejects both <VAR> and <VAR>_FILE, and an unreadable <VAR>_FILE', () => {
    dirs.write('secrets/redis', 'pw');
    const error = dirs.loadError(MINIMAL_YAML, {
      GITHUB_STATS_REDIS_PASSWORD: 'hunter2',
      GITHUB_STATS_REDIS_PASSWORD_FILE: 'secrets/redis',
      GITHUB_STATS_AMQP_URL_FILE: 'secrets/missing',
    });
    expect(error.problems).toEqual([
      {
        path: 'amqp.url',
        value: '"secrets/missing"',
        message: 'cannot read the file named by GITHUB_STATS_AMQP_URL_FILE (ENOENT)',
        allowed: 'a readable file holding the value',
      },
      {
        path: 'store.redis_password',
        value: '[REDACTED]',
        message: 'both GITHUB_STATS_REDIS_PASSWORD and GITHUB_STATS_REDIS_PASSWORD_FILE are set',
        allowed: 'only one of GITHUB_STATS_REDIS_PASSWORD and GITHUB_STATS_REDIS_PASSWORD_FILE',
      },
    ]);
    expect(error.message).not.toContain('hunter2');
  });

  it('applies env overrides in demo mode too', () => {
    const loaded = loadConfig({ env: { GITHUB_STATS_LOG_LEVEL: 'warn' }, cwd: dirs.dir });
    expect(loaded.source).toEqual({ kind: 'demo' });
    expect(loaded.config.server.logLevel).toBe('warn');
  });
});

describe('loadConfig: the error', () => {
  it('is a ConfigError with a readable message and structured problems', () => {
    const error = dirs.loadError(`${MINIMAL_YAML}server:\n  log_level: loud\n`);
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.name).toBe('ConfigError');
    expect(error.source).toBe(join(dirs.dir, 'config.yaml'));
    expect(error.message).toBe(
      `invalid configuration in ${join(dirs.dir, 'config.yaml')}: 1 problem\n` +
        '  - server.log_level: must be one of: debug, info, warn, error; got "loud"; allowed: one of: debug, info, warn, error',
    );
    expect(Object.isFrozen(error.problems)).toBe(true);
  });

  it('reports YAML syntax errors by line and column without quoting the file', () => {
    const error = dirs.loadError('store:\n  redis_password: "hunter2\n');
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]).toMatchObject({ path: '<file>', allowed: 'one valid YAML document' });
    expect(error.problems[0]?.message).toMatch(
      /^YAML syntax error [A-Z_]+ at line \d+, column \d+$/,
    );
    expect(error.message).not.toContain('hunter2');
  });

  it('rejects duplicate YAML keys and a top level that is not a mapping', () => {
    expect(
      dirs.loadError('server:\n  log_level: info\n  log_level: warn\n').problems[0]?.message,
    ).toMatch(/^YAML syntax error DUPLICATE_KEY at line 3/);
    expect(dirs.loadError('- github\n').problems).toEqual([
      {
        path: '<file>',
        value: '(not shown)',
        message: 'the top level must be a mapping of sections',
        allowed: 'a YAML mapping such as "github:\\n  orgs: [...]"',
      },
    ]);
  });

  it('labels problems of the demo defaults as such', () => {
    expect(() => loadConfig({ env: { GITHUB_STATS_LOG_LEVEL: 'trace' }, cwd: dirs.dir })).toThrow(
      /^invalid configuration in demo defaults: 1 problem\n {2}- server\.log_level: /,
    );
  });
});
