import { toActivityScope, toNoreplyDomain } from '@gse/activity';
import type { Config } from '@gse/config';
import type { ServiceScope } from '@gse/lifecycle';
import type { ScrapeOptions, ScrapeRepoDeps } from '@gse/scrape';
import {
  createActivityStore,
  createRedisLocFallbackBudget,
  createRepoCheckpointStore,
} from '@gse/store';
import type { Redis } from 'ioredis';

/** `scrapeRepo`'s ports and options, without the per-job client, logger and signal. */
export type FleetScrapeDeps = Omit<ScrapeRepoDeps, 'client' | 'logger' | 'signal'>;

/**
 * What every process that scrapes needs, built the one way: the activity store (closed with
 * the scope), the checkpoints, the LOC fallback budget and the scrape options of the config.
 */
export function createFleetScrapeDeps(options: {
  readonly config: Pick<Config, 'store' | 'github' | 'loc' | 'backfill'>;
  readonly redis: Redis;
  readonly scope: Pick<ServiceScope, 'defer'>;
}): FleetScrapeDeps {
  const { config, redis } = options;
  const ports = { redis, keyPrefix: config.store.keyPrefix };
  const store = createActivityStore({
    ...ports,
    retentionMs: config.store.retentionMs,
    maxSeriesBudget: config.store.maxSeriesBudget,
    countedKinds: toActivityScope(config.github.optionalResources).kinds,
    excludeBots: config.github.excludeBots,
  });
  options.scope.defer('activity store', () => store.close());
  return {
    store,
    checkpoints: createRepoCheckpointStore(ports),
    locBudget: createRedisLocFallbackBudget({
      ...ports,
      maxCommitsPerRepoPerWeek: config.loc.fallbackMaxCommitsPerRepoPerWeek,
      maxCommitDetailCallsPerOrgPerHour: config.loc.fallbackMaxCommitDetailCallsPerOrgPerHour,
    }),
    options: toScrapeOptions(config),
  };
}

/**
 * The scrape options of the config (`store.retention`, `backfill.history_in_background`, `loc.*`, the resources
 * `github.optional_resources` adds, and the noreply domain of `github.api_base_url`).
 */
export function toScrapeOptions(
  config: Pick<Config, 'store' | 'github' | 'loc' | 'backfill'>,
): ScrapeOptions {
  return {
    retentionMs: config.store.retentionMs,
    historyInBackground: config.backfill.historyInBackground,
    historyInBackgroundMinRepos: config.backfill.historyInBackgroundMinRepos,
    noreplyDomain: toNoreplyDomain(config.github.apiBaseUrl),
    commentReconcileIntervalMs: config.github.commentReconcileIntervalMs,
    resources: toActivityScope(config.github.optionalResources).resources,
    loc: {
      refreshIntervalMs: config.loc.refreshIntervalMs,
      statsPollAttempts: config.loc.statsPollAttempts,
      statsPollInitialDelayMs: config.loc.statsPollInitialDelayMs,
      fallbackEnabled: config.loc.fallbackEnabled,
      zeroDetectionRefreshes: config.loc.largeRepoZeroDetectionWindows,
      largeRepoCooldownMs: config.loc.largeRepoCooldownMs,
    },
  };
}
