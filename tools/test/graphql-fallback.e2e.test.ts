import { waitFor } from '@gse/testing';
import { afterEach, describe, expect, it } from 'vitest';

import {
  createAcmeFleet,
  expectMetricsEqualTruth,
  startScrapingFleet,
  type FleetFixture,
} from './fleet-fixture.js';

const REPOS = ['docs', 'sandbox'];
const FALLBACK_LOG = 'change detection unavailable; reading every repo over REST';

let fleet: FleetFixture | undefined;

afterEach(async () => {
  await fleet?.cleanup();
  fleet = undefined;
});

describe('change detection falls back to REST where GitHub cannot run its query (real fleet, the simulator)', () => {
  it.each([
    ['graphql_not_found', 'not_found'],
    ['schema_unsupported', 'undefined_field'],
  ] as const)(
    '%s: every cycle succeeds over REST with exact series, counted each cycle and logged once',
    async (reason, answer) => {
      const acme = await createAcmeFleet({
        repos: REPOS,
        scrapeInterval: '1000ms',
        metricRefreshInterval: '500ms',
      });
      fleet = acme;
      acme.simulator.refuseGraphql({ org: 'acme', answer });
      const { gateway, worker } = await startScrapingFleet(acme);
      await expectMetricsEqualTruth(acme, gateway, REPOS, {
        timeoutMs: 60_000,
        description: '/metrics equal to the ground truth',
      });

      const counter = async (metric: string, labels: readonly string[]): Promise<number> =>
        Number(
          (await acme.redis.redis.hget(
            acme.keys.telemetryMetric(metric),
            JSON.stringify(labels),
          )) ?? 0,
        );
      await waitFor(
        async () =>
          (await counter('gh_exporter_scrape_runs_total', ['acme', 'success'])) >= 3 &&
          (await counter('gh_exporter_change_detection_fallbacks_total', ['acme', reason])) >= 3,
        { timeoutMs: 30_000, description: 'three successful cycles, each a fallback' },
      );
      expect(await counter('gh_exporter_scrape_runs_total', ['acme', 'failure'])).toBe(0);
      expect(
        worker
          .lines()
          .filter((line) => line['message'] === FALLBACK_LOG)
          .map((line) => ({ org: line['org'], reason: line['reason'] })),
      ).toEqual([{ org: 'acme', reason }]);
      // Nothing failed, so no window went to backfill.
      expect(await acme.drainBackfillRequests()).toEqual([]);
    },
    120_000,
  );
});
