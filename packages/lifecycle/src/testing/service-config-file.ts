import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fleet config file in its own temporary directory. */
export interface ServiceConfigFile {
  readonly path: string;
  /** Deletes the directory with the config and the key file. */
  readonly remove: () => Promise<void>;
}

/**
 * Writes the smallest valid fleet config: one org with a key file (a placeholder: nothing
 * here talks to GitHub) and every HTTP server of every service on `127.0.0.1:0`, so
 * parallel tests never collide on a port and the bound ports are read from the logs.
 * `extraYaml` is appended at the top level (e.g. an unknown key, to see the config fail).
 */
export async function writeServiceConfig(extraYaml = ''): Promise<ServiceConfigFile> {
  const dir = await mkdtemp(join(tmpdir(), 'gse-service-'));
  const keyPath = join(dir, 'app.pem');
  await writeFile(keyPath, 'placeholder: the services under test do not call GitHub\n');
  const listen = "listen_addr: '127.0.0.1:0'";
  const yaml = [
    'server:',
    `  ${listen}`,
    'github:',
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
    extraYaml,
  ].join('\n');
  const path = join(dir, 'config.yaml');
  await writeFile(path, yaml);
  return { path, remove: () => rm(dir, { recursive: true, force: true }) };
}
