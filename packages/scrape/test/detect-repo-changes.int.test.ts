import { lastCompleteWeek } from '@gse/activity';
import { createOrgRepoSync, createRepoCheckpointStore } from '@gse/store';
import { waitFor } from '@gse/testing';
import { describe, expect, test } from 'vitest';

import {
  detectRepoChanges,
  FINGERPRINT_SETTLE_MS,
  recomputeSeries,
  storeFingerprintAfterScrape,
  syncOrgRepos,
  type RepoChanges,
} from '../src/index.js';
import { createScrapeFixture, type ScrapeFixture } from './scrape-fixture.js';
import { reposOf, storedAndTruth } from './stored-and-truth.js';

/** Small repos keep cycles short (not `platform`'s 7,000 commits); web's new name too. */
const ALLOWLIST = ['docs', 'mobile', 'sandbox', 'web', 'web-app'];
const HOUR_MS = 3_600_000;
const WEEK_MS = 7 * 24 * HOUR_MS;
const CYCLE_MS = 300_000;
const RETENTION_MS = 30 * 24 * HOUR_MS;

/** A world per test: on Redis's clock (as production), or on the fixture's own (`nowMs`). */
function worldOn(clock: 'redis' | 'fixture') {
  // eslint-disable-next-line no-empty-pattern -- vitest reads the fixtures a test uses from this pattern
  return async ({}, use: (world: ScrapeFixture) => Promise<void>) => {
    const world = await createScrapeFixture({ redisClock: clock === 'redis' });
    try {
      await use(world);
    } finally {
      await world.close();
    }
  };
}
const worldTest = test.extend<{ world: ScrapeFixture }>({ world: worldOn('redis') });
const clockedWorldTest = test.extend<{ world: ScrapeFixture }>({ world: worldOn('fixture') });

interface Cycle {
  readonly changes: RepoChanges;
  /** `reason name` of every repo read, in order. */
  readonly scraped: readonly string[];
  /** Every request of the cycle, repo scrapes excluded: discovery, sync, series refresh. */
  readonly detectionRequests: readonly string[];
}

/**
 * One org cycle as the scraper worker runs it with `change_detection: graphql`: detection,
 * the store following it, then a scrape of each changed repo whose fingerprint is stored
 * if the scrape vouches for it, then the quiet repos' series recomputed. `laterMs`: how far
 * after the changes the cycle runs (past the settle margin by default, as a 5-minute cycle
 * is); `beforeScrapes`: what happens on GitHub between detection and the repo jobs.
 */
async function runCycle(
  world: ScrapeFixture,
  options: {
    readonly allowlist?: readonly string[];
    readonly laterMs?: number;
    /** The cycle's instant instead (a fixture on its own clock). */
    readonly atMs?: number;
    readonly beforeScrapes?: () => void;
  } = {},
): Promise<Cycle> {
  const ports = { redis: world.redis.redis, keyPrefix: world.redis.keyPrefix };
  const checkpoints = createRepoCheckpointStore(ports);
  const allowlist = options.allowlist ?? ALLOWLIST;
  const nowMs = options.atMs ?? Date.now() + (options.laterMs ?? FINGERPRINT_SETTLE_MS + 1000);
  const firstReport = world.reports.length;
  const changes = await detectRepoChanges({
    client: world.client('acme'),
    checkpoints,
    org: 'acme',
    allowlist,
    nowMs,
    cycleIntervalMs: CYCLE_MS,
    quietRepoRereadIntervalMs: 24 * HOUR_MS,
    locRefreshIntervalMs: 24 * HOUR_MS,
    retentionMs: RETENTION_MS,
  });
  // On the fixture's clock, quiet repos are recomputed at the cycle's instant: Redis's
  // clock is the cycle's in production.
  const store =
    options.atMs === undefined
      ? world.store
      : { ...world.store, readClockMs: () => Promise.resolve(nowMs) };
  const synced = await syncOrgRepos(
    { repos: createOrgRepoSync(ports), store, checkpoints },
    'acme',
    changes,
    changes.quiet,
  );
  const detectionRequests = world.reports.slice(firstReport).map((report) => report.endpoint);
  options.beforeScrapes?.();
  const scraped: string[] = [];
  const ids = new Map(changes.admitted.map((repo) => [repo.name, repo.id]));
  const toRead = [
    ...changes.changed,
    ...synced.lastReads.map((name) => ({ name, reason: 'last_read', fingerprint: undefined })),
  ];
  for (const { name, reason, fingerprint } of toRead) {
    const outcome = await world.scrape('acme', { name, id: ids.get(name) ?? 0 });
    scraped.push(`${reason} ${name}`);
    await storeFingerprintAfterScrape(
      checkpoints,
      { org: 'acme', repo: name, fingerprint },
      outcome,
      nowMs,
    );
  }
  await recomputeSeries(store, 'acme', synced.toRecompute);
  return { changes, scraped, detectionRequests };
}

