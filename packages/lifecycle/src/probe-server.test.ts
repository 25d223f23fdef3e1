import { connect, type Socket } from 'node:net';

import { afterEach, describe, expect, it } from 'vitest';

import { METRICS_CONTENT_TYPES, type MetricsSource } from './metrics-exposition.js';
import type { HttpServer } from './http-server.js';
import { createProbeServer } from './probe-server.js';
import { createReadiness, type Readiness } from './readiness.js';
import { createCapturedLogger, httpGet, settledTcpHandles } from '@gse/testing';

const fakeMetrics: MetricsSource = {
  render: (format) => Promise.resolve(`rendered ${format}\n`),
};

describe('createProbeServer', () => {
  let server: HttpServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function start(readiness: Readiness = createReadiness(), metrics = fakeMetrics) {
    const captured = createCapturedLogger();
    server = createProbeServer({
      name: 'probe',
      listen: { host: '127.0.0.1', port: 0 },
      readiness,
      metrics,
      logger: captured.logger,
    });
    const address = await server.listen();
    return { address, ...captured };
  }

  it('binds port 0 to a free port and logs the bound address', async () => {
    const { address, lines } = await start();
    expect(address.host).toBe('127.0.0.1');
    expect(address.port).toBeGreaterThan(0);
    expect(lines()).toContainEqual(
      expect.objectContaining({
        message: 'http server listening',
        server: 'probe',
        host: '127.0.0.1',
        port: address.port,
      }),
    );
  });

  it('answers /livez with 200', async () => {
    const { address } = await start();
    expect(await httpGet(address, '/livez')).toEqual({
      status: 200,
      contentType: 'application/json',
      body: '{"status":"ok"}',
    });
  });

  it('answers /readyz with 200 when all checks pass, 503 naming the failing ones', async () => {
    const readiness = createReadiness();
    let redisUp = true;
    readiness.register('redis', () =>
      redisUp ? { ok: true } : { ok: false, reason: 'connection refused' },
    );
    const { address } = await start(readiness);
    expect(await httpGet(address, '/readyz')).toMatchObject({
      status: 200,
      body: '{"ready":true,"checks":[{"name":"redis","ok":true}]}',
    });
    redisUp = false;
    expect(await httpGet(address, '/readyz')).toMatchObject({
      status: 503,
      body: '{"ready":false,"checks":[{"name":"redis","ok":false,"reason":"connection refused"}]}',
    });
  });

  it('serves /metrics in the format the Accept header asks for', async () => {
    const { address } = await start();
    expect(
      await httpGet(address, '/metrics', 'application/openmetrics-text;version=1.0.0'),
    ).toEqual({
      status: 200,
      contentType: METRICS_CONTENT_TYPES.openmetrics,
      body: 'rendered openmetrics\n',
    });
    expect(await httpGet(address, '/metrics')).toEqual({
      status: 200,
      contentType: METRICS_CONTENT_TYPES.prometheus,
      body: 'rendered prometheus\n',
    });
  });

  it('answers 500 and logs the error when rendering fails', async () => {
    const failing: MetricsSource = { render: () => Promise.reject(new Error('redis down')) };
    const { address, lines } = await start(createReadiness(), failing);
    expect(await httpGet(address, '/metrics')).toMatchObject({ status: 500 });
    expect(lines().find((line) => line['message'] === 'http request failed')).toMatchObject({
      server: 'probe',
      path: '/metrics',
    });
  });

  it('answers 404 elsewhere', async () => {
    const { address } = await start();
    expect(await httpGet(address, '/healthz')).toMatchObject({ status: 404 });
  });

  it('closes open connections too, leaving no handle behind', async () => {
    const before = await settledTcpHandles();
    const { address } = await start();
    // A connection in the middle of a request: a plain server.close() would wait for it.
    const socket: Socket = connect(address.port, address.host);
    await new Promise<void>((resolve) => socket.once('connect', resolve));
    socket.write('GET /livez HTTP/1.1\r\nHost: probe\r\n');
    const socketClosed = new Promise<void>((resolve) => {
      socket.once('close', () => {
        resolve();
      });
    });
    // The server resets the half-sent request; that is the point, not a failure.
    socket.on('error', () => undefined);

    await server?.close();
    await socketClosed;

    expect(await settledTcpHandles(before)).toEqual(before);
  });

  it('rejects listen() when the port is taken, and closes cleanly after', async () => {
    const { address } = await start();
    const second = createProbeServer({
      name: 'probe',
      listen: address,
      readiness: createReadiness(),
      metrics: fakeMetrics,
      logger: createCapturedLogger().logger,
    });
    await expect(second.listen()).rejects.toMatchObject({ code: 'EADDRINUSE' });
    await expect(second.close()).resolves.toBeUndefined();
  });

  it('closes idempotently, also when it never listened', async () => {
    const { logger } = createCapturedLogger();
    const never = createProbeServer({
      name: 'probe',
      listen: { host: '127.0.0.1', port: 0 },
      readiness: createReadiness(),
      metrics: fakeMetrics,
      logger,
    });
    await never.close();
    await never.close();
    await expect(never.listen()).rejects.toThrow('probe http server is closed');
    const { address } = await start();
    const closing = server?.close();
    expect(server?.close()).toBe(closing);
    await closing;
    await expect(httpGet(address, '/livez')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});
