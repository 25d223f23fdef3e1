import type { StoredSample } from '@gse/telemetry';

import {
  toOrgScrapeTimes,
  type FleetHealthInputs,
  type OrgBudgetUsage,
} from './fleet-health-inputs.js';
import type { SnapshotCacheState } from './snapshot-cache.js';

/** `ok`; `degraded` (works, with a problem); `down`; `unknown` (nothing reported yet); `disabled`. */
export type ComponentStatus = 'ok' | 'degraded' | 'down' | 'unknown' | 'disabled';

export interface ComponentHealth {
  readonly status: ComponentStatus;
  readonly detail: string;
}

export interface OrgScrapeHealth extends ComponentHealth {
  /** ISO time of the org's latest successful repo scrape. */
  readonly lastSuccessfulScrapeAt?: string;
  readonly ageSeconds?: number;
  /** Repos with a recorded successful scrape. */
  readonly repos: number;
  /** Of those, repos whose latest successful scrape is older than 3 × `scrape_interval`. */
  readonly staleRepos: number;
}

/** The body of `/healthz`: names, states and times only, never a secret. */
export interface HealthReport {
  /** `down` if any component is down, `degraded` if any is not ok, else `ok`. */
  readonly status: 'ok' | 'degraded' | 'down';
  readonly checkedAt: string;
  readonly components: {
    readonly redis: ComponentHealth;
    readonly metrics: ComponentHealth;
    readonly amqp: ComponentHealth;
    readonly leader: ComponentHealth;
    readonly github: Readonly<Record<string, ComponentHealth>>;
    readonly lastScrape: Readonly<Record<string, OrgScrapeHealth>>;
  };
}

export interface HealthReportContext {
  readonly nowMs: number;
  /** The configured orgs and their `scrape_interval`. */
  readonly orgs: readonly { readonly org: string; readonly scrapeIntervalMs: number }[];
  readonly backfillEnabled: boolean;
  readonly leaderElectionEnabled: boolean;
  /** The gateway's own PING. */
  readonly redis:
    | { readonly ok: true; readonly latencyMs: number }
    | { readonly ok: false; readonly reason: string };
  readonly snapshots: SnapshotCacheState;
  /** The latest health telemetry read; undefined when Redis was never read. */
  readonly inputs: FleetHealthInputs | undefined;
}

/** A scrape older than this many scrape intervals makes an org's data stale. */
const STALE_AFTER_INTERVALS = 3;

/** Builds the `/healthz` report from what the fleet published and what the gateway saw. */
export function toHealthReport(context: HealthReportContext): HealthReport {
  const { inputs, nowMs } = context;
  // When Redis does not answer, the other components read as of the last successful read.
  const asOf =
    inputs && !context.redis.ok ? ` (as of ${iso(inputs.readAtMs)}; Redis unreachable)` : '';
  const withAsOf = <H extends ComponentHealth>(health: H): H => ({
    ...health,
    detail: `${health.detail}${asOf}`,
  });
  const noInputs: ComponentHealth = { status: 'unknown', detail: 'Redis was never read' };

  const github: Record<string, ComponentHealth> = {};
  const lastScrape: Record<string, OrgScrapeHealth> = {};
  const scrapeTimes = inputs ? toOrgScrapeTimes(inputs) : new Map<string, Map<string, number>>();
  for (const { org, scrapeIntervalMs } of context.orgs) {
    github[org] = inputs ? withAsOf(githubHealth(inputs, org)) : noInputs;
    lastScrape[org] = inputs
      ? withAsOf(scrapeHealth(scrapeTimes.get(org), scrapeIntervalMs, nowMs))
      : { ...noInputs, repos: 0, staleRepos: 0 };
  }
  const components = {
    redis: context.redis.ok
      ? { status: 'ok' as const, detail: `answered PING in ${context.redis.latencyMs} ms` }
      : { status: 'down' as const, detail: context.redis.reason },
    metrics: metricsHealth(context.snapshots, nowMs),
    amqp: !context.backfillEnabled
      ? { status: 'disabled' as const, detail: 'backfill.enabled is false: nothing uses RabbitMQ' }
      : inputs
        ? withAsOf(amqpHealth(inputs.dependencies, inputs.amqpBlocked))
        : noInputs,
    leader: !context.leaderElectionEnabled
      ? { status: 'disabled' as const, detail: 'leader_election.enabled is false' }
      : inputs
        ? withAsOf(leaderHealth(inputs.leader))
        : noInputs,
    github,
    lastScrape,
  };
  const statuses = [
    components.redis,
    components.metrics,
    components.amqp,
    components.leader,
    ...Object.values(github),
    ...Object.values(lastScrape),
  ].map((component) => component.status);
  return {
    status: statuses.includes('down')
      ? 'down'
      : statuses.every((status) => status === 'ok' || status === 'disabled')
        ? 'ok'
        : 'degraded',
    checkedAt: iso(nowMs),
    components,
  };
}

