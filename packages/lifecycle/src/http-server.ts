import { readFile } from 'node:fs/promises';
import { createServer as createPlainServer, type Server } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

import { getRequestListener, type HttpBindings } from '@hono/node-server';
import { toLoggedError, type Logger } from '@gse/logging';
import { Hono, type MiddlewareHandler } from 'hono';

import type { HttpAccess } from './http-access.js';
import type { Readiness } from './readiness.js';

/** A TCP bind address. Port 0 asks the OS for a free port. */
export interface ListenAddress {
  readonly host: string;
  readonly port: number;
}

/** Paths to a PEM certificate and key: HTTPS when both are set (`server.tls`). */
export interface TlsFiles {
  readonly certPath: string | undefined;
  readonly keyPath: string | undefined;
}

/** The routes of an HTTP server: a Hono app on Node's request and response. */
export type HttpApp = Hono<{ Bindings: HttpBindings }>;

export interface HttpServerOptions {
  /** Names the server in logs (`probe`, `public`): a service may run more than one. */
  readonly name: string;
  readonly listen: ListenAddress;
  readonly tls?: TlsFiles;
  readonly logger: Logger;
  /** Adds the server's routes; an error a route throws is logged and answered 500. */
  readonly routes: (app: HttpApp) => void;
}

/** Every HTTP listener of the fleet: bind, serve, close. */
export interface HttpServer {
  /** Binds (HTTPS when TLS files are set) and resolves with the bound address (the real port for port 0). */
  listen(): Promise<ListenAddress>;
  /**
   * Stops listening and closes every connection, keep-alive and streaming ones included, so
   * no socket outlives the server. Idempotent; fine before `listen()`.
   */
  close(): Promise<void>;
}

/** Creates an {@link HttpServer}; nothing is bound until `listen()`. */
export function createHttpServer(options: HttpServerOptions): HttpServer {
  const { logger, name } = options;
  const app: HttpApp = new Hono();
  options.routes(app);
  app.onError((error, c) => {
    logger.error('http request failed', {
      server: name,
      path: c.req.path,
      error: toLoggedError(error),
    });
    return c.json({ error: 'internal error' }, 500);
  });
  // Not replacing the global Request/Response (the adapter's default): a server must not
  // change how the rest of the process behaves.
  const listener = getRequestListener(app.fetch, { overrideGlobalObjects: false });
  const handler = (...[req, res]: Parameters<typeof listener>): void => {
    // The adapter answers 500 itself when a handler throws; its promise never rejects.
    void listener(req, res);
  };
  let server: Server | undefined;
  let listening: Promise<ListenAddress> | undefined;
  let closing: Promise<void> | undefined;

  async function bind(): Promise<ListenAddress> {
    const certPath = options.tls?.certPath;
    const keyPath = options.tls?.keyPath;
    const tls = certPath !== undefined && keyPath !== undefined;
    const created = tls
      ? createTlsServer({ cert: await readFile(certPath), key: await readFile(keyPath) }, handler)
      : createPlainServer(handler);
    server = created;
    await new Promise<void>((resolve, reject) => {
      created.once('error', reject);
      created.listen(options.listen.port, options.listen.host, () => {
        created.off('error', reject);
        resolve();
      });
    });
    const { address, port } = boundAddress(created);
    logger.info('http server listening', { server: name, host: address, port, tls });
    return { host: address, port };
  }

  async function shut(): Promise<void> {
    // A failed listen() was already reported to its caller; here only its settling matters.
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

/**
 * The Kubernetes probes every server of the fleet answers:
 * - `GET /livez`: 200 as soon as it listens (the process runs);
 * - `GET /readyz`: 200 when every readiness check is ok, else 503; JSON `ReadinessReport`.
 */
export function addProbeRoutes(app: HttpApp, readiness: Readiness): void {
  app.get('/livez', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', async (c) => {
    const report = await readiness.evaluate();
    return c.json(report, report.ready ? 200 : 503);
  });
}

/** Answers 401 with the configured challenges unless the request carries a valid credential. */
export function requireAccess(access: HttpAccess): MiddlewareHandler {
  return async (c, next) => {
    if (!access.allows(c.req.header('authorization'))) {
      c.header('www-authenticate', access.challenges.join(', '));
      return c.text('unauthorized\n', 401);
    }
    await next();
  };
}

function boundAddress(server: Server): AddressInfo {
  const address = server.address();
  if (address === null || typeof address === 'string') {
    throw new Error('http server is not bound to a TCP address');
  }
  return address;
}
