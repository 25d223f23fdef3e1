import { readFileSync } from 'node:fs';

import {
  createLogger,
  type Logger,
  type LogLevel,
  toErrorMessage,
  toLoggedError,
} from '@gse/logging';
import { startTracing, type OtlpProtocol, type TraceMode } from '@gse/tracing/sdk';

import type { Service } from './service.js';

/** The slice of the fleet config that running a service needs. */
export interface RunnableConfig {
  readonly server: { readonly logLevel: LogLevel };
  readonly services: { readonly shutdownTimeoutMs: number };
  /** `telemetry.*` (`TelemetryConfig` of `@gse/config`). */
  readonly telemetry: {
    readonly tracingEnabled: boolean;
    readonly traceMode: TraceMode;
    readonly traceSampleRatio: number;
    readonly otlpEndpoint: string;
    readonly otlpProtocol: OtlpProtocol;
  };
}

/** What a config loader returns (`loadConfig` of `@gse/config` fits). */
export interface LoadedRunnableConfig<C extends RunnableConfig> {
  readonly config: C;
  readonly source: { readonly kind: string; readonly path?: string };
  readonly warnings: readonly string[];
}

/** The parts of `process` a service's run touches; tests pass a fake. */
export interface ServiceProcess {
  /** Handed to the config loader, and read nowhere else. */
  readonly env: NodeJS.ProcessEnv;
  cwd(): string;
  on(event: 'SIGTERM' | 'SIGINT', listener: (signal: NodeJS.Signals) => void): unknown;
  on(
    event: 'uncaughtException' | 'unhandledRejection',
    listener: (error: unknown) => void,
  ): unknown;
  exit(code: number): void;
  exitCode?: number | string | null | undefined;
  readonly stderr: { write(text: string): unknown };
  /** Names what keeps the process alive, to log when it does not exit after a stop. */
  getActiveResourcesInfo(): string[];
}

/** What a composition root is built from. */
export interface ServiceDeps<C> {
  readonly config: C;
  readonly logger: Logger;
}

export interface RunServiceOptions<C extends RunnableConfig> {
  /**
   * The service's `package.json`: its `name` without the scope (`@gse/scheduler` →
   * `scheduler`) and its `version` go on every log line.
   */
  readonly packageJsonUrl: URL;
  /**
   * Loads and validates the config from the process's environment and working directory
   * (`loadConfig` of `@gse/config`); throws with a message listing every problem.
   */
  readonly loadConfig: (options: {
    readonly env: NodeJS.ProcessEnv;
    readonly cwd: string;
  }) => LoadedRunnableConfig<C>;
  /** The composition root, e.g. `createScheduler`. */
  readonly createApp: (deps: ServiceDeps<C>) => Service;
  readonly process: ServiceProcess;
  /** Where log lines go; stdout unless a test captures them. */
  readonly logStream?: NodeJS.WritableStream;
}

/**
 * Once stopped, a healthy process exits by itself as soon as its last handle closes, after
 * stdout drained; this long after that, a leaked handle no longer holds it up.
 */
const EXIT_GRACE_MS = 2000;

/**
 * Slack on top of `shutdownTimeoutMs` before giving up on `stop()`: the closers' own deadline
 * should fire first and name the step that hung; this only catches start code that ignores
 * its abort signal.
 */
const STOP_BACKSTOP_MS = 1000;

/**
 * Runs one service process, so a `main.ts` only wires its pieces:
 * 1. loads the config; on failure writes the message to stderr and exits 1 before any
 *    socket opens;
 * 2. creates the logger (service name, version from `package.json`, configured level) and
 *    logs the config's source and warnings; starts tracing (`telemetry.*`) under the same
 *    service name and version;
 * 3. creates the app, starts it; a failed start exits 1;
 * 4. first SIGTERM/SIGINT: stops the app, then exports the spans still buffered, within
 *    `services.shutdownTimeoutMs`, then exits 0,
 *    or 1 if a step failed or the deadline passed; a second signal exits 1 at once;
 * 5. an `uncaughtException` or `unhandledRejection` logs `uncaught error, exiting` with its
 *    `origin` and `error` and exits 1 without a graceful stop (Kubernetes restarts the pod).
 *
 * Resolves once the app started (or failed to); the process exits later, on its own.
 */
