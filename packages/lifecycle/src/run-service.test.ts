import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';

import { describe, expect, it } from 'vitest';

import {
  runService,
  type LoadedRunnableConfig,
  type RunnableConfig,
  type RunServiceOptions,
  type ServiceProcess,
} from './run-service.js';
import type { Service } from './service.js';
import { createLineCollector } from '@gse/testing';

const packageJsonUrl = new URL('../package.json', import.meta.url);

const loaded: LoadedRunnableConfig<RunnableConfig> = {
  config: {
    server: { logLevel: 'info' },
    services: { shutdownTimeoutMs: 50 },
    telemetry: {
      tracingEnabled: false,
      traceMode: 'off',
      traceSampleRatio: 0.05,
      otlpEndpoint: '',
      otlpProtocol: 'http/protobuf',
    },
  },
  source: { kind: 'file', path: '/etc/gse/config.yaml' },
  warnings: ['store.backend is ignored'],
};

/** A stand-in for `process`: records exits, lets a test send signals and await the exit code. */
function createFakeProcess() {
  const signals = new EventEmitter();
  const exits: number[] = [];
  let stderr = '';
  let settle: (code: number) => void = () => undefined;
  const exitCodeSet = new Promise<number>((resolve) => {
    settle = resolve;
  });
  const proc: ServiceProcess = {
    env: { GITHUB_STATS_CONFIG: '/etc/gse/config.yaml' },
    cwd: () => '/srv/gse',
    on(event, listener) {
      signals.on(event, listener);
    },
    exit(code) {
      exits.push(code);
    },
    set exitCode(code: number | string | null | undefined) {
      settle(Number(code));
    },
    stderr: {
      write(text) {
        stderr += text;
      },
    },
    getActiveResourcesInfo: () => [],
  };
  return {
    proc,
    exits,
    exitCodeSet,
    stderr: () => stderr,
    send: (signal: NodeJS.Signals) => signals.emit(signal, signal),
  };
}

/** An app whose start and stop the test controls. */
function createFakeApp(behaviour: Partial<Service> = {}) {
  const calls: string[] = [];
  const app: Service = {
    async start() {
      calls.push('start');
      await behaviour.start?.();
    },
    async stop() {
      calls.push('stop');
      await behaviour.stop?.();
    },
  };
  return { app, calls };
}

async function run(
  app: Service,
  loadConfig: RunServiceOptions<RunnableConfig>['loadConfig'] = () => loaded,
) {
  const fake = createFakeProcess();
  const logs = createLineCollector();
  const logStream = new PassThrough();
  logStream.on('data', (chunk: Buffer) => {
    logs.push(chunk.toString('utf8'));
  });
  const created: RunnableConfig[] = [];
  await runService({
    packageJsonUrl,
    loadConfig,
    createApp: ({ config }) => {
      created.push(config);
      return app;
    },
    process: fake.proc,
    logStream,
  });
  const messages = () => logs.lines().map((line) => line['message']);
  /** The `error` field of the line with `message`. */
  const errorOf = (message: string) =>
    logs.lines().find((line) => line['message'] === message)?.['error'];
  return { ...fake, logs, messages, errorOf, created };
}

describe('runService', () => {
  it('prints a config error to stderr and exits 1 before creating the app', async () => {
    const { app, calls } = createFakeApp();
    const result = await run(app, () => {
      throw new Error('github.orgs[0].bogus: unknown key');
    });
    expect(result.stderr()).toBe(
      'lifecycle: cannot load configuration:\ngithub.orgs[0].bogus: unknown key\n',
    );
    expect(result.exits).toEqual([1]);
    expect(result.created).toEqual([]);
    expect(calls).toEqual([]);
    expect(result.logs.lines()).toEqual([]);
  });

  it('loads the config from the process, logs its source and warnings, then starts the app', async () => {
    const { app, calls } = createFakeApp();
    const loaderCalls: unknown[] = [];
    const result = await run(app, (options) => {
      loaderCalls.push(options);
      return loaded;
    });
    expect(loaderCalls).toEqual([
      { env: { GITHUB_STATS_CONFIG: '/etc/gse/config.yaml' }, cwd: '/srv/gse' },
    ]);
    expect(calls).toEqual(['start']);
    expect(result.created).toEqual([loaded.config]);
    expect(result.logs.lines()).toEqual([
      expect.objectContaining({
        message: 'configuration loaded',
        service: 'lifecycle',
        version: '0.1.0',
        source: 'file',
        path: '/etc/gse/config.yaml',
      }),
      expect.objectContaining({
        message: 'configuration warning',
        warning: 'store.backend is ignored',
      }),
    ]);
  });

  it('stops the app on SIGTERM and sets exit code 0', async () => {
    const { app, calls } = createFakeApp();
    const result = await run(app);
    result.send('SIGTERM');
    expect(await result.exitCodeSet).toBe(0);
    expect(calls).toEqual(['start', 'stop']);
    expect(result.exits).toEqual([]);
    expect(result.logs.lines()).toContainEqual(
      expect.objectContaining({ message: 'signal received, stopping', signal: 'SIGTERM' }),
    );
  });

  it('sets exit code 1 when stopping fails', async () => {
    const { app } = createFakeApp({ stop: () => Promise.reject(new Error('amqp close failed')) });
    const result = await run(app);
    result.send('SIGINT');
    expect(await result.exitCodeSet).toBe(1);
    expect(result.messages()).toContain('service stop failed');
  });

  it('gives up on a stop that outlives the shutdown deadline', async () => {
    const { app } = createFakeApp({ stop: () => new Promise<void>(() => undefined) });
    const result = await run(app);
    result.send('SIGTERM');
    expect(await result.exitCodeSet).toBe(1);
    expect(result.errorOf('service stop failed')).toContain('stop did not finish within 1050ms');
  });

  it('exits 1 at once on a second signal while stopping', async () => {
    const { app } = createFakeApp({ stop: () => new Promise<void>(() => undefined) });
    const result = await run(app);
    result.send('SIGTERM');
    result.send('SIGTERM');
    expect(result.exits).toEqual([1]);
    expect(result.messages()).toContain('second signal received, exiting now');
  });

  it('sets exit code 1 when the app fails to start', async () => {
    const { app } = createFakeApp({ start: () => Promise.reject(new Error('port in use')) });
    const result = await run(app);
    expect(await result.exitCodeSet).toBe(1);
    expect(result.errorOf('service failed to start')).toContain('Error: port in use');
  });

  it('lets a signal during start decide the exit code', async () => {
    let abortStart: (error: Error) => void = () => undefined;
    const { app } = createFakeApp({
      start: () =>
        new Promise<void>((_resolve, reject) => {
          abortStart = reject;
        }),
      stop: () => {
        abortStart(new Error('service is stopping'));
        return Promise.resolve();
      },
    });
    const fake = createFakeProcess();
    const running = runService({
      packageJsonUrl,
      loadConfig: () => loaded,
      createApp: () => app,
      process: fake.proc,
      logStream: new PassThrough(),
    });
    fake.send('SIGTERM');
    await running;
    expect(await fake.exitCodeSet).toBe(0);
  });
});
