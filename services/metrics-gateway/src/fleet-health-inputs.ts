import {
  createStoreKeys,
  parseRepoId,
  type RedisRequestBudget,
  type RequestBudgetUsage,
} from '@gse/store';
import { FLEET_METRICS, readFleetTelemetry, type StoredSample } from '@gse/telemetry';
import type { Redis } from 'ioredis';

/** What the other services published about their health, as `/healthz` reads it. */
export interface FleetHealthInputs {
  readonly readAtMs: number;
  /** The leader lock as the scheduler holds it: its owner (absent when free) and fencing token. */
  readonly leader: {
    readonly holder: string | undefined;
    readonly fencingToken: string | undefined;
  };
  /** `gh_exporter_dependency_health` (`dependency`, `service`). */
  readonly dependencies: readonly StoredSample[];
  /** `gh_exporter_amqp_blocked` (`service`). */
  readonly amqpBlocked: readonly StoredSample[];
  /** `gh_exporter_github_org_healthy` (`org`). */
  readonly orgHealthy: readonly StoredSample[];
  /** `gh_exporter_github_rate_limit_*` (`org`, `installation_id`). */
  readonly rateLimitRemaining: readonly StoredSample[];
  readonly rateLimitLimit: readonly StoredSample[];
  readonly rateLimitReset: readonly StoredSample[];
  /** `gh_exporter_repo_last_successful_scrape_unixtime` (`org`, `repo`), in seconds. */
  readonly repoLastSuccess: readonly StoredSample[];
  /** Each org's request budgets now: points taken in the last minute, the primary view. */
  readonly budgets: readonly OrgBudgetUsage[];
  /** The store's repo index: each repo with series and its latest successful scrape. */
  readonly repoIndex: readonly {
    readonly org: string;
    readonly repo: string;
    readonly scrapedAtMs: number;
  }[];
}

/** One org installation's per-minute budgets as the fleet shares them in Redis. */
export interface OrgBudgetUsage {
  readonly org: string;
  readonly rest: RequestBudgetUsage;
  readonly graphql: RequestBudgetUsage;
}

/** Where the budgets are read: the fleet's budget and the configured installations. */
export interface BudgetSource {
  readonly budget: Pick<RedisRequestBudget, 'readUsage'>;
  readonly installations: readonly { readonly org: string; readonly installationId: number }[];
}

const HEALTH_METRICS = [
  FLEET_METRICS.dependencyHealth,
  FLEET_METRICS.githubOrgHealthy,
  FLEET_METRICS.githubRateLimitRemaining,
  FLEET_METRICS.githubRateLimitLimit,
  FLEET_METRICS.githubRateLimitReset,
  FLEET_METRICS.repoLastSuccessfulScrape,
  FLEET_METRICS.amqpBlocked,
] as const;

/**
 * Reads the health telemetry (one pipeline), the leader lock, the repo index and each
 * installation's request budgets.
 */
export async function readFleetHealthInputs(
  redis: Redis,
  keyPrefix: string,
  nowMs: number,
  budgets: BudgetSource,
): Promise<FleetHealthInputs> {
  const keys = createStoreKeys(keyPrefix);
  const [metrics, index, holder, fencingToken, budgetUsage] = await Promise.all([
    readFleetTelemetry(redis, (name) => keys.telemetryMetric(name), HEALTH_METRICS),
    redis.zrange(keys.repoIndex, 0, '-1', 'WITHSCORES'),
    redis.get(keys.leaderLock),
    redis.get(keys.leaderFencingToken),
    Promise.all(
      budgets.installations.map(async ({ org, installationId }): Promise<OrgBudgetUsage> => ({
        org,
        rest: await budgets.budget.readUsage(installationId, 'rest'),
        graphql: await budgets.budget.readUsage(installationId, 'graphql'),
      })),
    ),
  ]);
  const samples = (position: number): readonly StoredSample[] => {
    const metric = metrics[position];
    return metric?.kind === 'samples' ? metric.samples : [];
  };
  const repoIndex: { org: string; repo: string; scrapedAtMs: number }[] = [];
  for (let offset = 0; offset < index.length; offset += 2) {
    repoIndex.push({
      ...parseRepoId(index[offset] ?? ''),
      scrapedAtMs: Number(index[offset + 1]),
    });
  }
  return {
    readAtMs: nowMs,
    leader: { holder: holder ?? undefined, fencingToken: fencingToken ?? undefined },
    dependencies: samples(0),
    orgHealthy: samples(1),
    rateLimitRemaining: samples(2),
    rateLimitLimit: samples(3),
    rateLimitReset: samples(4),
    repoLastSuccess: samples(5),
    amqpBlocked: samples(6),
    budgets: budgetUsage,
    repoIndex,
  };
}

/**
 * The latest successful scrape of each org's repos, in ms: the later of what the scrapers
 * published and the store's repo index (which knows only repos with series).
 */
export function toOrgScrapeTimes(inputs: FleetHealthInputs): Map<string, Map<string, number>> {
  const byOrg = new Map<string, Map<string, number>>();
  const note = (org: string, repo: string, atMs: number): void => {
    if (!Number.isFinite(atMs)) return;
    let repos = byOrg.get(org);
    if (!repos) {
      repos = new Map();
      byOrg.set(org, repos);
    }
    repos.set(repo, Math.max(repos.get(repo) ?? 0, atMs));
  };
  for (const { labelValues, value } of inputs.repoLastSuccess) {
    note(labelValues[0] ?? '', labelValues[1] ?? '', value * 1000);
  }
  for (const { org, repo, scrapedAtMs } of inputs.repoIndex) note(org, repo, scrapedAtMs);
  return byOrg;
}
