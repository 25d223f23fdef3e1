/**
 * `npm start` / `pnpm start`: the whole fleet on one machine, each service its own process,
 * every output line prefixed with the process name. With no config (no
 * `$GITHUB_STATS_CONFIG`, no `config/local.yaml`) it is demo mode: the GitHub simulator
 * starts first, on the port and with the keys the demo config expects, and a Redis or
 * RabbitMQ that does not answer where the config points is started from the machine's
 * servers (see `local-brokers.ts`); with an operator's config a missing broker is an error.
 * A config file that sets `demo.enabled: true` is demo mode too, its keys over the demo
 * config's (e.g. a tracing collector).
 * Ctrl-C stops the services, then the simulator, then the brokers it started, and exits 0;
 * a second Ctrl-C kills everything at once. If any process dies, the rest are stopped too.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

import { loadConfig, locateConfig } from '@gse/config';

import { ensureBrokers, type LocalBrokers } from './local-brokers.js';
import { toErrorMessage } from '@gse/logging';

const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const operatorCwd = process.env['INIT_CWD'] ?? process.cwd();

const SERVICES = ['scheduler', 'scraper-worker', 'backfill-worker', 'metrics-gateway'] as const;
const STOP_TIMEOUT_MS = 30_000;
// One Ctrl-C arrives twice: from the terminal (same process group) and forwarded by npm or
// pnpm, which run this script. Signals closer together than this are the same Ctrl-C.
const SAME_SIGNAL_WINDOW_MS = 1000;
const SIM_READY_LINE = 'GitHub simulator listening at';

interface FleetProcess {
  readonly name: string;
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
}

const located = locateConfig({ env: process.env, cwd: operatorCwd });
/** Demo mode: no config, or a file with `demo.enabled` (the demo config, its keys over it). */
const isDemo = located.kind === 'demo' || isDemoFile();

function isDemoFile(): boolean {
  try {
    return loadConfig({ env: process.env, cwd: operatorCwd }).config.demo.enabled;
  } catch {
    // The services load the same file and print each of its problems; so does startBrokers.
    return false;
  }
}

function startProcess(name: string, script: string, onLine?: (line: string) => void): FleetProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=@gse/source', script], {
    cwd: repoRoot,
    env: { ...process.env, INIT_CWD: operatorCwd },
    stdio: ['ignore', 'pipe', 'pipe'],
    // A process group of its own: Ctrl-C reaches only the launcher, which stops each child
    // once with SIGTERM (a child that got the terminal's SIGINT too would see two signals
    // and exit at once instead of cleanly).
    detached: true,
  });
  const prefix = `[${name}]`.padEnd(18);
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => {
      process.stdout.write(`${prefix} ${line}\n`);
      onLine?.(line);
    });
  }
  const exited = new Promise<number | null>((resolveExit) => {
    child.on('exit', (code, signal) => {
      process.stdout.write(`${prefix} exited (${signal ?? `code ${code}`})\n`);
      resolveExit(code);
    });
  });
  return { name, child, exited };
}

async function startSimulator(): Promise<FleetProcess> {
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolveReady) => (markReady = resolveReady));
  const sim = startProcess('github-sim', 'tools/src/sim.ts', (line) => {
    if (line.startsWith(SIM_READY_LINE)) markReady();
  });
  const exitedEarly = sim.exited.then((code) => {
    throw new Error(`the GitHub simulator exited before it was ready (code ${code})`);
  });
  await Promise.race([ready, exitedEarly]);
  return sim;
}

async function stopAll(processes: readonly FleetProcess[]): Promise<number> {
  const timer = setTimeout(() => {
    process.stdout.write(`[fleet] processes still running after ${STOP_TIMEOUT_MS}ms: killing\n`);
    for (const { child } of processes) child.kill('SIGKILL');
  }, STOP_TIMEOUT_MS);
  const codes = await Promise.all(
    processes.map(({ child, exited }) => {
      child.kill('SIGTERM');
      return exited;
    }),
  );
  clearTimeout(timer);
  return codes.every((code) => code === 0) ? 0 : 1;
}

/** The brokers where the config (the one the services will load) points. */
async function startBrokers(): Promise<LocalBrokers> {
  const { config } = loadConfig({ env: process.env, cwd: operatorCwd });
  const brokers = await ensureBrokers(
    { redis: config.store.redisAddr, amqpUrl: config.amqp.url },
    { mayStart: isDemo },
  );
  for (const started of brokers.started) process.stdout.write(`[fleet] started ${started}\n`);
  return brokers;
}

async function main(): Promise<void> {
  // A reader that goes away (`npm start | head`) must not kill the launcher with EPIPE before
  // it has stopped the services and the brokers it started: their lines are then dropped.
  process.stdout.on('error', () => undefined);
  process.stdout.write(
    located.kind === 'demo'
      ? '[fleet] no config found: demo mode with the GitHub simulator\n'
      : isDemo
        ? `[fleet] demo mode with the GitHub simulator, configured by ${located.path}\n`
        : '[fleet] starting the fleet with the configured GitHub\n',
  );
  let simulator: FleetProcess | undefined;
  let brokers: LocalBrokers | undefined;
  let services: FleetProcess[] = [];
  const children = (): FleetProcess[] => [...services, ...(simulator ? [simulator] : [])];

  let stopping: Promise<void> | undefined;
  const stop = (reason: string): Promise<void> => {
    stopping ??= (async () => {
      process.stdout.write(`[fleet] stopping (${reason})\n`);
      // Services first so they stop cleanly while GitHub and the brokers still answer.
      const servicesCode = await stopAll(services);
      const simulatorCode = simulator ? await stopAll([simulator]) : 0;
      await brokers?.stop();
      process.exitCode = Math.max(servicesCode, simulatorCode, Number(process.exitCode ?? 0));
    })();
    return stopping;
  };
  // A signal can arrive while start-up awaits: ask, rather than read the variable.
  const isStopping = (): boolean => stopping !== undefined;

  // Installed before anything starts, so a Ctrl-C during start-up still stops the brokers.
  let firstSignalMs: number | undefined;
  const onSignal = (signal: NodeJS.Signals): void => {
    const nowMs = Date.now();
    if (firstSignalMs === undefined) {
      firstSignalMs = nowMs;
      void stop(signal);
    } else if (nowMs - firstSignalMs >= SAME_SIGNAL_WINDOW_MS) {
      for (const { child } of children()) child.kill('SIGKILL');
      void (brokers?.stop() ?? Promise.resolve()).finally(() => process.exit(1));
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  try {
    // The simulator first: demo mode's config names the key files it writes.
    if (isDemo) simulator = await startSimulator();
    if (isStopping()) return;
    brokers = await startBrokers();
  } catch (error) {
    process.stderr.write(`[fleet] ${toErrorMessage(error)}\n`);
    process.exitCode = 1;
    await stop('start-up failed');
    return;
  }
  if (isStopping()) {
    // Stopped while the brokers were starting: they came up after stop() looked for them.
    await stop('stopped during start-up');
    await brokers.stop();
    return;
  }
  services = SERVICES.map((name) => startProcess(name, `services/${name}/src/main.ts`));
  for (const service of children()) {
    void service.exited.then((code) => {
      if (isStopping()) return;
      process.exitCode = 1;
      void stop(`${service.name} exited with code ${code}`);
    });
  }
  if (isDemo) {
    process.stdout.write(
      '[fleet] metrics: http://127.0.0.1:8080/metrics — Ctrl-C stops the fleet\n',
    );
  }
}

await main();
