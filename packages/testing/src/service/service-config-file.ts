import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fleet config file in its own temporary directory. */
export interface ServiceConfigFile {
  readonly path: string;
  /** Deletes the directory with the config and the key file. */
  readonly remove: () => Promise<void>;
}

export interface ServiceConfigOptions {
  /** `store.key_prefix`; BullMQ gets `<keyPrefix>-bull`. The test deletes both after. */
  readonly keyPrefix: string;
  /** Appended at the top level (e.g. an unknown key, to see the config fail). */
  readonly extraYaml?: string;
}

/**
 * Writes the smallest valid fleet config: one org with a key file (a placeholder: GitHub is
 * a closed local port, so nothing leaves the machine), Redis and BullMQ keys under the
 * test's own prefix, and every HTTP server of every service on `127.0.0.1:0`, so parallel
 * tests never collide on a port and the bound ports are read from the logs.
 */
export async function writeServiceConfig(
  options: ServiceConfigOptions,
): Promise<ServiceConfigFile> {
  const dir = await mkdtemp(join(tmpdir(), 'gse-service-'));
  const keyPath = join(dir, 'app.pem');
  await writeFile(keyPath, 'placeholder: the services under test do not call GitHub\n');
  const listen = "listen_addr: '127.0.0.1:0'";
  const yaml = [
    'server:',
    `  ${listen}`,
    'store:',
    `  key_prefix: ${JSON.stringify(options.keyPrefix)}`,
    'bullmq:',
    `  prefix: ${JSON.stringify(`${options.keyPrefix}-bull`)}`,
    'github:',
    // The discard port: refused at once, never api.github.com.
    "  api_base_url: 'http://127.0.0.1:9'",
    '  orgs:',
    '    - org: acme',
    '      app_id: 1',
    '      installation_id: 1',
    `      private_key_path: ${JSON.stringify(keyPath)}`,
    '      scrape_interval: 5m',
    'services:',
    ...['scheduler', 'scraper_worker', 'backfill_worker', 'metrics_gateway'].flatMap((service) => [
      `  ${service}:`,
      `    ${listen}`,
    ]),
    options.extraYaml ?? '',
  ].join('\n');
  const path = join(dir, 'config.yaml');
  await writeFile(path, yaml);
  return { path, remove: () => rm(dir, { recursive: true, force: true }) };
}
