import { toActivityScope, type UserActivity } from '@gse/activity';
import { createStoreKeys, encodeUserActivity } from '@gse/store';
import type { Redis } from 'ioredis';

/** Users per repo: 1M series are 10,000 repos of 100 contributors. */
export const USERS_PER_REPO = 100;
const ORGS = 10;
/**
 * Distinct logins the users are drawn from (unique within a repo). Logins are short on
 * purpose: prom-client builds the whole body as one string, and with 9-character logins its
 * 1M-series body passes V8's 512 MiB string limit (`RangeError: Invalid string length`).
 */
const LOGIN_POOL = 100_000;

/** The `index`-th benchmark series: the same labels and values in Redis and in prom-client. */
export interface BenchSeries {
  readonly org: string;
  readonly repo: string;
  readonly user: string;
  readonly activity: UserActivity;
}

export function benchSeries(index: number): BenchSeries {
  const repoIndex = Math.floor(index / USERS_PER_REPO);
  const slot = index % USERS_PER_REPO;
  // 1009 × slot < LOGIN_POOL for every slot, so logins never repeat inside a repo.
  const login = (repoIndex * 37 + slot * 1009) % LOGIN_POOL;
  return {
    org: `org-${repoIndex % ORGS}`,
    repo: `repo-${repoIndex}`,
    user: `u${login}`,
    activity: {
      commits24h: index % 7,
      prsOpened24h: index % 3,
      prsMerged24h: index % 2,
      reviewsSubmitted24h: index % 5,
      issueComments24h: index % 11,
      prReviewComments24h: 0,
      locAddedWeekly: (index * 13) % 1000,
      locRemovedWeekly: (index * 7) % 500,
      lastEventUnixtime: 1_700_000_000 + (index % 86_400),
    },
  };
}

/** The business families of a fleet with no optional resource: what the gateway renders. */
export const BENCH_FAMILIES = toActivityScope([]).metrics;

/** The value of `metric` (a `BENCH_FAMILIES` index) of a series. */
export function metricValue(series: BenchSeries, metric: number): number {
  const field = BENCH_FAMILIES[metric]?.field;
  return field === undefined ? 0 : series.activity[field];
}

/**
 * Writes `count` series the way the store's refresh leaves them (series hash per repo, repo
 * index, series counter), one pipeline per 100 repos: 1M series in a few seconds.
 */
export async function fillRedis(redis: Redis, keyPrefix: string, count: number): Promise<void> {
  const keys = createStoreKeys(keyPrefix);
  const repos = Math.ceil(count / USERS_PER_REPO);
  const scrapedAtMs = Date.now();
  for (let firstRepo = 0; firstRepo < repos; firstRepo += 100) {
    const pipeline = redis.pipeline();
    for (let repoIndex = firstRepo; repoIndex < Math.min(repos, firstRepo + 100); repoIndex++) {
      const fields: string[] = [];
      let ref: { org: string; repo: string } | undefined;
      const first = repoIndex * USERS_PER_REPO;
      for (let index = first; index < Math.min(count, first + USERS_PER_REPO); index++) {
        const series = benchSeries(index);
        ref = { org: series.org, repo: series.repo };
        fields.push(series.user, encodeUserActivity(series.activity));
      }
      if (!ref) continue;
      pipeline
        .hset(keys.repoSeries(ref), ...fields)
        .zadd(keys.repoIndex, scrapedAtMs, `${ref.org}/${ref.repo}`);
    }
    pipeline.set(keys.seriesCount, count);
    const results = await pipeline.exec();
    const failed = results?.find(([error]) => error !== null);
    if (failed?.[0]) throw failed[0];
  }
}
