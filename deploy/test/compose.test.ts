import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { loadConfig } from '@gse/config';
import { parse } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';

import { repoPath, REPO_ROOT } from './support/repo-paths.js';
import { runToolOk } from './support/run-tool.js';

interface ComposeService {
  readonly image?: string;
  readonly user?: string;
  readonly read_only?: boolean;
  readonly cap_drop?: readonly string[];
  readonly security_opt?: readonly string[];
  readonly tmpfs?: readonly string[];
  readonly stop_grace_period?: string;
  readonly environment?: Readonly<Record<string, string>>;
  readonly volumes?: readonly string[];
  readonly deploy?: { readonly replicas?: number };
  readonly depends_on?: Readonly<Record<string, { readonly condition: string }>>;
  readonly healthcheck?: { readonly test: readonly string[] };
}

interface ComposeFile {
  readonly services: Readonly<Record<string, ComposeService>>;
  readonly volumes?: Readonly<Record<string, unknown>>;
}

const FLEET = {
  scheduler: { replicas: 2, probePort: 9101 },
  'scraper-worker': { replicas: 2, probePort: 9102 },
  'backfill-worker': { replicas: 1, probePort: 9103 },
  'metrics-gateway': { replicas: 1, probePort: 9104 },
} as const;

/** The compose file as Debian's docker-compose 1.29 resolves it (`config` validates it too). */
function composeConfig(env: Readonly<Record<string, string>> = {}): ComposeFile {
  const output = runToolOk('docker-compose', ['-f', 'docker-compose.yml', 'config'], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
  });
  return parse(output) as ComposeFile;
}

const workDir = mkdtempSync(join(tmpdir(), 'gse-compose-'));
afterAll(() => {
  rmSync(workDir, { recursive: true, force: true });
});

describe('docker-compose.yml', () => {
  const config = composeConfig();

  it('runs the fleet, its dependencies, the simulator, Prometheus and Grafana', () => {
    expect(Object.keys(config.services).sort()).toEqual([
      'backfill-worker',
      'github-sim',
      'grafana',
      'metrics-gateway',
      'prometheus',
      'rabbitmq',
      'redis',
      'scheduler',
      'scraper-worker',
    ]);
    expect(config.services['rabbitmq']?.image).toMatch(/-management/);
    for (const [name, { replicas }] of Object.entries(FLEET)) {
      expect(config.services[name]?.deploy?.replicas ?? 1, name).toBe(replicas);
    }
  });

  it('hardens every fleet container and starts it once its dependencies are healthy', () => {
    for (const [name, { probePort }] of Object.entries(FLEET)) {
      const service = config.services[name];
      expect(service, name).toMatchObject({
        user: '1000:1000',
        read_only: true,
        cap_drop: ['ALL'],
        security_opt: ['no-new-privileges:true'],
        tmpfs: ['/tmp'],
        stop_grace_period: '30s',
      });
      // The gateway reads Redis only; the others also need RabbitMQ and GitHub's keys.
      expect(service?.depends_on, name).toEqual(
        name === 'metrics-gateway'
          ? { redis: { condition: 'service_healthy' } }
          : {
              redis: { condition: 'service_healthy' },
              rabbitmq: { condition: 'service_healthy' },
              'github-sim': { condition: 'service_healthy' },
            },
      );
      expect(service?.healthcheck?.test.join(' '), name).toContain(
        `http://127.0.0.1:${probePort}/readyz`,
      );
    }
  });

  it('gives the fleet the demo config, and all but the gateway the keys the simulator writes', () => {
    const demoConfig = `${repoPath('deploy', 'compose', 'demo.yaml')}:/etc/github-stats-exporter/config.yaml:ro`;
    for (const name of ['scheduler', 'scraper-worker', 'backfill-worker']) {
      expect(config.services[name]?.volumes, name).toEqual([
        demoConfig,
        'demo-keys:/etc/github-stats-exporter/keys:ro',
      ]);
    }
    expect(config.services['metrics-gateway']?.volumes).toEqual([demoConfig]);
    expect(config.services['github-sim']?.volumes).toEqual([
      'demo-keys:/etc/github-stats-exporter/keys:rw',
    ]);
  });

  it('switches to a real GitHub App with GSE_CONFIG and GSE_GITHUB_KEYS', () => {
    const real = composeConfig({
      GSE_CONFIG: './config/local.yaml',
      GSE_GITHUB_KEYS: './config/keys',
    });
    expect(real.services['scheduler']?.volumes).toEqual([
      `${repoPath('config', 'local.yaml')}:/etc/github-stats-exporter/config.yaml:ro`,
      `${repoPath('config', 'keys')}:/etc/github-stats-exporter/keys:ro`,
    ]);
    expect(real.services['metrics-gateway']?.volumes).toEqual([
      `${repoPath('config', 'local.yaml')}:/etc/github-stats-exporter/config.yaml:ro`,
    ]);
  });

  it('has a demo config the services load, on the ports compose probes', () => {
    const env = config.services['scheduler']?.environment ?? {};
    const { config: fleet } = loadConfig({
      env: { ...env, GITHUB_STATS_CONFIG: repoPath('deploy', 'compose', 'demo.yaml') },
      cwd: workDir,
    });
    expect(fleet.github.apiBaseUrl).toBe('http://github-sim:9900');
    expect(fleet.github.orgs.map((org) => org.org)).toEqual(['acme', 'globex']);
    expect(fleet.amqp.url).toBe('amqp://guest:guest@rabbitmq:5672');
    expect([
      fleet.services.scheduler.listenAddr.port,
      fleet.services.scraperWorker.listenAddr.port,
      fleet.services.backfillWorker.listenAddr.port,
      fleet.services.metricsGateway.listenAddr.port,
    ]).toEqual(Object.values(FLEET).map((service) => service.probePort));
  });

  it('has a real-App example config that loads once its key file exists', () => {
    const keys = join(workDir, 'keys');
    mkdirSync(keys, { recursive: true });
    writeFileSync(join(keys, 'your-org.pem'), 'key\n');
    const example = join(workDir, 'github-app.yaml');
    copyFileSync(repoPath('deploy', 'compose', 'github-app.example.yaml'), example);
    writeFileSync(
      example,
      readFileSync(example, 'utf8').replaceAll('/etc/github-stats-exporter/keys', keys),
    );
    const { config: fleet } = loadConfig({ env: { GITHUB_STATS_CONFIG: example }, cwd: workDir });
    expect(fleet.github.orgs.map((org) => org.privateKeyPath)).toEqual([
      join(keys, 'your-org.pem'),
    ]);
  });
});

describe('yamllint', () => {
  it('passes on docker-compose.yml and everything under deploy/', () => {
    runToolOk(
      'yamllint',
      ['--strict', '-c', 'deploy/.yamllint.yaml', 'docker-compose.yml', 'deploy/'],
      { cwd: REPO_ROOT },
    );
  });
});
