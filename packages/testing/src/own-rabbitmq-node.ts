import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { existsSync, openSync, closeSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { freePort, isListening } from './free-port.js';
import { waitFor } from './wait-for.js';
import { waitUntilServing } from './wait-until-serving.js';

const run = promisify(execFile);

/**
 * A RabbitMQ node of the caller's own: the machine's `rabbitmq-server`, its own node name,
 * ports, data directory and epmd, so a test can restart it or raise an alarm, and the demo
 * can run where no RabbitMQ answers, without touching the shared broker. guest/guest works
 * on loopback, as on a default install.
 */
export interface OwnRabbitMqNode {
  readonly port: number;
  /** `amqp://guest:guest@127.0.0.1:<port>` */
  readonly url: string;
  readonly nodeName: string;
  /** Runs `rabbitmqctl -n <this node> …args` and returns what it printed. */
  rabbitmqctl(...args: string[]): Promise<string>;
  /** Stops the node and its epmd and deletes the data directory. */
  dispose(): Promise<void>;
}

export interface OwnRabbitMqNodeOptions {
  /** The AMQP port. Default: a free port. */
  readonly port?: number;
}

// A node boots in ~8 s on this machine, several times that on a loaded CI runner.
const START_TIMEOUT_MS = 90_000;
const STOP_TIMEOUT_MS = 30_000;
// Debian runs the broker through a wrapper that switches to the `rabbitmq` user; the
// scripts behind it run as the caller, with the caller's Erlang cookie.
const DEBIAN_SCRIPTS_DIR = '/usr/lib/rabbitmq/bin';

function scriptPath(name: 'rabbitmq-server' | 'rabbitmqctl'): string {
  const debian = join(DEBIAN_SCRIPTS_DIR, name);
  return existsSync(debian) ? debian : name;
}

export async function startOwnRabbitMqNode(
  options: OwnRabbitMqNodeOptions = {},
): Promise<OwnRabbitMqNode> {
  const dir = await mkdtemp(join(tmpdir(), 'gse-rabbitmq-'));
  const port = options.port ?? (await freePort());
  const [epmdPort, distPort] = [await freePort(), await freePort()];
  const nodeName = `gse-${randomUUID().slice(0, 8)}@localhost`;
  await writeFile(join(dir, 'enabled_plugins'), '[].\n');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ERL_EPMD_PORT: String(epmdPort),
    ERL_EPMD_ADDRESS: '127.0.0.1',
    RABBITMQ_NODENAME: nodeName,
    RABBITMQ_NODE_IP_ADDRESS: '127.0.0.1',
    RABBITMQ_NODE_PORT: String(port),
    RABBITMQ_DIST_PORT: String(distPort),
    RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS: '-kernel inet_dist_use_interface {127,0,0,1}',
    RABBITMQ_MNESIA_BASE: join(dir, 'mnesia'),
    RABBITMQ_LOG_BASE: join(dir, 'log'),
    RABBITMQ_PID_FILE: join(dir, 'pid'),
    RABBITMQ_ENABLED_PLUGINS_FILE: join(dir, 'enabled_plugins'),
    // Files that do not exist: the machine's own broker config (listeners, node name) must
    // not leak into this node.
    RABBITMQ_CONF_ENV_FILE: join(dir, 'rabbitmq-env.conf'),
    RABBITMQ_CONFIG_FILE: join(dir, 'rabbitmq'),
    RABBITMQ_ADVANCED_CONFIG_FILE: join(dir, 'advanced.config'),
  };
  const rabbitmqctl = async (...args: string[]): Promise<string> => {
    const { stdout } = await run(scriptPath('rabbitmqctl'), ['-q', '-n', nodeName, ...args], {
      env,
      timeout: 60_000,
    });
    return stdout;
  };

  // An epmd of the node's own, as a child: it goes when the node goes (one started by the
  // broker would daemonize and outlive it).
  // Like the node, in a process group of its own, out of reach of a Ctrl-C meant for the owner.
  const epmd = spawn('epmd', ['-port', String(epmdPort), '-address', '127.0.0.1'], {
    env,
    stdio: 'ignore',
    detached: true,
  });
  const log = openSync(join(dir, 'server.log'), 'a');
  let server: ChildProcess | undefined;
  try {
    await waitUntilServing(epmd, () => isListening('127.0.0.1', epmdPort), {
      what: `epmd on port ${epmdPort}`,
      timeoutMs: 10_000,
    });
    // Its own process group: the script runs beam.smp as a child, and stopping the node
    // means signalling both (and a Ctrl-C meant for the owner reaches neither).
    server = spawn(scriptPath('rabbitmq-server'), [], {
      env,
      stdio: ['ignore', log, log],
      detached: true,
    });
    await waitUntilServing(server, () => isListening('127.0.0.1', port), {
      what: `rabbitmq-server ${nodeName} on port ${port} (log: ${join(dir, 'server.log')})`,
      timeoutMs: START_TIMEOUT_MS,
    });
  } catch (error) {
    await stopGroup(server);
    await stopProcess(epmd);
    throw error;
  } finally {
    closeSync(log);
  }

  const started = server;
  return {
    port,
    url: `amqp://guest:guest@127.0.0.1:${port}`,
    nodeName,
    rabbitmqctl,
    dispose: async () => {
      await stopGroup(started);
      await stopProcess(epmd);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * SIGTERM to the process group (the script and beam.smp; RabbitMQ shuts down cleanly on it),
 * then waits until no process of the group is left; SIGKILL after a deadline.
 */
async function stopGroup(child: ChildProcess | undefined): Promise<void> {
  if (child?.pid === undefined) return;
  const pid = child.pid;
  const signalGroup = (signal: NodeJS.Signals | 0): boolean => {
    try {
      process.kill(-pid, signal);
      return true;
    } catch {
      return false; // ESRCH: no process of the group is left.
    }
  };
  if (!signalGroup('SIGTERM')) return;
  try {
    await waitFor(() => !signalGroup(0), {
      timeoutMs: STOP_TIMEOUT_MS,
      intervalMs: 100,
      description: `RabbitMQ process group ${pid} to exit`,
    });
  } catch {
    signalGroup('SIGKILL');
  }
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  await exited;
}
