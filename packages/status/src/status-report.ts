import { decodeOrgHealth, type OrgHealth } from '@gse/github';
import type { QueueDepth } from '@gse/queues';
import type { InstanceHeartbeat } from '@gse/store';
import type { StoredSample } from '@gse/telemetry';

/** What the status page shows, read at one moment: the fleet as Redis and BullMQ know it. */
export interface StatusInputs {
  readonly readAtMs: number;
  /** The leader lock: its holder (absent when free) and the fencing token (the term). */
  readonly leader: {
    readonly holder: string | undefined;
    readonly fencingToken: string | undefined;
  };
  /** `schedule:org-health` as stored: org → encoded `OrgHealth`. */
  readonly orgHealth: Readonly<Record<string, string>>;
  /** `gh_exporter_scrape_last_end_unixtime` (`org`, `result`). */
  readonly cycleEnds: readonly StoredSample[];
  /** `gh_exporter_scrape_lag_seconds` (`org`). */
  readonly lag: readonly StoredSample[];
  /** `gh_exporter_org_repos` (`org`, `state`). */
  readonly orgRepos: readonly StoredSample[];
  /** `gh_exporter_github_rate_limit_remaining` / `_limit` / `_reset_unixtime` (`org`, `installation_id`). */
  readonly rateLimitRemaining: readonly StoredSample[];
  readonly rateLimitLimit: readonly StoredSample[];
  readonly rateLimitReset: readonly StoredSample[];
  /** `gh_exporter_backfill_jobs_processed_total` (`org`, `result`). */
  readonly backfillProcessed: readonly StoredSample[];
  /** `gh_exporter_backfill_queue_messages` / `gh_exporter_queue_oldest_message_age_seconds` (`queue`). */
  readonly backfillMessages: readonly StoredSample[];
  readonly backfillOldestAge: readonly StoredSample[];
  /** Every live instance's heartbeat. */
  readonly instances: readonly InstanceHeartbeat[];
  /** The BullMQ scrape queues as BullMQ counts them now. */
  readonly bullmq: readonly QueueDepth[];
  /** Series per org in the gateway's latest render (repos' user series added up). */
  readonly seriesByOrg: ReadonlyMap<string, number>;
}

/** The config the page compares against. */
export interface StatusContext {
  /** The configured orgs, in config order. */
  readonly orgs: readonly { readonly org: string; readonly scrapeIntervalMs: number }[];
  /** The backfill queue names by role (`backfillQueues` of the topology). */
  readonly backfillQueues: {
    readonly main: string;
    readonly retry: readonly string[];
    readonly dlq: string;
  };
}

export interface RateLimitStatus {
  readonly installationId: string;
  readonly remaining: number | undefined;
  readonly limit: number | undefined;
  /** ISO time the window resets. */
  readonly resetAt: string | undefined;
}

export interface OrgStatus {
  readonly org: string;
  /** `healthy` (scraped), `cooldown` (only probed), `unknown` (stored health unreadable). */
  readonly health: 'healthy' | 'cooldown' | 'unknown';
  /** Consecutive failed probes while healthy. */
  readonly consecutiveFailures: number;
  /** While in cooldown: since and not before when it ends (ISO). */
  readonly cooldown: { readonly since: string; readonly until: string } | undefined;
  /** The latest cycle that read every repo (result `success`), ISO, and how long ago. */
  readonly lastCompleteCycleAt: string | undefined;
  readonly lastCompleteCycleAgeSeconds: number | undefined;
  /** The result of the latest cycle that ended, whatever it was. */
  readonly lastCycleResult: string | undefined;
  /** `ok` within 2 scrape intervals of now, `late` after, `never` before a first one. */
  readonly freshness: 'ok' | 'late' | 'never';
  readonly lagSeconds: number | undefined;
  /** Repos scraped at the last discovery (`gh_exporter_org_repos{state="scraped"}`). */
  readonly repos: number | undefined;
  readonly series: number;
  readonly rateLimits: readonly RateLimitStatus[];
  /** Backfill messages the workers finished for the org, by result (`done`, `partial`, …). */
  readonly backfillProcessed: Readonly<Record<string, number>>;
}

export interface BackfillQueueStatus {
  readonly queue: string;
  readonly role: 'main' | 'retry' | 'dlq';
  /** Ready messages (RabbitMQ's count); undefined before a worker reported one. */
  readonly ready: number | undefined;
  readonly oldestAgeSeconds: number | undefined;
}

export interface InstanceStatus {
  readonly service: string;
  readonly instance: string;
  readonly startedAt: string;
  readonly lastSeenSecondsAgo: number;
  readonly counts: Readonly<Record<string, number>>;
}

/** The page and `/status.json`: names, states, counts and times, never a secret. */
export interface StatusReport {
  readonly generatedAt: string;
  readonly orgs: readonly OrgStatus[];
  readonly queues: {
    readonly bullmq: readonly {
      readonly queue: string;
      readonly waiting: number;
      readonly active: number;
      readonly delayed: number;
      readonly failed: number;
      readonly oldestWaitingAgeSeconds: number;
    }[];
    readonly backfill: readonly BackfillQueueStatus[];
    /** Deliveries the live backfill-workers hold unacked (each reports its own). */
    readonly backfillUnacked: number;
  };
  /** Undefined when no scheduler holds the lock. */
  readonly leader: { readonly holder: string; readonly term: number | undefined } | undefined;
  readonly instances: readonly InstanceStatus[];
}