function metricsHealth(state: SnapshotCacheState, nowMs: number): ComponentHealth {
  const { lastGood, failure } = state;
  if (failure) {
    return lastGood
      ? {
          status: 'degraded',
          detail: `serving the last good render, read ${age(nowMs - lastGood.readAtMs)} ago at ${iso(lastGood.readAtMs)}: ${failure.reason}`,
        }
      : { status: 'down', detail: `no render yet: ${failure.reason}` };
  }
  if (!lastGood)
    return { status: 'unknown', detail: 'not rendered yet: the first scrape reads Redis' };
  const { activity } = lastGood;
  const corrupt =
    activity.corruptSeriesCount > 0
      ? `; ${activity.corruptSeriesCount} corrupt series left out`
      : '';
  return {
    status: activity.corruptSeriesCount > 0 ? 'degraded' : 'ok',
    detail: `${activity.seriesCount} series of ${activity.blocks.length} repos, read ${age(nowMs - lastGood.readAtMs)} ago${corrupt}`,
  };
}

function amqpHealth(
  dependencies: readonly StoredSample[],
  blocked: readonly StoredSample[],
): ComponentHealth {
  const reports = dependencies.filter((sample) => sample.labelValues[0] === 'amqp');
  if (reports.length === 0)
    return { status: 'unknown', detail: 'no service has reported RabbitMQ health yet' };
  const services = (healthy: boolean): string =>
    reports
      .filter((sample) => (sample.value === 1) === healthy)
      .map((sample) => sample.labelValues[1] ?? '')
      .sort()
      .join(', ');
  const failing = services(false);
  if (failing !== '') return { status: 'down', detail: `does not answer ${failing}` };
  const blockedServices = blocked
    .filter((sample) => sample.value === 1)
    .map((sample) => sample.labelValues[0] ?? '')
    .sort()
    .join(', ');
  // A resource alarm: nothing is lost (windows wait in the Redis outbox), but none are queued.
  return blockedServices === ''
    ? { status: 'ok', detail: `answers ${services(true)}` }
    : {
        status: 'degraded',
        detail: `blocks publishing by ${blockedServices} (a memory or disk alarm): backfill windows wait in the Redis outbox`,
      };
}

function leaderHealth(leader: FleetHealthInputs['leader']): ComponentHealth {
  if (leader.holder === undefined) {
    return { status: 'down', detail: 'no scheduler holds the leader lock' };
  }
  return {
    status: 'ok',
    detail: `${leader.holder} holds the leader lock (fencing token ${leader.fencingToken ?? 'unknown'})`,
  };
}

function githubHealth(inputs: FleetHealthInputs, org: string): ComponentHealth {
  const forOrg = (samples: readonly StoredSample[]): StoredSample | undefined =>
    samples.find((sample) => sample.labelValues[0] === org);
  const healthy = forOrg(inputs.orgHealthy);
  const remaining = forOrg(inputs.rateLimitRemaining);
  const limit = forOrg(inputs.rateLimitLimit);
  const reset = forOrg(inputs.rateLimitReset);
  const budget = inputs.budgets.find((usage) => usage.org === org);
  const rateLimit = `${
    remaining && limit
      ? `; rate limit ${remaining.value}/${limit.value} left${reset ? `, resets at ${iso(reset.value * 1000)}` : ''}`
      : ''
  }${budget ? `; ${budgetDetail(budget)}` : ''}`;
  if (!healthy) return { status: 'unknown', detail: `no GitHub health reported yet${rateLimit}` };
  return healthy.value === 1
    ? { status: 'ok', detail: `GitHub answers${rateLimit}` }
    : { status: 'down', detail: `in cooldown after repeated GitHub failures${rateLimit}` };
}

/** The points the fleet took in the last minute of each budget, e.g. `REST 412/800, GraphQL 3/1800 points in the last minute`. */
function budgetDetail(budget: OrgBudgetUsage): string {
  const points = (usage: OrgBudgetUsage['rest']): string =>
    `${usage.usedPoints}/${usage.pointsPerWindow}`;
  return `REST ${points(budget.rest)}, GraphQL ${points(budget.graphql)} points in the last minute`;
}

function scrapeHealth(
  repos: ReadonlyMap<string, number> | undefined,
  scrapeIntervalMs: number,
  nowMs: number,
): OrgScrapeHealth {
  if (!repos || repos.size === 0) {
    return {
      status: 'unknown',
      detail: 'no successful repo scrape recorded yet',
      repos: 0,
      staleRepos: 0,
    };
  }
  const staleAfterMs = STALE_AFTER_INTERVALS * scrapeIntervalMs;
  const times = [...repos.values()];
  const newestMs = Math.max(...times);
  const staleRepos = times.filter((atMs) => nowMs - atMs > staleAfterMs).length;
  const ageMs = Math.max(0, nowMs - newestMs);
  const limit = `${STALE_AFTER_INTERVALS} × scrape_interval (${age(staleAfterMs)})`;
  const detail = `latest successful repo scrape ${age(ageMs)} ago; ${repos.size} repos, ${staleRepos} not scraped successfully within ${limit}`;
  return {
    status: ageMs > staleAfterMs ? 'down' : staleRepos > 0 ? 'degraded' : 'ok',
    detail,
    lastSuccessfulScrapeAt: iso(newestMs),
    ageSeconds: Math.round(ageMs / 1000),
    repos: repos.size,
    staleRepos,
  };
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** A duration the way an operator reads it: `45s`, `12m`, `3h 5m`. */
export function age(ms: number): string {
  const seconds = Math.round(Math.max(0, ms) / 1000);
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 120) return `${minutes}m`;
  return `${Math.floor(minutes / 60)}h ${minutes % 60}m`;
}