/** A cycle of a world on the fixture's clock at `atMs`, its scrapes then too. */
async function cycleAt(world: ScrapeFixture, atMs: number): Promise<Cycle> {
  world.nowMs = atMs;
  return runCycle(world, { atMs });
}

async function expectStoredEqualsTruth(
  world: ScrapeFixture,
  allowlist = ALLOWLIST,
  unreadAtMs?: number,
) {
  const { stored, truth } = await storedAndTruth(world, allowlist, unreadAtMs);
  expect(stored).toEqual(truth);
  return stored;
}

/** acme's repo count as the installation sees it: one query per 100. */
const queriesFor = (world: ScrapeFixture): number =>
  Math.ceil((world.dataset.orgs.find((org) => org.login === 'acme')?.repos.length ?? 0) / 100);

describe('detectRepoChanges: only repos that changed are read', () => {
  worldTest(
    'a quiet org costs one GraphQL query per 100 repos a cycle and no REST request',
    async ({ world }) => {
      const first = await runCycle(world);
      expect(first.scraped).toEqual(['new docs', 'new mobile', 'new sandbox', 'new web']);
      expect(first.changes.queries).toBe(queriesFor(world));
      await expectStoredEqualsTruth(world);

      for (let cycle = 0; cycle < 3; cycle++) {
        world.simulator.resetCounters();
        const quiet = await runCycle(world);
        expect(quiet.scraped).toEqual([]);
        expect(quiet.changes.quiet).toEqual(['docs', 'mobile', 'sandbox', 'web']);
        expect(quiet.detectionRequests).toEqual(
          Array.from({ length: queriesFor(world) }, () => 'POST /graphql'),
        );
        const counters = world.simulator.counters().total;
        expect({ total: counters.total, counted: counters.counted }).toEqual({
          total: queriesFor(world),
          counted: queriesFor(world),
        });
      }
      // Quiet repos' series are still recomputed at each cycle: equal to the truth now.
      await expectStoredEqualsTruth(world);
    },
  );

  worldTest(
    'each kind of change gets exactly its repo read at the next cycle, and the series equal the truth',
    async ({ world }) => {
      await runCycle(world);
      const ref = (repo: string) => ({ org: 'acme', repo });
      const openPullOf = (repo: string): number => {
        const pull = world.dataset.orgs
          .find((org) => org.login === 'acme')
          ?.repos.find((candidate) => candidate.name === repo)
          ?.pulls.find((candidate) => candidate.state === 'open');
        if (!pull) throw new Error(`no open PR in ${repo}`);
        return pull.number;
      };
      const issueOf = (repo: string): number => {
        const issue = world.dataset.orgs
          .find((org) => org.login === 'acme')
          ?.repos.find((candidate) => candidate.name === repo)?.issues[0];
        if (!issue) throw new Error(`no issue in ${repo}`);
        return issue.number;
      };
      const scenarios: [string, () => void, readonly string[]][] = [
        [
          'push',
          () => world.simulator.addCommit(ref('docs'), { authorLogin: 'alice' }),
          ['changed docs'],
        ],
        [
          'force-push',
          () =>
            world.simulator.forcePush(ref('web'), {
              dropCommits: 1,
              commits: [{ authorLogin: 'bob' }],
            }),
          ['changed web'],
        ],
        [
          'PR opened',
          () => world.simulator.openPull(ref('mobile'), { user: 'bob' }),
          ['changed mobile'],
        ],
        [
          'PR reviewed',
          () =>
            world.simulator.addReview(ref('web'), openPullOf('web'), {
              user: 'alice',
              state: 'APPROVED',
            }),
          ['changed web'],
        ],
        [
          'PR commented',
          () => world.simulator.addIssueComment(ref('web'), openPullOf('web'), { user: 'bob' }),
          ['changed web'],
        ],
        [
          'issue comment',
          () =>
            world.simulator.addIssueComment(ref('sandbox'), issueOf('sandbox'), { user: 'alice' }),
          ['changed sandbox'],
        ],
      ];
      for (const [kind, apply, expected] of scenarios) {
        // The runs fake a cycle a minute later, but events happen now: one in the second of
        // the last read would move no whole-second `updatedAt` (the settle margin's case).
        const lastReadSecond = Math.floor(Date.now() / 1000);
        await waitFor(() => Math.floor(Date.now() / 1000) > lastReadSecond, {
          timeoutMs: 5_000,
          description: 'the second after the last read',
        });
        apply();
        const cycle = await runCycle(world);
        expect({ kind, scraped: cycle.scraped }).toEqual({ kind, scraped: expected });
        await expectStoredEqualsTruth(world);
        expect({ kind, next: (await runCycle(world)).scraped }).toEqual({ kind, next: [] });
      }
    },
  );

  worldTest(
    'a rename, an archival, a deletion, a transfer and a new repo: the store follows, only what changed is read',
    async ({ world }) => {
      await runCycle(world);
      world.simulator.renameRepo({ org: 'acme', repo: 'web' }, 'web-app');
      expect((await runCycle(world)).scraped).toEqual(['new web-app']);
      expect(reposOf(await expectStoredEqualsTruth(world))).toEqual([
        'docs',
        'mobile',
        'sandbox',
        'web-app',
      ]);

      world.simulator.addCommit({ org: 'acme', repo: 'docs' }, { authorLogin: 'alice' });
      world.simulator.archiveRepo({ org: 'acme', repo: 'docs' });
      const archiving = await runCycle(world);
      // Changed since its last read: one last read, then only recomputed.
      expect(archiving.scraped).toEqual(['last_read docs']);
      expect(archiving.changes.archived).toContain('docs');
      await expectStoredEqualsTruth(world);

      world.simulator.deleteRepo({ org: 'acme', repo: 'mobile' });
      world.simulator.transferRepoOut({ org: 'acme', repo: 'sandbox' });
      const departed = await runCycle(world);
      expect(departed.scraped.filter((entry) => !entry.endsWith(' docs'))).toEqual([]);
      expect(reposOf(await expectStoredEqualsTruth(world))).toEqual(['docs', 'web-app']);

      const allowlist = [...ALLOWLIST, 'terraform-modules'];
      const grown = await runCycle(world, { allowlist });
      expect(grown.scraped.filter((entry) => !entry.endsWith(' docs'))).toEqual([
        'new terraform-modules',
      ]);
      await expectStoredEqualsTruth(world, allowlist);
    },
  );

  worldTest(
    'a failed scrape keeps its repo changed until a scrape completes',
    async ({ world }) => {
      await runCycle(world);
      world.simulator.addCommit({ org: 'acme', repo: 'docs' }, { authorLogin: 'alice' });
      world.simulator.injectErrors({
        org: 'acme',
        endpoint: 'GET /repos/{owner}/{repo}/commits',
        status: 503,
        count: 3,
      });
      expect((await runCycle(world)).scraped).toEqual(['changed docs']);
      // The failed scrape kept no fingerprint.
      expect((await runCycle(world)).scraped).toEqual(['new docs']);
      await expectStoredEqualsTruth(world);
      expect((await runCycle(world)).scraped).toEqual([]);
    },
  );

  worldTest(
    'a partial scrape keeps no fingerprint: a force-push back to the old head is read',
    async ({ world }) => {
      await runCycle(world);
      const docs = { org: 'acme', repo: 'docs' };
      world.simulator.addCommit(docs, { authorLogin: 'alice' });
      world.simulator.injectErrors({
        org: 'acme',
        endpoint: 'GET /repos/{owner}/{repo}/pulls',
        status: 503,
        count: 3,
      });
      const partial = await runCycle(world);
      expect(partial.scraped).toEqual(['changed docs']);
      // The commit read by the partial scrape is dropped, and the head is the old one again.
      world.simulator.forcePush(docs, { dropCommits: 1, commits: [] });
      expect((await runCycle(world)).scraped).toEqual(['new docs']);
      await expectStoredEqualsTruth(world);
      expect((await runCycle(world)).scraped).toEqual([]);
    },
  );

  worldTest(
    'a scrape that read past the head detection saw keeps no fingerprint',
    async ({ world }) => {
      await runCycle(world);
      const docs = { org: 'acme', repo: 'docs' };
      world.simulator.addCommit(docs, { authorLogin: 'alice' });
      const raced = await runCycle(world, {
        beforeScrapes: () => world.simulator.addCommit(docs, { authorLogin: 'bob' }),
      });
      expect(raced.scraped).toEqual(['changed docs']);
      // Back to the head detection saw: the commit read past it is gone.
      world.simulator.forcePush(docs, { dropCommits: 1, commits: [] });
      expect((await runCycle(world)).scraped).toEqual(['new docs']);
      await expectStoredEqualsTruth(world);
      expect((await runCycle(world)).scraped).toEqual([]);
    },
  );

  worldTest(
    'a repo updated within the settle margin is read again at the next cycle',
    async ({ world }) => {
      await runCycle(world);
      world.simulator.addIssueComment(
        { org: 'acme', repo: 'sandbox' },
        world.dataset.orgs
          .find((org) => org.login === 'acme')
          ?.repos.find((repo) => repo.name === 'sandbox')?.issues[0]?.number ?? 0,
        { user: 'alice' },
      );
      const fresh = await runCycle(world, { laterMs: 0 });
      expect(fresh.scraped).toEqual(['changed sandbox']);
      expect(fresh.changes.changed).toEqual([{ name: 'sandbox', reason: 'changed' }]);
      // Its scrape stored no fingerprint.
      expect((await runCycle(world)).scraped).toEqual(['new sandbox']);
      expect((await runCycle(world)).scraped).toEqual([]);
    },
  );

  clockedWorldTest(
    'when the week turns, repos with commits since the last complete week began get their LOC refreshed, the others cost nothing',
    async ({ world }) => {
      // Two hours before a Sunday 00:00 UTC, the week's end, after the dataset's last event.
      const weekEndMs = lastCompleteWeek(Date.now() + 3 * HOUR_MS).endMs + WEEK_MS;
      await cycleAt(world, weekEndMs - 2 * HOUR_MS);
      // A push after that LOC refresh: its scrape reads the commit, LOC is not due yet.
      const docs = { org: 'acme', repo: 'docs' };
      world.simulator.addCommit(
        docs,
        { authorLogin: 'alice', additions: 70, deletions: 7 },
        weekEndMs - 90 * 60_000,
      );
      expect((await cycleAt(world, weekEndMs - HOUR_MS)).scraped).toEqual(['changed docs']);

      // The week turned: the gauges now show the week of that push.
      const weekStartMs = lastCompleteWeek(weekEndMs).startMs;
      const withCommits = ALLOWLIST.filter((name) => {
        const repo = world.dataset.orgs
          .find((org) => org.login === 'acme')
          ?.repos.find((candidate) => candidate.name === name);
        return repo?.commits.some(
          (commit) =>
            commit.branch === repo.defaultBranch &&
            Date.parse(commit.committer.date) >= weekStartMs,
        );
      });
      expect(withCommits).toContain('docs');
      const turned = await cycleAt(world, weekEndMs + 30 * 60_000);
      await expectStoredEqualsTruth(world);
      expect(turned.scraped).toEqual(withCommits.map((name) => `loc_due ${name}`));
      expect(turned.changes.quiet).toEqual(
        ['docs', 'mobile', 'sandbox', 'web'].filter((name) => !withCommits.includes(name)),
      );
      expect((await cycleAt(world, weekEndMs + 35 * 60_000)).scraped).toEqual([]);
    },
  );

  clockedWorldTest(
    'repos never read with no activity within retention cost no read, and are read once one moves',
    async ({ world }) => {
      // Past retention of the dataset's last event: nothing in any repo counts any more.
      const laterMs = Date.now() + RETENTION_MS + 7 * 24 * HOUR_MS;
      const dormant = await cycleAt(world, laterMs);
      expect(dormant.scraped).toEqual([]);
      expect(dormant.changes.quiet).toEqual(['docs', 'mobile', 'sandbox', 'web']);
      expect(dormant.detectionRequests.filter((endpoint) => endpoint.startsWith('GET'))).toEqual(
        [],
      );
      // Still nothing a day later: dormant repos get no reread either.
      expect((await cycleAt(world, laterMs + 25 * HOUR_MS)).scraped).toEqual([]);

      world.simulator.addCommit(
        { org: 'acme', repo: 'docs' },
        { authorLogin: 'alice' },
        laterMs + 26 * HOUR_MS,
      );
      const woken = await cycleAt(world, laterMs + 27 * HOUR_MS);
      expect(woken.scraped).toEqual(['changed docs']);
      const stored = await expectStoredEqualsTruth(world, ALLOWLIST, world.nowMs);
      expect(stored.map((row) => `${row.repo} ${row.user}`)).toEqual(['docs alice']);
    },
  );

  clockedWorldTest(
    'repos quiet for quiet_repo_reread_interval are reread, at most twice their share a cycle',
    async ({ world }) => {
      // A Monday whose last complete week holds no commit of the dataset: no LOC is due.
      const mondayMs = lastCompleteWeek(Date.now()).endMs + 2 * WEEK_MS + 24 * HOUR_MS;
      await cycleAt(world, mondayMs);
      // A day later: all four are due, the cap is ceil(2 × 4 × 5 min / 24 h) = 1 a cycle.
      const dayLaterMs = mondayMs + 24 * HOUR_MS + FINGERPRINT_SETTLE_MS + 1000;
      const first = (await cycleAt(world, dayLaterMs)).scraped;
      const second = (await cycleAt(world, dayLaterMs)).scraped;
      expect([first.length, second.length]).toEqual([1, 1]);
      expect([...first, ...second].every((entry) => entry.startsWith('reread '))).toBe(true);
      expect(first[0]).not.toBe(second[0]);
    },
  );
});
