import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
  copilotAggregateGroundTruth,
  copilotGroundTruth,
  createCopilotWorld,
  generateAppKeyPair,
  generateDataset,
  STANDARD_COPILOT_ENTERPRISE,
  type CopilotGroundTruthOptions,
} from '@gse/github-sim';
import { waitFor } from '@gse/testing';
import { afterEach, describe, expect, it } from 'vitest';

import { createFleetFixture, type FleetFixture } from './fleet-fixture.js';

const SALT = 'copilot-e2e-salt-0123456789';
const ORG = { scope: 'org', id: 'acme' } as const;
const ENTERPRISE = { scope: 'enterprise', id: STANDARD_COPILOT_ENTERPRISE.slug } as const;

interface Variant {
  readonly breakdowns: boolean;
  readonly emitDayLabel: boolean;
  readonly userLabelMode: 'login' | 'hashed';
  readonly pullRequests: boolean;
  /** Only `copilot.enabled: true`: the Go exporter's defaults (each org's aggregate report). */
  readonly defaultsOnly: boolean;
}

/** `name{a="x",…}` with labels sorted, as the gateway and the ground truth both become. */
const keyOf = (name: string, labels: Readonly<Record<string, string>>): string =>
  `${name}{${Object.entries(labels)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([label, value]) => `${label}="${value}"`)
    .join(',')}}`;

/** Every `gh_copilot_usage_*` sample of a Prometheus text body. */
function parseCopilotSamples(body: string): Map<string, number> {
  const samples = new Map<string, number>();
  const line = /^(gh_copilot_usage_\w+)\{([^}]*)\} (\S+)$/;
  for (const text of body.split('\n')) {
    const match = line.exec(text);
    if (!match) continue;
    const labels = Object.fromEntries(
      [...(match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map(([, name = '', value = '']) => [
        name,
        value,
      ]),
    );
    samples.set(keyOf(match[1] ?? '', labels), Number(match[3]));
  }
  return samples;
}

describe('Copilot usage through the fleet (scheduler, scraper-worker, backfill-worker, gateway)', () => {
  let fixture: FleetFixture | undefined;
  let keyDir: string | undefined;
  afterEach(async () => {
    await fixture?.cleanup();
    if (keyDir) await rm(keyDir, { recursive: true, force: true });
  });

  it.each<Variant>([
    {
      breakdowns: true,
      emitDayLabel: false,
      userLabelMode: 'login',
      pullRequests: true,
      defaultsOnly: false,
    },
    {
      breakdowns: false,
      emitDayLabel: true,
      userLabelMode: 'hashed',
      pullRequests: false,
      defaultsOnly: false,
    },
    {
      breakdowns: false,
      emitDayLabel: false,
      userLabelMode: 'login',
      pullRequests: true,
      defaultsOnly: true,
    },
  ])(
    'serves the ground truth of org and enterprise on /metrics, a failed download recovered by day (%o)',
    async (variant) => {
      const dataset = generateDataset({ seed: 42, generatedAtMs: Date.now() });
      const world = createCopilotWorld(dataset, {
        seed: 42,
        orgs: ['acme', 'globex'],
        enterprise: STANDARD_COPILOT_ENTERPRISE,
      });
      const keyPair = generateAppKeyPair(STANDARD_COPILOT_ENTERPRISE.appId);
      keyDir = await mkdtemp(join(tmpdir(), 'gse-copilot-'));
      const enterpriseKey = join(keyDir, 'enterprise.pem');
      await writeFile(enterpriseKey, keyPair.privateKeyPem, { mode: 0o600 });
      const on = variant.breakdowns;
      const copilot = variant.defaultsOnly
        ? { enabled: true, scrape_interval: '1h' }
        : {
            enabled: true,
            scrape_interval: '1h',
            include_org_28d: true,
            include_org_users_28d: true,
            include_enterprise_28d: true,
            include_enterprise_users_28d: true,
            include_pull_request_activity: variant.pullRequests,
            include_breakdown_ide: on,
            include_breakdown_feature: on,
            include_breakdown_language: on,
            include_breakdown_model: on,
            emit_day_label: variant.emitDayLabel,
            user_label_mode: variant.userLabelMode,
            user_label_salt: SALT,
            enterprise: {
              enabled: true,
              slug: STANDARD_COPILOT_ENTERPRISE.slug,
              app_id: STANDARD_COPILOT_ENTERPRISE.appId,
              installation_id: STANDARD_COPILOT_ENTERPRISE.installationId,
              private_key_path: enterpriseKey,
            },
          };
      fixture = await createFleetFixture({
        orgs: { acme: {} },
        simulator: { dataset, copilot: { world, enterpriseKeyPair: keyPair } },
        config: { store: { metric_refresh_interval: '2s' }, copilot },
      });
      const host = fixture.simulator.copilot;
      if (!host) throw new Error('the simulator serves Copilot reports');
      // The first report's links have expired (asked for again), and the first download of
      // the second answer fails: that report (aggregate or users) becomes a day backfill.
      host.expireNextReports(1);
      host.failNextDownloads(1);

      const gateway = fixture.spawn('metrics-gateway');
      fixture.spawn('scheduler');
      fixture.spawn('scraper-worker');
      fixture.spawn('backfill-worker');
      const address = await gateway.addressOf('public', 30_000);

      const truthOptions: Omit<CopilotGroundTruthOptions, 'scope' | 'id'> = {
        atMs: Date.now(),
        breakdowns: { ide: on, feature: on, language: on, model: on },
        emitDayLabel: variant.emitDayLabel,
        userLabelMode: variant.userLabelMode,
        salt: SALT,
      };
      const scopes = variant.defaultsOnly ? [ORG] : [ORG, ENTERPRISE];
      const expected = new Map(
        scopes.flatMap(({ scope, id }) =>
          [
            ...copilotAggregateGroundTruth(world, {
              ...truthOptions,
              scope,
              id,
              pullRequests: variant.pullRequests,
            }),
            ...(variant.defaultsOnly
              ? []
              : copilotGroundTruth(world, { ...truthOptions, scope, id })),
          ].map((sample) => [keyOf(sample.name, sample.labels), sample.value] as const),
        ),
      );
      let served = new Map<string, number>();
      await waitFor(
        async () => {
          const body = await (await fetch(`http://127.0.0.1:${address.port}/metrics`)).text();
          served = parseCopilotSamples(body);
          return served.size === expected.size;
        },
        { timeoutMs: 150_000, description: 'every gh_copilot_usage_* sample on /metrics' },
      );
      expect(served).toEqual(expected);

      const counters = host.counters();
      expect(counters.withAuthorization).toBe(0);
      expect(counters.expired).toBeGreaterThanOrEqual(1);
      expect(counters.failed).toBe(1);
      // A latest read per scope and report, the expired one asked again, and 28 one-day
      // reports of the failed report's backfill.
      expect(counters.linksIssued).toBe(scopes.length * (variant.defaultsOnly ? 1 : 2) + 1 + 28);
    },
    240_000,
  );
});
