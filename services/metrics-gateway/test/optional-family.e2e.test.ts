import { toActivityScope } from '@gse/activity';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createScrapeFixture, type ScrapeFixture } from '@gse/scrape/testing';
import { startGateway, type RunningGateway } from './gateway-fixture.js';
import { activitySection, expectedActivityText, type TestSeries } from './series-fixture.js';

const OPTIONAL = ['pr_review_comments'];
const DAY_MS = 86_400_000;

describe('an optional family switched on (github.optional_resources: [pr_review_comments])', () => {
  let fixture: ScrapeFixture;
  let gateway: RunningGateway;
  let truth: TestSeries[];

  beforeAll(async () => {
    fixture = await createScrapeFixture({
      scrape: { resources: toActivityScope(OPTIONAL).resources },
    });
    const { simulator } = fixture;
    const web = { org: 'acme', repo: 'web' };
    const [first, second] =
      simulator.dataset.orgs
        .find((org) => org.login === 'acme')
        ?.repos.find((repo) => repo.name === 'web')?.pulls ?? [];
    if (!first || !second) throw new Error('acme/web has pull requests');
    // Someone who only comments on diffs gets a series of their own; an old comment counts
    // for the last event only.
    simulator.addReviewComment(web, first.number, { user: 'diff-reader', path: 'src/a.ts' });
    simulator.addReviewComment(web, second.number, { user: 'diff-reader' });
    simulator.addReviewComment(web, second.number, { user: first.user });
    simulator.addReviewComment(web, first.number, { user: 'old-reader' }, Date.now() - 2 * DAY_MS);
    fixture.nowMs = Date.now();
    const outcomes = await fixture.scrapeAll();
    expect(outcomes.filter((outcome) => outcome.status !== 'done')).toEqual([]);
    truth = fixture.groundTruth().map(({ org, repo, user, ...activity }) => ({
      org,
      repo,
      user,
      activity,
    }));
    gateway = await startGateway({
      keyPrefix: fixture.redis.keyPrefix,
      githubYaml: [`optional_resources: [${OPTIONAL.join(', ')}]`],
    });
  }, 60_000);

  afterAll(async () => {
    await gateway.stop();
    await fixture.close();
  });

  it('renders the ninth family exactly as the ground truth counts it', async () => {
    const reviewComments = (user: string): number | undefined =>
      truth.find((series) => series.repo === 'web' && series.user === user)?.activity
        .prReviewComments24h;
    expect(reviewComments('diff-reader')).toBe(2);
    expect(reviewComments('old-reader')).toBe(0);
    const reply = await gateway.get('/metrics');
    expect(reply.body).toContain('# TYPE gh_activity_pr_review_comments_24h gauge');
    expect(activitySection(reply.body)).toBe(expectedActivityText(truth, OPTIONAL));
  });
});
