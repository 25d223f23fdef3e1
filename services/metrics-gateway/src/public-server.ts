import { readFile } from 'node:fs/promises';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

import { getRequestListener, type HttpBindings } from '@hono/node-server';
import type { ListenAddress, Readiness } from '@gse/lifecycle';
import type { Logger } from '@gse/logging';
import { Hono } from 'hono';

import type { GatewayHealth } from './gateway-health.js';
import { createMetricsEndpoint, type MetricsEndpointOptions } from './metrics-endpoint.js';

export interface PublicServerOptions extends MetricsEndpointOptions {
  /** `server.listen_addr`. */
  readonly listen: ListenAddress;
  /** `server.tls`: HTTPS when both are set. */
  readonly tls: { readonly certPath: string | undefined; readonly keyPath: string | undefined };
  readonly readiness: Readiness;
  readonly health: GatewayHealth;
  readonly logger: Logger;
}

/** The endpoint Prometheus and people use: `/metrics`, `/livez`, `/readyz`, `/healthz`. */
export interface PublicServer {
  /** Binds (HTTPS when a certificate is configured) and resolves with the bound address. */
  listen(): Promise<ListenAddress>;
  /** Stops listening and closes every connection, streaming ones included. Idempotent. */
  close(): Promise<void>;
}

const SERVER_NAME = 'public';

export function createPublicServer(options: PublicServerOptions): PublicServer {
  const { logger } = options;
  const app = new Hono<{ Bindings: HttpBindings }>();
  app.get('/livez', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', async (c) => {
    const report = await options.readiness.evaluate();
    return c.json(report, report.ready ? 200 : 503);
  });
  app.get('/healthz', async (c) => {
    const report = await options.health.report();
    return c.json(report, report.status === 'down' ? 503 : 200);
  });
  app.get('/metrics', createMetricsEndpoint(options));
  app.onError((error, c) => {
    logger.error('http request failed', {
      server: SERVER_NAME,
      path: c.req.path,
      error: error.message,
    });
    return c.json({ error: 'internal error' }, 500);
  });
  // Global Request/Response stay Node's own: the adapter must not change the process.
  const listener = getRequestListener(app.fetch, { overrideGlobalObjects: false });
  let server: Server | undefined;
  let listening: Promise<ListenAddress> | undefined;
  let closing: Promise<void> | undefined;

  async function bind(): Promise<ListenAddress> {
    const { certPath, keyPath } = options.tls;
    const handler = (...[req, res]: Parameters<typeof listener>): void => {
      // The adapter answers 500 itself when a handler throws; its promise never rejects.
      void listener(req, res);
    };
    const created =
      certPath !== undefined && keyPath !== undefined
        ? createHttpsServer(
            { cert: await readFile(certPath), key: await readFile(keyPath) },
            handler,
          )
        : createHttpServer(handler);
    server = created;
    await new Promise<void>((resolve, reject) => {
      created.once('error', reject);
      created.listen(options.listen.port, options.listen.host, () => {
        created.off('error', reject);
        resolve();
      });
    });
    const { address, port } = created.address() as AddressInfo;
    logger.info('http server listening', {
      server: SERVER_NAME,
      host: address,
      port,
      tls: certPath !== undefined,
    });
    return { host: address, port };
  }

  async function shut(): Promise<void> {
    await Promise.allSettled([listening]);
    const current = server;
    if (!current?.listening) return;
    await new Promise<void>((resolve, reject) => {
      current.close((error) => {
        if (error) reject(error);
        else resolve();
      });
      current.closeAllConnections();
    });
    logger.info('http server closed', { server: SERVER_NAME });
  }

  return {
    listen() {
      if (closing) return Promise.reject(new Error('public http server is closed'));
      listening ??= bind();
      return listening;
    },
    close() {
      closing ??= shut();
      return closing;
    },
  };
}