/** A cycle older than this many scrape intervals is late. */
const LATE_AFTER_INTERVALS = 2;

/** Assembles the status report; pure, so the page and `/status.json` always agree. */
export function toStatusReport(inputs: StatusInputs, context: StatusContext): StatusReport {
  const nowMs = inputs.readAtMs;
  const byOrg = (samples: readonly StoredSample[], org: string): StoredSample[] =>
    samples.filter((sample) => sample.labelValues[0] === org);
  const orgs = context.orgs.map(({ org, scrapeIntervalMs }): OrgStatus => {
    const health = decodeHealth(inputs.orgHealth[org]);
    const ends = byOrg(inputs.cycleEnds, org);
    const successEnd = ends.find((sample) => sample.labelValues[1] === 'success')?.value;
    const latest = ends.reduce<StoredSample | undefined>(
      (last, sample) => (last === undefined || sample.value > last.value ? sample : last),
      undefined,
    );
    const ageSeconds =
      successEnd === undefined ? undefined : Math.max(0, nowMs / 1000 - successEnd);
    return {
      org,
      health: health?.status ?? 'unknown',
      consecutiveFailures: health?.status === 'healthy' ? health.consecutiveFailures : 0,
      cooldown:
        health?.status === 'cooldown'
          ? { since: iso(health.sinceMs), until: iso(health.untilMs) }
          : undefined,
      lastCompleteCycleAt: successEnd === undefined ? undefined : iso(successEnd * 1000),
      lastCompleteCycleAgeSeconds: ageSeconds === undefined ? undefined : Math.round(ageSeconds),
      lastCycleResult: latest?.labelValues[1],
      freshness:
        ageSeconds === undefined
          ? 'never'
          : ageSeconds * 1000 <= LATE_AFTER_INTERVALS * scrapeIntervalMs
            ? 'ok'
            : 'late',
      lagSeconds: byOrg(inputs.lag, org)[0]?.value,
      repos: byOrg(inputs.orgRepos, org).find((sample) => sample.labelValues[1] === 'scraped')
        ?.value,
      series: inputs.seriesByOrg.get(org) ?? 0,
      rateLimits: toRateLimits(inputs, org),
      backfillProcessed: Object.fromEntries(
        byOrg(inputs.backfillProcessed, org)
          .map((sample): [string, number] => [sample.labelValues[1] ?? '', sample.value])
          .sort(([a], [b]) => a.localeCompare(b)),
      ),
    };
  });

  const valueOf = (samples: readonly StoredSample[], queue: string): number | undefined =>
    samples.find((sample) => sample.labelValues[0] === queue)?.value;
  const { main, retry, dlq } = context.backfillQueues;
  const backfill = [
    [main, 'main'] as const,
    ...retry.map((queue) => [queue, 'retry'] as const),
    [dlq, 'dlq'] as const,
  ].map(([queue, role]): BackfillQueueStatus => ({
    queue,
    role,
    ready: valueOf(inputs.backfillMessages, queue),
    oldestAgeSeconds: valueOf(inputs.backfillOldestAge, queue),
  }));

  const fencingToken = Number(inputs.leader.fencingToken);
  return {
    generatedAt: iso(nowMs),
    orgs,
    queues: {
      bullmq: inputs.bullmq.map((depth) => ({
        queue: depth.queue,
        waiting: depth.waiting,
        active: depth.active,
        delayed: depth.delayed,
        failed: depth.failed,
        oldestWaitingAgeSeconds: Math.round(depth.oldestWaitingAgeMs / 1000),
      })),
      backfill,
      backfillUnacked: inputs.instances
        .filter((instance) => instance.service === 'backfill-worker')
        .reduce((sum, instance) => sum + (instance.counts['unacked'] ?? 0), 0),
    },
    leader:
      inputs.leader.holder === undefined
        ? undefined
        : {
            holder: inputs.leader.holder,
            term: Number.isSafeInteger(fencingToken) ? fencingToken : undefined,
          },
    instances: inputs.instances.map((instance) => ({
      service: instance.service,
      instance: instance.instance,
      startedAt: iso(instance.startedAtMs),
      lastSeenSecondsAgo: Math.max(0, Math.round((nowMs - instance.beatAtMs) / 1000)),
      counts: instance.counts,
    })),
  };
}

function toRateLimits(inputs: StatusInputs, org: string): RateLimitStatus[] {
  const installations = new Set(
    [...inputs.rateLimitRemaining, ...inputs.rateLimitLimit, ...inputs.rateLimitReset]
      .filter((sample) => sample.labelValues[0] === org)
      .map((sample) => sample.labelValues[1] ?? ''),
  );
  const valueOf = (samples: readonly StoredSample[], installationId: string): number | undefined =>
    samples.find(
      (sample) => sample.labelValues[0] === org && sample.labelValues[1] === installationId,
    )?.value;
  return [...installations].sort().map((installationId) => {
    const reset = valueOf(inputs.rateLimitReset, installationId);
    return {
      installationId,
      remaining: valueOf(inputs.rateLimitRemaining, installationId),
      limit: valueOf(inputs.rateLimitLimit, installationId),
      resetAt: reset === undefined ? undefined : iso(reset * 1000),
    };
  });
}

/** The stored health; undefined when it cannot be read (the page says `unknown`). */
function decodeHealth(stored: string | undefined): OrgHealth | undefined {
  try {
    return decodeOrgHealth(stored);
  } catch {
    return undefined;
  }
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
