import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { waitFor } from '@gse/testing';
import { Redis } from 'ioredis';

/**
 * A redis-server of the test's own on a free port, so the test can stop and restart it
 * (never the shared one). Append-only persistence in its own directory: a restart brings the
 * data back, as a real Redis restart would.
 */
export interface OwnRedisServer {
  readonly port: number;
  /** A client for the test's own writes (reconnects after a restart). */
  readonly client: Redis;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops the server, closes the client and deletes the directory. */
  dispose(): Promise<void>;
}

export async function startOwnRedisServer(): Promise<OwnRedisServer> {
  const dir = await mkdtemp(join(tmpdir(), 'gse-redis-'));
  const port = await freePort();
  let child: ChildProcess | undefined;
  const client = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 1 });
  // The test stops this server on purpose: the client's errors while it is down are expected.
  client.on('error', () => undefined);

  async function start(): Promise<void> {
    const started = spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'yes',
        '--dir',
        dir,
      ],
      { stdio: 'ignore' },
    );
    child = started;
    await waitFor(
      async () => {
        const probe = new Redis({
          port,
          host: '127.0.0.1',
          lazyConnect: true,
          retryStrategy: () => null,
        });
        probe.on('error', () => undefined);
        try {
          await probe.connect();
          await probe.ping();
          return true;
        } catch {
          return false;
        } finally {
          probe.disconnect();
        }
      },
      { timeoutMs: 10_000, description: `redis-server on port ${port} to answer` },
    );
    if (client.status === 'wait') await client.connect();
  }

  async function stop(): Promise<void> {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null) return;
    const exited = once(running, 'exit');
    running.kill('SIGTERM');
    await exited;
  }

  await start();
  return {
    port,
    client,
    start,
    stop,
    dispose: async () => {
      client.disconnect();
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  if (address === null || typeof address === 'string') throw new Error('no TCP port');
  return address.port;
}
