/**
 * `pnpm --filter @gse/store bench` (issue 11): what recomputing the series of an org's
 * quiet repos from their ledgers costs at 10,000 repos, one `refreshSeries` per repo in
 * sequence (the org job's way before) next to `refreshSeriesOfRepos` (batches of 100),
 * in the same process against the same Redis. See docs/benchmarks.md ("quiet repos").
 * `--repos N` changes the org's size.
 */
import { parseArgs } from 'node:util';

import { createRedisFixture } from '@gse/testing';

import { createActivityStore } from '../src/index.js';

const DAY_MS = 86_400_000;
const USERS = 40;
const EVENTS_PER_REPO = 8;
const { values } = parseArgs({ options: { repos: { type: 'string', default: '10000' } } });
const repoCount = Number(values.repos);
const org = 'bench';
const repos = Array.from({ length: repoCount }, (_, index) => `repo-${index}`);

const fixture = await createRedisFixture();
const store = createActivityStore({
  redis: fixture.redis,
  keyPrefix: fixture.keyPrefix,
  retentionMs: 30 * DAY_MS,
  maxSeriesBudget: 1_000_000,
});
try {
  const nowMs = await store.readClockMs();
  // A quiet org: a few events each, spread over the 30 days, one in the last day for 1 in 10.
  for (const [index, repo] of repos.entries()) {
    await store.recordEvents(
      { org, repo },
      Array.from({ length: EVENTS_PER_REPO }, (_, event) => ({
        kind: 'commit' as const,
        sourceId: `${index}-${event}`,
        user: `user-${(index + event * 7) % USERS}`,
        occurredAtMs:
          nowMs - (event === 0 && index % 10 === 0 ? 3_600_000 : ((event + 1) * 29 * DAY_MS) / 9),
      })),
    );
  }
  const readAll = async (): Promise<string> =>
    JSON.stringify(
      await Promise.all(repos.map(async (repo) => [...(await store.readSeries({ org, repo }))])),
    );

  const oneByOneStartedAt = performance.now();
  for (const repo of repos) await store.refreshSeries({ org, repo }, nowMs);
  const oneByOneMs = performance.now() - oneByOneStartedAt;
  const oneByOneSeries = await readAll();

  const batchedStartedAt = performance.now();
  await store.refreshSeriesOfRepos(org, repos, nowMs);
  const batchedMs = performance.now() - batchedStartedAt;
  const same = (await readAll()) === oneByOneSeries;

  const line = (name: string, ms: number): string =>
    `${name}: ${(ms / repoCount).toFixed(3)} ms a repo, ${(ms / 1000).toFixed(2)} s for ${repoCount} repos`;
  console.log(line('one refreshSeries per repo, in sequence (baseline)', oneByOneMs));
  console.log(line('refreshSeriesOfRepos, batches of 100', batchedMs));
  console.log(
    `QUIET-REFRESH repos=${repoCount} batched/baseline=${(batchedMs / oneByOneMs).toFixed(3)} same-series=${same ? 'yes' : 'no'}`,
  );
} finally {
  await store.close();
  await fixture.cleanup();
}
