import { SCRAPE_CATALOG } from '@gse/activity';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { createScrapeFixture, type ScrapeFixture } from './scrape-fixture.js';

describe('scrapeRepo against the simulator', () => {
  let fixture: ScrapeFixture;
  beforeEach(async () => {
    fixture = await createScrapeFixture();
  });
  afterEach(async () => {
    await fixture.close();
  });

  it('gives every series of every repo exactly the ground truth', async () => {
    const outcomes = await fixture.scrapeAll();
    expect(outcomes.filter((outcome) => outcome.status !== 'done')).toEqual([]);
    expect(await fixture.readAllSeries()).toEqual(fixture.groundTruth());
  });

  it('reads only the resources a backfill asks for, and reports each collector it ran', async () => {
    const window = { fromMs: fixture.nowMs - 2 * 86_400_000, toMs: fixture.nowMs };
    const outcome = await fixture.scrape('acme', 'web', window, ['issue_comments']);
    expect(outcome.status).toBe('done');
    expect(outcome.collectors.map(({ resource, success }) => [resource, success])).toEqual([
      ['issue_comments', true],
    ]);
    const reads = fixture.reports.filter((report) => report.endpoint.startsWith('GET '));
    expect(new Set(reads.map((report) => report.endpoint))).toEqual(
      new Set(Object.values(SCRAPE_CATALOG.issue_comments.endpoints)),
    );
  });
});
