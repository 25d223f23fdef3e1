import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { loadConfig, type Config } from '@gse/config';

import type { MetricsGatewayOptions } from '../src/app.js';

export interface GatewayFixtureOptions {
  readonly keyPrefix: string;
  readonly redisPort?: number;
  /** `store.metric_refresh_interval` (a config duration). */
  readonly refreshInterval?: string;
  /** Extra lines under `server:` (indented two spaces), e.g. auth or TLS. */
  readonly serverYaml?: readonly string[];
  /** Extra lines under `github:` (indented two spaces), e.g. `optional_resources`. */
  readonly githubYaml?: readonly string[];
  readonly orgs?: readonly { readonly org: string; readonly scrapeInterval: string }[];
  /**
   * Extra lines under `services.admin:` (indented four spaces); the listener is then on
   * `127.0.0.1:0` and the BullMQ queues under a prefix of the test's own.
   */
  readonly adminYaml?: readonly string[];
  readonly options?: MetricsGatewayOptions;
}

/** A gateway config written to its own temporary directory, loaded like `main.ts` does. */
export interface GatewayConfigFile {
  readonly config: Config;
  readonly remove: () => Promise<void>;
}

/** Writes and loads a fleet config for a gateway with every server on `127.0.0.1:0`. */
export async function writeGatewayConfig(
  options: GatewayFixtureOptions,
): Promise<GatewayConfigFile> {
  const dir = await mkdtemp(join(tmpdir(), 'gse-gateway-'));
  const keyPath = join(dir, 'app.pem');
  await writeFile(keyPath, 'placeholder: the gateway never calls GitHub\n');
  const listen = "listen_addr: '127.0.0.1:0'";
  const orgs = options.orgs ?? [{ org: 'acme', scrapeInterval: '5m' }];
  const yaml = [
    'server:',
    `  ${listen}`,
    ...(options.serverYaml ?? []).map((line) => `  ${line}`),
    'github:',
    ...(options.githubYaml ?? []).map((line) => `  ${line}`),
    '  orgs:',
    ...orgs.flatMap((org, index) => [
      `    - org: ${org.org}`,
      `      app_id: ${index + 1}`,
      `      installation_id: ${index + 1}`,
      `      private_key_path: ${JSON.stringify(keyPath)}`,
      `      scrape_interval: ${org.scrapeInterval}`,
    ]),
    'store:',
    `  redis_addr: '127.0.0.1:${options.redisPort ?? 6379}'`,
    `  key_prefix: ${options.keyPrefix}`,
    `  metric_refresh_interval: ${options.refreshInterval ?? '30s'}`,
    'services:',
    ...['scheduler', 'scraper_worker', 'backfill_worker', 'metrics_gateway'].flatMap((name) => [
      `  ${name}:`,
      `    ${listen}`,
    ]),
    ...(options.adminYaml === undefined
      ? []
      : [
          '  admin:',
          `    ${listen}`,
          ...options.adminYaml.map((line) => `    ${line}`),
          'bullmq:',
          `  prefix: ${options.keyPrefix}-bull`,
        ]),
  ].join('\n');
  const configPath = join(dir, 'config.yaml');
  await writeFile(configPath, `${yaml}\n`);
  try {
    const { config } = loadConfig({ env: { GITHUB_STATS_CONFIG: configPath }, cwd: dir });
    return { config, remove: () => rm(dir, { recursive: true, force: true }) };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}
