import { ACTIVITY_METRICS, toActivityScope, type UserActivity } from '@gse/activity';
import { createStoreKeys, encodeUserActivity } from '@gse/store';
import type { Redis } from 'ioredis';

/** A series as the tests write it: its labels and its eight values. */
export interface TestSeries {
  readonly org: string;
  readonly repo: string;
  readonly user: string;
  readonly activity: UserActivity;
}

/** Eight distinct values from `base`, in `ACTIVITY_METRICS` order. */
export function activityFrom(base: number): UserActivity {
  const activity = {} as UserActivity;
  ACTIVITY_METRICS.forEach((metric, index) => {
    activity[metric.field] =
      metric.field === 'lastEventUnixtime' ? 1_700_000_000 + base : base + index;
  });
  return activity;
}

/**
 * Writes series the way the store's refresh leaves them: each repo's hash, its entry in
 * the repo index (scored with `scrapedAtMs`) and the fleet-wide series counter.
 */
export async function writeSeries(
  redis: Redis,
  keyPrefix: string,
  series: readonly TestSeries[],
  scrapedAtMs = Date.now(),
): Promise<void> {
  const keys = createStoreKeys(keyPrefix);
  const transaction = redis.multi();
  for (const { org, repo, user, activity } of series) {
    transaction
      .hset(keys.repoSeries({ org, repo }), user, encodeUserActivity(activity))
      .zadd(keys.repoIndex, scrapedAtMs, `${org}/${repo}`);
  }
  transaction.incrby(keys.seriesCount, series.length);
  await transaction.exec();
}

/**
 * The business families as the expected Prometheus text, built independently: DESIGN.md §5's
 * eight, and those of the optional resources named (`github.optional_resources`).
 */
export function expectedActivityText(
  series: readonly TestSeries[],
  optionalResources: readonly string[] = [],
): string {
  const escape = (value: string): string =>
    value.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n');
  const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  const sorted = [...series].sort(
    (a, b) => compare(a.org, b.org) || compare(a.repo, b.repo) || compare(a.user, b.user),
  );
  return toActivityScope(optionalResources)
    .metrics.map((metric) =>
      [
        `# HELP ${metric.name} ${metric.help}`,
        `# TYPE ${metric.name} gauge`,
        ...sorted.map(
          (s) =>
            `${metric.name}{org="${escape(s.org)}",repo="${escape(s.repo)}",user="${escape(s.user)}"} ${s.activity[metric.field]}`,
        ),
      ].join('\n'),
    )
    .join('\n');
}

/** The `gh_activity_*` part of a Prometheus-text body (its families come first). */
export function activitySection(body: string): string {
  const lines = body.split('\n');
  const end = lines.findIndex(
    (line) => line.startsWith('# HELP gh_exporter_') || line.startsWith('# TYPE gh_exporter_'),
  );
  return lines.slice(0, end < 0 ? lines.length : end).join('\n');
}
