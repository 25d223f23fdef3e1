import type { MetricsSnapshot, MetricsSnapshotReader } from './metrics-snapshot.js';
import { toErrorMessage } from '@gse/logging';

/** A snapshot as a scrape gets it. */
export interface ServedSnapshot {
  readonly snapshot: MetricsSnapshot;
  /**
   * Set when the latest read pass failed and this is the last good snapshot instead: why
   * the pass failed. The body then says so in `gh_exporter_gateway_stale`.
   */
  readonly staleReason?: string;
}

/** No snapshot to serve: Redis has never been read successfully since the gateway started. */
export class SnapshotUnavailableError extends Error {
  constructor(readonly reason: string) {
    super(`no metrics read from Redis yet: ${reason}`);
    this.name = 'SnapshotUnavailableError';
  }
}

/** How one read pass went, for the gateway's own metrics and logs. */
export interface ReadPassOutcome {
  readonly result: 'success' | 'failure';
  readonly durationMs: number;
  readonly snapshot?: MetricsSnapshot;
  readonly error?: unknown;
}

export interface SnapshotCacheOptions {
  readonly read: MetricsSnapshotReader;
  /** `store.metric_refresh_interval`: a snapshot younger than this is served again. */
  readonly maxAgeMs: number;
  /** After a failed pass, scrapes within this get the last good snapshot without a new try. */
  readonly retryAfterFailureMs: number;
  /** A pass still running after this is abandoned and counts as failed. */
  readonly readTimeoutMs: number;
  readonly onReadPass?: (outcome: ReadPassOutcome) => void;
  readonly now?: () => number;
}

/** What the cache knows, for `/readyz` and `/healthz`. */
export interface SnapshotCacheState {
  readonly lastGood?: MetricsSnapshot;
  /** Set while the latest pass failed. */
  readonly failure?: { readonly atMs: number; readonly reason: string };
}

/**
 * One Redis read pass shared by every scrape that needs it: scrapes arriving while a pass
 * runs wait for that pass, and a snapshot younger than `maxAgeMs` is served again without
 * reading Redis, so 20 concurrent scrapes cost one pass. When a pass fails, scrapes get the
 * last good snapshot with the reason (never an empty body), and the next scrape after
 * `retryAfterFailureMs` tries Redis again: recovery needs no restart.
 */
export interface SnapshotCache {
  /** Rejects with {@link SnapshotUnavailableError} only when no pass ever succeeded. */
  acquire(): Promise<ServedSnapshot>;
  state(): SnapshotCacheState;
  /** Abandons a running pass; later `acquire()` calls fail. Idempotent. */
  close(): void;
}

export function createSnapshotCache(options: SnapshotCacheOptions): SnapshotCache {
  const now = options.now ?? Date.now;
  const closed = new AbortController();
  let lastGood: MetricsSnapshot | undefined;
  let failure: { atMs: number; reason: string } | undefined;
  let inFlight: Promise<ServedSnapshot> | undefined;

  function fromCache(): ServedSnapshot | undefined {
    const at = now();
    if (failure) {
      if (at - failure.atMs >= options.retryAfterFailureMs) return undefined;
      if (!lastGood) throw new SnapshotUnavailableError(failure.reason);
      return { snapshot: lastGood, staleReason: failure.reason };
    }
    if (lastGood && at - lastGood.readAtMs < options.maxAgeMs) return { snapshot: lastGood };
    return undefined;
  }

  async function readPass(): Promise<ServedSnapshot> {
    const startedAtMs = now();
    const deadline = new AbortController();
    const timer = setTimeout(() => {
      deadline.abort(new Error(`read pass took longer than ${options.readTimeoutMs}ms`));
    }, options.readTimeoutMs);
    try {
      const snapshot = await options.read(AbortSignal.any([closed.signal, deadline.signal]));
      lastGood = snapshot;
      failure = undefined;
      options.onReadPass?.({ result: 'success', durationMs: now() - startedAtMs, snapshot });
      return { snapshot };
    } catch (error) {
      const reason = toErrorMessage(error);
      failure = { atMs: now(), reason };
      options.onReadPass?.({ result: 'failure', durationMs: now() - startedAtMs, error });
      if (!lastGood) throw new SnapshotUnavailableError(reason);
      return { snapshot: lastGood, staleReason: reason };
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    // Everything before the first await runs on the call, so a second scrape arriving in
    // the same tick already finds `inFlight`.
    async acquire() {
      if (closed.signal.aborted) throw new SnapshotUnavailableError('the gateway is stopping');
      if (inFlight) return inFlight;
      const cached = fromCache();
      if (cached) return cached;
      const pass = readPass().finally(() => {
        inFlight = undefined;
      });
      inFlight = pass;
      return pass;
    },
    state() {
      return { ...(lastGood ? { lastGood } : {}), ...(failure ? { failure } : {}) };
    },
    close() {
      closed.abort(new Error('the gateway is stopping'));
    },
  };
}
