import type { SimIssueComment, SimRepo } from '@gse/github-sim';
import { waitFor } from '@gse/testing';
import { afterEach, describe, expect, it } from 'vitest';

import {
  createAcmeFleet,
  expectMetricsEqualTruth,
  startScrapingFleet,
  type FleetFixture,
} from './fleet-fixture.js';

const HOUR_MS = 3_600_000;
const SCRAPE_INTERVAL_MS = 1_000;
const RECONCILE_INTERVAL_MS = 8_000;
const METRIC_REFRESH_MS = 500;
/** What a loaded 2-core machine adds to a bound: job hand-off, Redis, the gateway's read. */
const SLACK_MS = 10_000;
const REPOS = ['community', 'mobile', 'web'];

let fixture: FleetFixture | undefined;

afterEach(async () => {
  await fixture?.cleanup();
  fixture = undefined;
});

function repoOf(fleet: FleetFixture, name: string): SimRepo {
  const repo = fleet.simulator.dataset.orgs
    .find((org) => org.login === 'acme')
    ?.repos.find((candidate) => candidate.name === name);
  if (!repo) throw new Error(`no acme/${name}`);
  return repo;
}

/** A comment of the repo created in the last `hoursAgo` hours but more than an hour ago. */
function recentComment(fleet: FleetFixture, repo: string, hoursAgo: number): SimIssueComment {
  const nowMs = Date.now();
  const found = repoOf(fleet, repo).comments.find(
    (comment) =>
      Date.parse(comment.createdAt) > nowMs - hoursAgo * HOUR_MS &&
      Date.parse(comment.createdAt) < nowMs - HOUR_MS,
  );
  if (!found) throw new Error(`acme/${repo} has a comment of the last ${hoursAgo} h`);
  return found;
}

describe('deleted comments and transferred issues (real scheduler, worker and gateway)', () => {
  it("the gateway's series follow a deleted comment and a transferred issue within their bounds", async () => {
    const fleet = await createAcmeFleet({
      repos: REPOS,
      scrapeInterval: `${SCRAPE_INTERVAL_MS}ms`,
      metricRefreshInterval: `${METRIC_REFRESH_MS}ms`,
      // GraphQL change detection (the default): a comment deletion moves no watched field, so
      // a quiet repo's comment lists are read once per comment_reconcile_interval.
      config: { github: { comment_reconcile_interval: `${RECONCILE_INTERVAL_MS}ms` } },
    });
    fixture = fleet;
    // acme/web gets 110 comments in the last half hour: its first page of comments no longer
    // reaches back 24 h, so a deletion further back waits for the reconcile.
    const web = { org: 'acme', repo: 'web' };
    const pull = repoOf(fleet, 'web').pulls[0];
    if (!pull) throw new Error('acme/web has PRs');
    const busySinceMs = Date.now() - 30 * 60_000;
    for (let index = 0; index < 110; index++) {
      fleet.simulator.addIssueComment(
        web,
        pull.number,
        { user: 'busy' },
        busySinceMs + index * 10_000,
      );
    }
    const { gateway, worker } = await startScrapingFleet(fleet);
    /** How many comments the worker logged removing from one repo's ledger so far. */
    const removedFrom = (repo: string): number =>
      worker
        .lines()
        .filter((line) => line['message'] === 'repo scraped' && line['repo'] === repo)
        .reduce((sum, line) => sum + Number(line['removed'] ?? 0), 0);
    /** The gateway's series of the three repos equal to the ground truth within `timeoutMs`. */
    const metricsEqualTruthWithin = (timeoutMs: number, description: string) =>
      expectMetricsEqualTruth(fleet, gateway, REPOS, { timeoutMs, description });
    await metricsEqualTruthWithin(60_000, 'the first cycle in the gateway');

    // A quiet repo (its first page reaches back to retention): its comment list is read
    // again within github.comment_reconcile_interval, though no field change detection
    // watches moved.
    const oneCycleMs = 2 * SCRAPE_INTERVAL_MS + METRIC_REFRESH_MS + SLACK_MS;
    const deleted = recentComment(fleet, 'mobile', 24);
    fleet.simulator.deleteIssueComment({ org: 'acme', repo: 'mobile' }, deleted.id);
    await metricsEqualTruthWithin(
      RECONCILE_INTERVAL_MS + oneCycleMs,
      'a deleted comment of acme/mobile gone',
    );
    // The worker logs the scrape after its series are stored: its line may trail the gateway.
    await waitFor(() => removedFrom('mobile') > 0, {
      timeoutMs: 5_000,
      description: 'the worker logged the removal from acme/mobile',
    });
    expect(removedFrom('mobile')).toBe(1);

    // Transferred from one quiet repo to another: both follow in the next cycle (the issue
    // counts and the newest issue's updatedAt move).
    const mobileIssue = repoOf(fleet, 'mobile').issues.find((issue) =>
      repoOf(fleet, 'mobile').comments.some(
        (comment) =>
          comment.issueNumber === issue.number &&
          Date.parse(comment.createdAt) > Date.now() - 24 * HOUR_MS,
      ),
    );
    if (!mobileIssue) throw new Error('acme/mobile has an issue commented on in the last 24 h');
    fleet.simulator.transferIssue({ org: 'acme', repo: 'mobile' }, mobileIssue.number, 'community');
    await metricsEqualTruthWithin(oneCycleMs, 'a transferred issue counted in acme/community');

    // A repo whose first page does not reach back, deleted beyond it: within
    // github.comment_reconcile_interval.
    const older = recentComment(fleet, 'web', 20);
    fleet.simulator.deleteIssueComment(web, older.id);
    await metricsEqualTruthWithin(
      RECONCILE_INTERVAL_MS + oneCycleMs,
      'a deleted comment of acme/web gone after the reconcile',
    );
    await waitFor(() => removedFrom('web') > 0, {
      timeoutMs: 5_000,
      description: 'the worker logged the removal from acme/web',
    });
    expect(removedFrom('web')).toBe(1);
  }, 150_000);
});
