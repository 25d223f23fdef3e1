import type { RepoScrapeOutcome } from '@gse/scrape';
import { createFleetTelemetry, FLEET_METRICS, type FleetTelemetry } from '@gse/telemetry';
import { createCapturedLogger, createRedisFixture, type RedisFixture } from '@gse/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { recordRepoScrape } from '../src/index.js';

const { logger } = createCapturedLogger('error');

const base: RepoScrapeOutcome = {
  status: 'done',
  ref: { org: 'acme', repo: 'api' },
  added: 0,
  duplicates: 0,
  removed: 0,
  reconcileRequests: 0,
  reconciledToRetention: [],
  missing: [],
  collectors: [],
  newlyRefused: [],
  noLongerRefused: [],
  locTruncation: undefined,
  series: undefined,
  history: undefined,
  historyCompleted: false,
  commitsHeadSha: undefined,
};
const scrape = { org: 'acme', repo: 'api', source: 'schedule' } as const;
const locRun = { resource: 'loc', success: true, durationMs: 5 } as const;

describe('recordRepoScrape', () => {
  let fixture: RedisFixture;
  let telemetry: FleetTelemetry;
  const keyOf = (name: string): string => `${fixture.keyPrefix}:telemetry:${name}`;
  /** Records the outcome and reads the gauge's hash back from Redis. */
  const recordAndRead = async (
    outcome: RepoScrapeOutcome,
    gauge: { readonly name: string },
  ): Promise<Record<string, string>> => {
    recordRepoScrape(telemetry, scrape, outcome);
    await telemetry.flush();
    return fixture.redis.hgetall(keyOf(gauge.name));
  };

  beforeEach(async () => {
    fixture = await createRedisFixture();
    telemetry = createFleetTelemetry({
      redis: fixture.redis,
      keyOf,
      logger,
      flushIntervalMs: 60_000,
    });
  });
  afterEach(async () => {
    await telemetry.close();
    await fixture.cleanup();
  });

  it('sets gh_exporter_loc_fallback_incomplete on each LOC refresh only', async () => {
    const gauge = FLEET_METRICS.locFallbackIncomplete;
    const field = JSON.stringify(['acme', 'api']);
    const truncation = { budget: 'org_hour_exhausted', unreadCommits: 7, retryAtMs: 1 } as const;
    expect(
      await recordAndRead({ ...base, collectors: [locRun], locTruncation: truncation }, gauge),
    ).toEqual({ [field]: '1' });
    // Cycles that wait for the budget to renew do not read LOC: the gauge keeps its 1.
    expect(await recordAndRead(base, gauge)).toEqual({ [field]: '1' });
    expect(await recordAndRead({ ...base, collectors: [locRun] }, gauge)).toEqual({ [field]: '0' });
  });

  it('shows gh_exporter_repo_resource_refused from the start of a refusal until GitHub answers', async () => {
    const gauge = FLEET_METRICS.repoResourceRefused;
    expect(await recordAndRead({ ...base, newlyRefused: ['issue_comments'] }, gauge)).toEqual({
      [JSON.stringify(['acme', 'api', 'issue_comments'])]: '1',
    });
    expect(await recordAndRead({ ...base, noLongerRefused: ['issue_comments'] }, gauge)).toEqual(
      {},
    );
  });
});
