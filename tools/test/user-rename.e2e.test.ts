import type { GroundTruthSeries } from '@gse/github-sim';
import { waitFor } from '@gse/testing';
import { afterEach, describe, expect, it } from 'vitest';

import {
  createAcmeFleet,
  expectMetricsEqualTruth,
  readExposedSeries,
  startScrapingFleet,
  type FleetFixture,
} from './fleet-fixture.js';

const REPOS = ['platform', 'web'];
const CYCLE_TIMEOUT_MS = 60_000;
const LOGIN_CHECK_INTERVAL_MS = 5_000;

let fixture: FleetFixture | undefined;
afterEach(async () => {
  await fixture?.cleanup();
  fixture = undefined;
});

describe('a user renamed on GitHub (real scheduler, worker and gateway, the simulator)', () => {
  it('has one series per repo under the new login, none under the old one, once every repo was scraped after the fleet saw the new login; a login taken again is another user', async () => {
    const fleet = await createAcmeFleet({
      repos: REPOS,
      scrapeInterval: '2s',
      metricRefreshInterval: '1s',
      // GraphQL change detection (the default): a user rename moves no watched field, so a
      // quiet repo shows the new login once the login check looks the user up by id
      // (docs/github-limitations.md#what-the-repochanges-query-cannot-see).
      config: { github: { login_check_interval: `${LOGIN_CHECK_INTERVAL_MS}ms` } },
    });
    fixture = fleet;
    const { simulator, redis, keys } = fleet;
    const { gateway } = await startScrapingFleet(fleet);
    const truthAtScrapeTimes = async (): Promise<GroundTruthSeries[]> =>
      (await fleet.groundTruthAtScrapeTimes()).filter((row) => REPOS.includes(row.repo));
    /** Waits until the gateway serves exactly the ground truth at each repo's scrape time. */
    const exposedTruth = (description: string): Promise<GroundTruthSeries[]> =>
      expectMetricsEqualTruth(fleet, gateway, REPOS, { timeoutMs: CYCLE_TIMEOUT_MS, description });
    const usersOf = (rows: readonly GroundTruthSeries[], user: string): string[] =>
      rows.filter((row) => row.user === user).map((row) => row.repo);

    const before = await exposedTruth('the first cycle equal to the ground truth');
    // carol commits to both repos (also with an unlinked `<id>+carol@users.noreply…` email in
    // platform) and reviews in web.
    expect(usersOf(before, 'carol')).toEqual(REPOS);
    const carol = simulator.dataset.users.find((user) => user.login === 'carol');
    if (!carol) throw new Error('the standard dataset has carol');

    const renamed = await fetch(`${simulator.url}/_sim/users/carol/rename`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ login: 'carol-renamed' }),
    });
    expect(renamed.status).toBe(200);
    // The fleet sees the new login within github.login_check_interval (or sooner, on the
    // first page of a list that shows carol); the time it knew is Redis's clock when the test
    // saw it.
    await waitFor(
      async () => (await redis.redis.hget(keys.userLogins, String(carol.id))) === 'carol-renamed',
      {
        timeoutMs: LOGIN_CHECK_INTERVAL_MS + CYCLE_TIMEOUT_MS,
        description: 'the fleet seeing the new login',
      },
    );
    const [seconds] = await redis.redis.time();
    const seenAtMs = Number(seconds) * 1000 + 1000;
    // One cycle: every repo scraped (and its series refreshed) by a scrape that started after.
    await waitFor(
      async () => {
        const scores = await Promise.all(
          REPOS.map((repo) => redis.redis.zscore(keys.repoIndex, `acme/${repo}`)),
        );
        return scores.every((score) => Number(score) > seenAtMs);
      },
      { timeoutMs: CYCLE_TIMEOUT_MS, description: 'every repo scraped after the sighting' },
    );
    const stored = await fleet.readStoredSeries();
    expect(usersOf(stored, 'carol')).toEqual([]);
    expect(usersOf(stored, 'carol-renamed')).toEqual(REPOS);
    expect(stored).toEqual(await truthAtScrapeTimes());

    const after = await exposedTruth('the gateway equal to the ground truth after the rename');
    expect(usersOf(after, 'carol')).toEqual([]);
    expect(usersOf(after, 'carol-renamed')).toEqual(REPOS);
    // The same numbers as before, carol's under her new login, but for what happened since.
    const carolBefore = before.filter((row) => row.user === 'carol');
    const carolAfter = after.filter((row) => row.user === 'carol-renamed');
    expect(carolAfter.map((row) => row.lastEventUnixtime)).toEqual(
      carolBefore.map((row) => row.lastEventUnixtime),
    );

    // Someone else takes the freed login: another id, another series.
    const pull = simulator.openPull({ org: 'acme', repo: 'web' }, { user: 'carol' });
    const newcomer = simulator.dataset.users.find((user) => user.login === 'carol');
    expect(newcomer?.id).not.toBe(carol.id);
    await waitFor(
      async () => {
        const rows = await readExposedSeries(gateway);
        return rows.some((row) => row.user === 'carol' && row.prsOpened24h === 1) && rows;
      },
      { timeoutMs: CYCLE_TIMEOUT_MS, description: `the new carol's PR #${pull.number}` },
    );
    const reused = await exposedTruth('the gateway equal to the ground truth after the reuse');
    expect(reused.filter((row) => row.user === 'carol')).toEqual([
      expect.objectContaining({ repo: 'web', prsOpened24h: 1, commits24h: 0 }),
    ]);
    expect(usersOf(reused, 'carol-renamed')).toEqual(REPOS);
  }, 240_000);
});
