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

/**
 * The enterprise demo mode reads Copilot reports of, with its own App: a contract between
 * config and the simulator (`STANDARD_COPILOT_ENTERPRISE` of `@gse/github-sim`).
 */
export const DEMO_COPILOT_ENTERPRISE = Object.freeze({
  slug: 'acme-holdings',
  appId: 201,
  installationId: 2001,
});

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
 * wait for two zero answers), Copilot reports of both orgs and the enterprise, the admin
 * listener (status page, Bull Board) on 9105, GitHub probed every 5 s, everything else default.
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
    // Probing every 5 s, a simulated outage puts an org into cooldown within half a minute
    // (6 failed probes) instead of three: a demo shows it while someone watches.
    health: { github_probe_interval: '5s' },
    // Copilot reports of both orgs and the enterprise (aggregate with pull-request activity,
    // and users), with every breakdown, every minute.
    copilot: {
      enabled: true,
      scrape_interval: '1m',
      include_org_28d: true,
      include_org_users_28d: true,
      include_enterprise_28d: true,
      include_enterprise_users_28d: true,
      include_pull_request_activity: true,
      include_breakdown_ide: true,
      include_breakdown_feature: true,
      include_breakdown_language: true,
      include_breakdown_model: true,
      enterprise: {
        enabled: true,
        slug: DEMO_COPILOT_ENTERPRISE.slug,
        app_id: DEMO_COPILOT_ENTERPRISE.appId,
        installation_id: DEMO_COPILOT_ENTERPRISE.installationId,
        private_key_path: demoKeyPath(tmpdir, DEMO_COPILOT_ENTERPRISE.slug),
      },
    },
    services: {
      scheduler: { listen_addr: loopback(9101) },
      scraper_worker: { listen_addr: loopback(9102) },
      backfill_worker: { listen_addr: loopback(9103) },
      metrics_gateway: { listen_addr: loopback(9104) },
      // The status page and Bull Board, open on loopback (docs/operations.md).
      admin: { listen_addr: loopback(9105) },
    },
  };
}
