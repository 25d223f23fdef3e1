import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Redis } from 'ioredis';

import { freePort } from './free-port.js';
import { waitUntilServing } from './wait-until-serving.js';

/**
 * A `redis-server` of the caller's own (the machine's binary, its own port and directory),
 * so a test can stop, restart or wipe it without touching the shared Redis, and the demo
 * can run where no Redis answers. Append-only persistence in its own directory: a restart
 * brings the data back, as a real Redis restart would.
 */
export interface OwnRedisServer {
  readonly port: number;
  /** A client for the caller's own writes (reconnects after a restart). */
  readonly client: Redis;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops the server, closes the client and deletes the directory. */
  dispose(): Promise<void>;
}

export interface OwnRedisServerOptions {
  /** Default: a free port. */
  readonly port?: number;
}

const START_TIMEOUT_MS = 10_000;

export async function startOwnRedisServer(
  options: OwnRedisServerOptions = {},
): Promise<OwnRedisServer> {
  const dir = await mkdtemp(join(tmpdir(), 'gse-redis-'));
  const port = options.port ?? (await freePort());
  let child: ChildProcess | undefined;
  const client = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 1 });
  // The owner stops this server on purpose: the client's errors while it is down are expected.
  client.on('error', () => undefined);

  async function start(): Promise<void> {
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', ''];
    const started = spawn('redis-server', [...args, '--appendonly', 'yes', '--dir', dir], {
      stdio: 'ignore',
      // Its own process group: a Ctrl-C meant for the owner must not stop the server before
      // the owner is done with it.
      detached: true,
    });
    child = started;
    await waitUntilServing(started, () => answersPing(port), {
      what: `redis-server on port ${port}`,
      timeoutMs: START_TIMEOUT_MS,
    });
    if (client.status === 'wait') await client.connect();
  }

  async function stop(): Promise<void> {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
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

async function answersPing(port: number): Promise<boolean> {
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
}
