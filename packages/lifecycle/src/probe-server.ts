import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { getRequestListener } from '@hono/node-server';
import type { Logger } from '@gse/logging';
import { Hono } from 'hono';

import { toLoggedError } from './describe-error.js';
import {
  METRICS_CONTENT_TYPES,
  negotiateMetricsFormat,
  type MetricsSource,
} from './metrics-exposition.js';
import type { Readiness } from './readiness.js';

/** A TCP bind address. Port 0 asks the OS for a free port. */
export interface ListenAddress {
  readonly host: string;
  readonly port: number;
}

export interface ProbeServerOptions {
  /** Names the server in logs (`probe`, `public`): a service may run more than one. */
  readonly name: string;
  readonly listen: ListenAddress;
  readonly readiness: Readiness;
  /** What `/metrics` serves. */
  readonly metrics: MetricsSource;
  readonly logger: Logger;
}

/**
 * An HTTP server answering Kubernetes probes and Prometheus:
 * - `GET /livez`: 200 as soon as it listens (the process runs);
 * - `GET /readyz`: 200 when every readiness check is ok, else 503; JSON `ReadinessReport`;
 * - `GET /metrics`: the metrics source, OpenMetrics or Prometheus text by `Accept`.
 */
export interface ProbeServer {
  /** Binds and resolves with the bound address (the real port when asked for port 0). */
  listen(): Promise<ListenAddress>;
  /**
   * Stops listening and closes every connection, keep-alive ones included, so no socket
   * outlives the server. Idempotent; fine before `listen()`.
   */
  close(): Promise<void>;
}

/** Creates a {@link ProbeServer}; nothing is bound until `listen()`. */
export function createProbeServer(options: ProbeServerOptions): ProbeServer {
  const { logger, name } = options;
  const app = new Hono();
  app.get('/livez', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', async (c) => {
    const report = await options.readiness.evaluate();
    return c.json(report, report.ready ? 200 : 503);
  });
  app.get('/metrics', async (c) => {
    const format = negotiateMetricsFormat(c.req.header('accept'));
    const body = await options.metrics.render(format);
    return c.body(body, 200, { 'content-type': METRICS_CONTENT_TYPES[format] });
  });
  app.onError((error, c) => {
    logger.error('http request failed', {
      server: name,
      path: c.req.path,
      error: toLoggedError(error),
    });
    return c.json({ error: 'internal error' }, 500);
  });

  // Not replacing the global Request/Response (the adapter's default): a probe server must
  // not change how the rest of the process behaves.
  const listener = getRequestListener(app.fetch, { overrideGlobalObjects: false });
  const server: Server = createServer((req, res) => {
    // The adapter answers 500 itself when a handler throws; its promise never rejects.
    void listener(req, res);
  });
  let listening: Promise<ListenAddress> | undefined;
  let closing: Promise<void> | undefined;

  async function bind(): Promise<ListenAddress> {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.listen.port, options.listen.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const { address, port } = boundAddress(server);
    logger.info('http server listening', { server: name, host: address, port });
    return { host: address, port };
  }

  async function shut(): Promise<void> {
    // A failed listen() was already reported to its caller; here only its settling matters.
    await Promise.allSettled([listening]);
    if (!server.listening) return;
    await new Promise<void>((resolve, reject) => {
      server.close((error) => {
        if (error) reject(error);
        else resolve();
      });
      server.closeAllConnections();
    });
    logger.info('http server closed', { server: name });
  }

  return {
    listen() {
      if (closing) return Promise.reject(new Error(`${name} http server is closed`));
      listening ??= bind();
      return listening;
    },
    close() {
      closing ??= shut();
      return closing;
    },
  };
}

function boundAddress(server: Server): AddressInfo {
  const address = server.address();
  if (address === null || typeof address === 'string') {
    throw new Error('http server is not bound to a TCP address');
  }
  return address;
}
