import type { CheckResult } from '@gse/lifecycle';
import { createStoreKeys } from '@gse/store';

import { readFleetHealthInputs, type FleetHealthInputs } from './fleet-health-inputs.js';
import {
  age,
  STALE_AFTER_INTERVALS,
  toHealthReport,
  type HealthReport,
  type HealthReportContext,
} from './fleet-health-report.js';
import type { RedisLink } from './redis-link.js';
import type { SnapshotCache } from './snapshot-cache.js';

// Below the readiness check timeout (1 s), so a check reports its own reason.
const CONNECT_WAIT_MS = 800;

export interface GatewayHealthOptions {
  readonly link: RedisLink;
  readonly keyPrefix: string;
  readonly orgs: readonly { readonly org: string; readonly scrapeIntervalMs: number }[];
  readonly backfillEnabled: boolean;
  readonly leaderElectionEnabled: boolean;
  readonly snapshots: SnapshotCache;
  readonly now?: () => number;
}

/** The gateway's `/readyz` checks and its `/healthz` report. */
export interface GatewayHealth {
  /** Readiness `redis`: Redis answers PING. */
  checkRedis(): Promise<CheckResult>;
  /**
   * Readiness `data`: the body is not a stale fallback, and the fleet's newest successful
   * repo scrape is within 3 × the longest `scrape_interval` (before any scrape, only for
   * that long after the gateway started).
   */
  checkData(): Promise<CheckResult>;
  report(): Promise<HealthReport>;
}

export function createGatewayHealth(options: GatewayHealthOptions): GatewayHealth {
  const { link, snapshots } = options;
  const now = options.now ?? Date.now;
  const keys = createStoreKeys(options.keyPrefix);
  const startedAtMs = now();
  const staleAfterMs =
    STALE_AFTER_INTERVALS * Math.max(0, ...options.orgs.map((org) => org.scrapeIntervalMs));
  let lastInputs: FleetHealthInputs | undefined;

  /** Undefined once Redis takes commands (waiting out a connection attempt), else why not. */
  async function unusableReason(): Promise<string | undefined> {
    const deadline = new AbortController();
    const timer = setTimeout(() => {
      deadline.abort(new Error(`no redis connection within ${CONNECT_WAIT_MS}ms`));
    }, CONNECT_WAIT_MS);
    try {
      await link.whenUsable(deadline.signal);
      return undefined;
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    } finally {
      clearTimeout(timer);
    }
  }

  async function ping(): Promise<HealthReportContext['redis']> {
    const unavailable = await unusableReason();
    if (unavailable !== undefined) return { ok: false, reason: unavailable };
    const startedMs = now();
    try {
      await link.redis.ping();
      return { ok: true, latencyMs: now() - startedMs };
    } catch (error) {
      return { ok: false, reason: error instanceof Error ? error.message : String(error) };
    }
  }

  function servingStale(): string | undefined {
    const { lastGood, failure } = snapshots.state();
    if (!failure) return undefined;
    return lastGood
      ? `serving the last good render, read at ${new Date(lastGood.readAtMs).toISOString()} (${failure.reason})`
      : `no render to serve (${failure.reason})`;
  }

  return {
    async checkRedis() {
      const answer = await ping();
      if (answer.ok) return { ok: true };
      const stale = servingStale();
      return { ok: false, reason: stale ? `${answer.reason}; ${stale}` : answer.reason };
    },
    async checkData() {
      const stale = servingStale();
      if (stale !== undefined) return { ok: false, reason: stale };
      const unavailable = await unusableReason();
      if (unavailable !== undefined)
        return { ok: false, reason: `data age unknown: ${unavailable}` };
      const [, newest] = await link.redis.zrevrange(keys.repoIndex, 0, 0, 'WITHSCORES');
      const limit = `${STALE_AFTER_INTERVALS} × scrape_interval (${age(staleAfterMs)})`;
      const nowMs = now();
      if (newest === undefined) {
        return nowMs - startedAtMs <= staleAfterMs
          ? { ok: true }
          : {
              ok: false,
              reason: `no repo has a successful scrape yet, ${age(nowMs - startedAtMs)} after the gateway started: longer than ${limit}`,
            };
      }
      const newestMs = Number(newest);
      return nowMs - newestMs <= staleAfterMs
        ? { ok: true }
        : {
            ok: false,
            reason: `the newest successful repo scrape was at ${new Date(newestMs).toISOString()}, ${age(nowMs - newestMs)} ago: older than ${limit}`,
          };
    },
    async report() {
      let redis = await ping();
      if (redis.ok) {
        try {
          lastInputs = await readFleetHealthInputs(link.redis, options.keyPrefix, now());
        } catch (error) {
          redis = { ok: false, reason: error instanceof Error ? error.message : String(error) };
        }
      }
      return toHealthReport({
        nowMs: now(),
        orgs: options.orgs,
        backfillEnabled: options.backfillEnabled,
        leaderElectionEnabled: options.leaderElectionEnabled,
        redis,
        snapshots: snapshots.state(),
        inputs: lastInputs,
      });
    },
  };
}
