import type { RepoScrapeOutcome } from '@gse/scrape';
import { createFleetTelemetry, FLEET_METRICS } from '@gse/telemetry';
import { createCapturedLogger, createRedisFixture } from '@gse/testing';
import { describe, expect, it } from 'vitest';

import { recordRepoScrape } from '../src/index.js';

const { logger } = createCapturedLogger('error');

const base: RepoScrapeOutcome = {
  status: 'done',
  ref: { org: 'acme', repo: 'api' },
  added: 0,
  duplicates: 0,
  missing: [],
  collectors: [],
  newlyRefused: [],
  noLongerRefused: [],
  locTruncation: undefined,
  series: undefined,
};
const scrape = { org: 'acme', repo: 'api', source: 'schedule' } as const;
const locRun = { resource: 'loc', success: true, durationMs: 5 } as const;

describe('recordRepoScrape', () => {
  it('sets gh_exporter_loc_fallback_incomplete on each LOC refresh only', async () => {
    const fixture = await createRedisFixture();
    const keyOf = (name: string): string => `${fixture.keyPrefix}:telemetry:${name}`;
    const telemetry = createFleetTelemetry({
      redis: fixture.redis,
      keyOf,
      logger,
      flushIntervalMs: 60_000,
    });
    try {
      const key = keyOf(FLEET_METRICS.locFallbackIncomplete.name);
      const field = JSON.stringify(['acme', 'api']);
      recordRepoScrape(telemetry, scrape, {
        ...base,
        collectors: [locRun],
        locTruncation: { budget: 'org_hour_exhausted', unreadCommits: 7, retryAtMs: 1 },
      });
      await telemetry.flush();
      expect(await fixture.redis.hgetall(key)).toEqual({ [field]: '1' });
      // Cycles that wait for the budget to renew do not read LOC: the gauge keeps its 1.
      recordRepoScrape(telemetry, scrape, base);
      await telemetry.flush();
      expect(await fixture.redis.hgetall(key)).toEqual({ [field]: '1' });
      recordRepoScrape(telemetry, scrape, { ...base, collectors: [locRun] });
      await telemetry.flush();
      expect(await fixture.redis.hgetall(key)).toEqual({ [field]: '0' });
    } finally {
      await telemetry.close();
      await fixture.cleanup();
    }
  });

  it('shows gh_exporter_repo_resource_refused from the start of a refusal until GitHub answers', async () => {
    const fixture = await createRedisFixture();
    const keyOf = (name: string): string => `${fixture.keyPrefix}:telemetry:${name}`;
    const telemetry = createFleetTelemetry({
      redis: fixture.redis,
      keyOf,
      logger,
      flushIntervalMs: 60_000,
    });
    try {
      const key = keyOf(FLEET_METRICS.repoResourceRefused.name);
      recordRepoScrape(telemetry, scrape, { ...base, newlyRefused: ['issue_comments'] });
      await telemetry.flush();
      expect(await fixture.redis.hgetall(key)).toEqual({
        [JSON.stringify(['acme', 'api', 'issue_comments'])]: '1',
      });
      recordRepoScrape(telemetry, scrape, { ...base, noLongerRefused: ['issue_comments'] });
      await telemetry.flush();
      expect(await fixture.redis.hgetall(key)).toEqual({});
    } finally {
      await telemetry.close();
      await fixture.cleanup();
    }
  });
});
