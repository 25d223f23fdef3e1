import type { Logger } from '@gse/logging';
import type { Registry } from 'prom-client';

import {
  createRegistryMetrics,
  createServiceRegistry,
  type MetricsSource,
} from './metrics-exposition.js';
import type { ListenAddress } from './http-server.js';
import { createProbeServer } from './probe-server.js';
import { createReadiness, type Readiness } from './readiness.js';
import { createShutdownStack, type CloseStep } from './shutdown-stack.js';

/** What a service's own start code gets for one run (from `start()` to `stop()`). */
export interface ServiceScope {
  readonly logger: Logger;
  /** The service's own registry, served on its probe server's `/metrics`. */
  readonly registry: Registry;
  /**
   * Renders `registry`; give this (not a second renderer of the same registry) to any other
   * server that serves it, so renders in different formats never interleave.
   */
  readonly metrics: MetricsSource;
  /** Register a check per dependency or loop; `/readyz` is 200 only when all are ok. */
  readonly readiness: Readiness;
  /** Aborted when `stop()` begins: anything the start code awaits must give up on it. */
  readonly signal: AbortSignal;
  /**
   * Pushes a closer for something just opened; closers run last-pushed first on `stop()`.
   * So open adapters in dependency order and start consumers last.
   */
  readonly defer: (name: string, close: CloseStep) => void;
}

export interface ServiceOptions {
  readonly logger: Logger;
  /** Where the probe server (`/livez` `/readyz` `/metrics`) listens. */
  readonly probe: ListenAddress;
  /** Deadline for `stop()`'s closers, in milliseconds. */
  readonly shutdownTimeoutMs: number;
  /**
   * Builds and starts the service's own parts once the probe server listens. Until it
   * resolves, `/readyz` answers 503 with the check `startup`. If it throws, everything it
   * deferred is closed and `start()` rejects.
   */
  readonly start?: (scope: ServiceScope) => void | Promise<void>;
}

/** A service's lifecycle as `main.ts` and tests drive it. */
export interface Service {
  /**
   * Starts the probe server, then the service's parts. Idempotent while running; after a
   * `stop()` it starts afresh. On failure it closes what it opened and rejects.
   */
  start(): Promise<void>;
  /**
   * Flips readiness to not ready, aborts a start in progress and waits for it, then closes
   * everything in reverse order of opening (the probe server last), within
   * `shutdownTimeoutMs`; rejects with a `ShutdownError` naming each failure. Idempotent;
   * fine without `start()`.
   */
  stop(): Promise<void>;
}

/** One run, from `start()` to the end of `stop()`. */
interface Run {
  readonly started: Promise<void>;
  readonly isStopping: () => boolean;
  readonly stop: () => Promise<void>;
}

/**
 * Creates a {@link Service}: the shared lifecycle of every process of the fleet, so each
 * composition root only says what to open. The registry (with process metrics) lives as
 * long as the returned object; readiness, closers and the probe server are per run.
 */
export function createService(options: ServiceOptions): Service {
  const { logger, shutdownTimeoutMs } = options;
  const registry = createServiceRegistry();
  const metrics = createRegistryMetrics(registry);
  let current: Run | undefined;

  function begin(): Run {
    const startedAt = Date.now();
    const readiness = createReadiness();
    const stack = createShutdownStack({ logger, timeoutMs: shutdownTimeoutMs });
    const abort = new AbortController();
    let isStarted = false;
    readiness.register('startup', () =>
      isStarted ? { ok: true } : { ok: false, reason: 'starting' },
    );

    async function startRun(): Promise<void> {
      try {
        const probe = createProbeServer({
          name: 'probe',
          listen: options.probe,
          readiness,
          metrics,
          logger,
        });
        stack.push('probe server', () => probe.close());
        await probe.listen();
        await options.start?.({
          logger,
          registry,
          metrics,
          readiness,
          signal: abort.signal,
          defer: (name, close) => {
            stack.push(name, close);
          },
        });
        abort.signal.throwIfAborted();
        isStarted = true;
        logger.info('service started', { durationMs: Date.now() - startedAt });
      } catch (error) {
        readiness.markStopping();
        // The start error is what the caller needs; a close failure here is logged by the stack.
        await Promise.allSettled([stack.close()]);
        throw error;
      }
    }

    async function stopRun(started: Promise<void>): Promise<void> {
      const stoppingAt = Date.now();
      readiness.markStopping();
      abort.abort(new Error('service is stopping'));
      // A failed start already closed what it opened and rejected to its own caller.
      await Promise.allSettled([started]);
      await stack.close();
      logger.info('service stopped', { durationMs: Date.now() - stoppingAt });
    }

    const started = startRun();
    let stopped: Promise<void> | undefined;
    return {
      started,
      isStopping: () => stopped !== undefined,
      stop: () => (stopped ??= stopRun(started)),
    };
  }

  return {
    async start() {
      const previous = current;
      if (previous?.isStopping()) {
        // The caller asked for a fresh run: the old one's outcome was reported to stop().
        await Promise.allSettled([previous.stop()]);
        if (current === previous) current = undefined;
      }
      const run = (current ??= begin());
      try {
        await run.started;
      } catch (error) {
        if (current === run) current = undefined;
        throw error;
      }
    },
    async stop() {
      const run = current;
      if (!run) return;
      try {
        await run.stop();
      } finally {
        if (current === run) current = undefined;
      }
    },
  };
}
