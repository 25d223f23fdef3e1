import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createScrapeFixture, type ScrapeFixture } from '@gse/scrape/testing';
import { OPENMETRICS_ACCEPT, startGateway, type RunningGateway } from './gateway-fixture.js';
import { activitySection, expectedActivityText, type TestSeries } from './series-fixture.js';

describe('the gateway’s business output against the simulator’s ground truth', () => {
  let fixture: ScrapeFixture;
  let gateway: RunningGateway;
  let truth: TestSeries[];

  beforeAll(async () => {
    fixture = await createScrapeFixture();
    const outcomes = await fixture.scrapeAll();
    expect(outcomes.every((outcome) => outcome.status === 'done')).toBe(true);
    truth = fixture.groundTruth().map(({ org, repo, user, ...activity }) => ({
      org,
      repo,
      user,
      activity,
    }));
    gateway = await startGateway({ keyPrefix: fixture.redis.keyPrefix });
  }, 60_000);

  afterAll(async () => {
    await gateway.stop();
    await fixture.close();
  });

  it('renders exactly the ground truth: every series, every value, nothing else', async () => {
    // A dataset that exercises bots, unlinked authors, many repos and both orgs.
    expect(truth.length).toBeGreaterThan(100);
    expect(new Set(truth.map((series) => series.org))).toEqual(new Set(['acme', 'globex']));
    const reply = await gateway.get('/metrics');
    expect(activitySection(reply.body)).toBe(expectedActivityText(truth));
  });

  it('renders the same samples in OpenMetrics', async () => {
    const text = await gateway.get('/metrics');
    const open = await gateway.get('/metrics', { headers: { accept: OPENMETRICS_ACCEPT } });
    const business = (body: string): string[] =>
      body.split('\n').filter((line) => line.startsWith('gh_activity_'));
    expect(business(open.body)).toEqual(business(text.body));
    expect(business(open.body)).toHaveLength(truth.length * 8);
  });
});
