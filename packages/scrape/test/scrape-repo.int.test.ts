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
});