export async function runService<C extends RunnableConfig>(
  options: RunServiceOptions<C>,
): Promise<void> {
  const proc = options.process;
  const manifest = readManifest(options.packageJsonUrl);
  let loaded: LoadedRunnableConfig<C>;
  try {
    // `pnpm --filter <svc> start` runs in the package directory; INIT_CWD is where the
    // operator typed it, so `config/local.yaml` means the same file for every service.
    loaded = options.loadConfig({ env: proc.env, cwd: proc.env['INIT_CWD'] ?? proc.cwd() });
  } catch (error) {
    proc.stderr.write(
      `${manifest.service}: cannot load configuration:\n${toErrorMessage(error)}\n`,
    );
    proc.exit(1);
    return;
  }
  const { config } = loaded;
  const logger = createLogger({
    service: manifest.service,
    version: manifest.version,
    level: config.server.logLevel,
    ...(options.logStream ? { stream: options.logStream } : {}),
  });
  logger.info('configuration loaded', { source: loaded.source.kind, path: loaded.source.path });
  for (const warning of loaded.warnings) logger.warn('configuration warning', { warning });

  exitOnUncaughtErrors(proc, logger);

  const { telemetry } = config;
  const tracing = startTracing({
    serviceName: manifest.service,
    serviceVersion: manifest.version,
    enabled: telemetry.tracingEnabled,
    mode: telemetry.traceMode,
    sampleRatio: telemetry.traceSampleRatio,
    endpoint: telemetry.otlpEndpoint,
    protocol: telemetry.otlpProtocol,
    onExportProblem: (problem) => {
      logger.warn('trace export problem', { problem });
    },
  });
  if (tracing.recording) {
    logger.info('tracing started', {
      mode: telemetry.traceMode,
      protocol: telemetry.otlpProtocol,
      instanceId: tracing.instanceId,
    });
  }
  const app = options.createApp({ config, logger });
  const stopAppThenTracing = async (): Promise<void> => {
    try {
      await app.stop();
    } finally {
      await tracing.shutdown();
    }
  };
  let stopping: Promise<void> | undefined;

  function finish(code: number): void {
    proc.exitCode = code;
    setTimeout(() => {
      logger.error('open handles kept the process alive after stop', {
        resources: proc.getActiveResourcesInfo(),
      });
      proc.exit(code === 0 ? 1 : code);
    }, EXIT_GRACE_MS).unref();
  }

  function onSignal(signal: NodeJS.Signals): void {
    if (stopping) {
      logger.error('second signal received, exiting now', { signal });
      proc.exit(1);
      return;
    }
    logger.info('signal received, stopping', { signal });
    stopping = stopWithin(
      stopAppThenTracing,
      config.services.shutdownTimeoutMs + STOP_BACKSTOP_MS,
    ).then(
      () => {
        finish(0);
      },
      (error: unknown) => {
        logger.error('service stop failed', { error: toLoggedError(error) });
        finish(1);
      },
    );
  }
  proc.on('SIGTERM', onSignal);
  proc.on('SIGINT', onSignal);

  try {
    await app.start();
  } catch (error) {
    // A signal during start aborts it; the stop that follows decides the exit code.
    if (stopping) return;
    logger.error('service failed to start', { error: toLoggedError(error) });
    finish(1);
  }
}

/**
 * After an uncaught error the process is in a state no code planned for (a handler that ran
 * half-way, a lock renewal that died), so a graceful stop could hang or write wrong data:
 * Node's own advice is to exit. The reason goes to the log first, so the pod's restart has an
 * explanation, and the exit waits one turn of the event loop so that winston's write of
 * that line (on a later tick) reaches stdout.
 */
function exitOnUncaughtErrors(proc: ServiceProcess, logger: Logger): void {
  let exiting = false;
  const exitWith =
    (origin: 'uncaughtException' | 'unhandledRejection') =>
    (error: unknown): void => {
      if (exiting) return;
      exiting = true;
      logger.error('uncaught error, exiting', { origin, error: toLoggedError(error) });
      proc.exitCode = 1;
      setImmediate(() => {
        proc.exit(1);
      });
    };
  proc.on('uncaughtException', exitWith('uncaughtException'));
  proc.on('unhandledRejection', exitWith('unhandledRejection'));
}

async function stopWithin(stop: () => Promise<void>, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const backstop = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      reject(new Error(`stop did not finish within ${timeoutMs}ms`));
    }, timeoutMs);
  });
  try {
    await Promise.race([stop(), backstop]);
  } finally {
    clearTimeout(timer);
  }
}

/** The service name (package name without its scope) and version from `package.json`. */
function readManifest(packageJsonUrl: URL): { service: string; version: string } {
  const manifest: unknown = JSON.parse(readFileSync(packageJsonUrl, 'utf8'));
  if (
    typeof manifest === 'object' &&
    manifest !== null &&
    'name' in manifest &&
    'version' in manifest
  ) {
    const { name, version } = manifest;
    if (typeof name === 'string' && typeof version === 'string') {
      return { service: name.replace(/^@[^/]+\//, ''), version };
    }
  }
  throw new Error(`no name and version in ${packageJsonUrl.href}`);
}
