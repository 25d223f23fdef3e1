import type { CheckResult } from '@gse/lifecycle';

import {
  readFleetHealthInputs,
  type BudgetSource,
  type FleetHealthInputs,
} from './fleet-health-inputs.js';
import {
  toHealthReport,
  type HealthReport,
  type HealthReportContext,
} from './fleet-health-report.js';
import type { RedisLink } from './redis-link.js';
import type { SnapshotCache } from './snapshot-cache.js';
import { toErrorMessage } from '@gse/logging';

// Below the readiness check timeout (1 s), so a check reports its own reason.
const CONNECT_WAIT_MS = 800;
// How long a scrape of the probe port's /metrics waits for the retry behind
// gh_exporter_gateway_stale: well inside Prometheus's default scrape timeout (10 s), which a
// connection attempt to an unanswering Redis would otherwise outlast.
const STALENESS_RETRY_WAIT_MS = 2_000;

export interface GatewayHealthOptions {
  readonly link: RedisLink;
  readonly keyPrefix: string;
  readonly orgs: readonly { readonly org: string; readonly scrapeIntervalMs: number }[];
  /** The fleet's request budgets, shown with each org's rate limit. */
  readonly budgets: BudgetSource;
  readonly backfillEnabled: boolean;
  readonly leaderElectionEnabled: boolean;
  readonly snapshots: SnapshotCache;
  readonly now?: () => number;
}

/** The gateway's `/readyz` check, its staleness and its `/healthz` report. */
export interface GatewayHealth {
  /**
   * Readiness `render`: the gateway can serve a body, i.e. it holds a render (fresh or the
   * last good one). Neither Redis nor the age of the data matter once it does: the gateway
   * exists to keep serving the last good render through a Redis outage, and leaving the
   * Service would turn a stale `/metrics` into none (docs/decisions/0007). Before the first
   * render it tries one read pass, so a new replica becomes ready without a scrape.
   */
  checkRender(): Promise<CheckResult>;
  /**
   * Whether this replica serves (or, scraped now, would serve) a stale render: its latest
   * read pass failed, none succeeded yet, or its Redis connection is down. While stale it
   * first tries Redis again (when the retry is due), so a replica that Prometheus reaches
   * only through its probe port still notices the recovery.
   */
  isStale(): Promise<boolean>;
  report(): Promise<HealthReport>;
}

export function createGatewayHealth(options: GatewayHealthOptions): GatewayHealth {
  const { link, snapshots } = options;
  const now = options.now ?? Date.now;
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
      return toErrorMessage(error);
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
      return { ok: false, reason: toErrorMessage(error) };
    }
  }

  return {
    async checkRender() {
      if (snapshots.state().lastGood) return { ok: true };
      try {
        await snapshots.acquire();
        return { ok: true };
      } catch (error) {
        return { ok: false, reason: toErrorMessage(error) };
      }
    },
    async isStale() {
      const stale = (): boolean => {
        const { lastGood, failure } = snapshots.state();
        return !lastGood || failure !== undefined || link.unavailableReason() !== undefined;
      };
      if (!stale()) return false;
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          // A failed pass is already counted and logged by the cache's onReadPass: here
          // only the state it leaves behind matters.
          snapshots.acquire().catch(() => undefined),
          new Promise((resolve) => {
            timer = setTimeout(resolve, STALENESS_RETRY_WAIT_MS);
          }),
        ]);
      } finally {
        clearTimeout(timer);
      }
      return stale();
    },
    async report() {
      let redis = await ping();
      if (redis.ok) {
        try {
          lastInputs = await readFleetHealthInputs(
            link.redis,
            options.keyPrefix,
            now(),
            options.budgets,
          );
        } catch (error) {
          redis = { ok: false, reason: toErrorMessage(error) };
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
