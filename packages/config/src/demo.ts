import { join } from 'node:path';

import { DEMO_GITHUB_SIM_PORT } from './schema-new.js';

export { DEMO_GITHUB_SIM_PORT };

/** An org of demo mode; the simulator serves these apps and installations. */
export interface DemoOrg {
  readonly org: string;
  readonly appId: number;
  readonly installationId: number;
}

/** The orgs demo mode scrapes: a contract between config, the simulator and the launcher. */
export const DEMO_ORGS: readonly DemoOrg[] = Object.freeze([
  Object.freeze({ org: 'acme', appId: 101, installationId: 1001 }),
  Object.freeze({ org: 'globex', appId: 102, installationId: 1002 }),
]);

/** Where the demo simulator writes each org's App key: `<tmpdir>/github-stats-exporter-demo/keys`. */
export function demoKeysDir(tmpdir: string): string {
  return join(tmpdir, 'github-stats-exporter-demo', 'keys');
}

/** The key file of one demo org: `<demoKeysDir(tmpdir)>/<org>.pem`. */
export function demoKeyPath(tmpdir: string, org: string): string {
  return join(demoKeysDir(tmpdir), `${org}.pem`);
}

/**
 * The config demo mode runs with, as YAML-shaped input (it goes through the same checks as
 * a file): the simulator on 127.0.0.1, {@link DEMO_ORGS} scraped every minute, every
 * address on loopback with the default ports, the LOC fallback on (the simulator's org has
 * a repo beyond the top-100 cut and one with 10k-commit zeroes, and a demo has no days to
 * wait for two zero answers), everything else default.
 */
export function toDemoInput(tmpdir: string): Record<string, unknown> {
  const loopback = (port: number): string => `127.0.0.1:${port}`;
  return {
    demo: { enabled: true },
    server: { listen_addr: loopback(8080) },
    github: {
      api_base_url: `http://${loopback(DEMO_GITHUB_SIM_PORT)}`,
      orgs: DEMO_ORGS.map((org) => ({
        org: org.org,
        app_id: org.appId,
        installation_id: org.installationId,
        private_key_path: demoKeyPath(tmpdir, org.org),
        scrape_interval: '1m',
      })),
    },
    loc: { fallback_enabled: true, large_repo_zero_detection_windows: 1 },
    services: {
      scheduler: { listen_addr: loopback(9101) },
      scraper_worker: { listen_addr: loopback(9102) },
      backfill_worker: { listen_addr: loopback(9103) },
      metrics_gateway: { listen_addr: loopback(9104) },
    },
  };
}
