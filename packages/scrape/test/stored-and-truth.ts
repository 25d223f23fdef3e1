import type { GroundTruthSeries } from '@gse/github-sim';
import { createStoreKeys, decodeUserActivity } from '@gse/store';

import type { ScrapeFixture } from './scrape-fixture.js';

const RETENTION_MS = 30 * 86_400_000;

/**
 * Every series the store holds for acme (by the series index), and the truth of the
 * allowed repos at each one's scrape (a repo never scraped: at `unreadAtMs`).
 */
export async function storedAndTruth(
  world: ScrapeFixture,
  allowlist: readonly string[],
  unreadAtMs = Date.now(),
): Promise<{ stored: GroundTruthSeries[]; truth: GroundTruthSeries[] }> {
  const keys = createStoreKeys(world.redis.keyPrefix);
  const index = await world.redis.redis.zrange(keys.repoIndex, '0', '-1', 'WITHSCORES');
  const stored: GroundTruthSeries[] = [];
  const truth: GroundTruthSeries[] = [];
  const scraped = new Set<string>();
  for (let i = 0; i < index.length; i += 2) {
    const [org = '', repo = ''] = (index[i] ?? '').split('/');
    if (org !== 'acme') continue;
    scraped.add(repo);
    for (const [user, encoded] of Object.entries(
      await world.redis.redis.hgetall(keys.repoSeries({ org, repo })),
    )) {
      stored.push({ org, repo, user, ...decodeUserActivity(encoded) });
    }
    truth.push(
      ...world.simulator
        .groundTruth(Number(index[i + 1]), { retentionMs: RETENTION_MS })
        .filter((row) => row.org === org && row.repo === repo),
    );
  }
  // A repo with series in the truth that the store lacks fails the comparison.
  truth.push(
    ...world.simulator
      .groundTruth(unreadAtMs, { retentionMs: RETENTION_MS })
      .filter((row) => row.org === 'acme' && !scraped.has(row.repo)),
  );
  const allowed = (row: GroundTruthSeries): boolean => allowlist.includes(row.repo);
  return { stored: stored.sort(order), truth: truth.filter(allowed).sort(order) };
}

const order = (a: GroundTruthSeries, b: GroundTruthSeries): number =>
  a.repo.localeCompare(b.repo) || a.user.localeCompare(b.user);

export const reposOf = (rows: readonly GroundTruthSeries[]): string[] => [
  ...new Set(rows.map((row) => row.repo)),
];
