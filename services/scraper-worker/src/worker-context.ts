import type { OrgConfig } from '@gse/config';
import { decodeOrgHealth, isScrapingAllowed, type GitHubClient } from '@gse/github';
import type { BackfillProducer, ScrapeQueues } from '@gse/queues';
import type { ScrapeRepoDeps } from '@gse/scrape';
import type { OrgRepoListStore, OrgRepoSync, StoreKeys, UserLoginChecks } from '@gse/store';
import { FLEET_METRICS, type FleetTelemetry } from '@gse/telemetry';
import type { Redis } from 'ioredis';

import type { CycleCompletion, OrgCycleTracker } from './org-cycle-tracker.js';
import type { OrgScrapeSlots } from './org-scrape-slots.js';

/** Everything the job handlers share, built once per run by the composition root. */
export interface WorkerContext {
  readonly orgs: ReadonlyMap<string, OrgConfig>;
  readonly clients: ReadonlyMap<string, GitHubClient>;
  readonly slots: OrgScrapeSlots;
  readonly queues: ScrapeQueues;
  readonly cycles: OrgCycleTracker;
  readonly backfill: BackfillProducer;
  readonly telemetry: FleetTelemetry;
  readonly redis: Redis;
  readonly keys: StoreKeys;
  /** Each org's last repo list, for a conditional discovery. */
  readonly repoLists: OrgRepoListStore;
  /** Makes the store's repos of an org follow discovery by repo id. */
  readonly repoSync: OrgRepoSync;
  /** `scrapeRepo`'s ports and options, without the per-job client, logger and signal. */
  readonly scrape: Omit<ScrapeRepoDeps, 'client' | 'logger' | 'signal'>;
  /** `github.change_detection` and `github.quiet_repo_reread_interval`. */
  readonly changeDetection: {
    readonly mode: 'graphql' | 'off';
    readonly quietRepoRereadIntervalMs: number;
    /**
     * `org reason` of each fallback to REST this process has logged: the cause is logged
     * once, not every cycle it lasts (the metric counts every cycle).
     */
    readonly fallbacksLogged: Set<string>;
  };
  /** The logins no read confirmed within `github.login_check_interval`, looked up by id. */
  readonly loginChecks: {
    readonly checks: UserLoginChecks;
    readonly intervalMs: number;
  };
  readonly now: () => number;
}

/** The org's config and client; throws for an org this process was not configured with. */
export function orgOf(
  context: WorkerContext,
  org: string,
): { readonly config: OrgConfig; readonly client: GitHubClient } {
  const config = context.orgs.get(org);
  const client = context.clients.get(org);
  if (!config || !client) throw new Error(`org ${org} is not configured in this worker`);
  return { config, client };
}

/** Reports an org cycle that ended: its run by result, how long it took, and when it ended. */
export function recordCycle(
  context: WorkerContext,
  org: string,
  completion: Pick<CycleCompletion, 'startedAtMs' | 'result'>,
): void {
  const labels = { org, result: completion.result };
  context.telemetry.increment(FLEET_METRICS.scrapeRuns, labels);
  context.telemetry.observe(
    FLEET_METRICS.scrapeDuration,
    labels,
    Math.max(0, context.now() - completion.startedAtMs) / 1000,
  );
  context.telemetry.set(FLEET_METRICS.scrapeLastEnd, labels, context.now() / 1000);
}

/**
 * Whether the scheduler's leader has the org in GitHub cooldown: then a job queued before
 * the cooldown sends nothing either (only the leader's probes reach GitHub meanwhile).
 */
export async function isOrgInCooldown(context: WorkerContext, org: string): Promise<boolean> {
  return !isScrapingAllowed(decodeOrgHealth(await context.redis.hget(context.keys.orgHealth, org)));
}
