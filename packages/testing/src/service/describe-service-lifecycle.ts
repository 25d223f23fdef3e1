import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { afterEach, describe, expect, it } from 'vitest';

import type { Logger } from '@gse/logging';

import { createCapturedLogger, type CapturedLogger } from './captured-logger.js';
import { httpGet } from './http-get.js';
import { settledTcpHandles } from './open-handles.js';
import { writeServiceConfig, type ServiceConfigFile } from './service-config-file.js';
import { spawnService, type ListenAddress, type SpawnedService } from './spawn-service.js';

/**
 * A service as `@gse/lifecycle` builds it, by shape: this package stays below every package
 * of the fleet (their tests use it), so it names no type of theirs.
 */
interface LifecycleService {
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface ServiceLifecycleSuite<C> {
  /**
   * `import.meta.url` of the calling test file, which lives in `<package>/test/`: the
   * package directory (with `src/main.ts` and `package.json`) is its parent.
   */
  readonly testFileUrl: string;
  /** Its composition root, e.g. `createScheduler`. */
  readonly create: (deps: { readonly config: C; readonly logger: Logger }) => LifecycleService;
  /** `loadConfig` of `@gse/config`, to build the in-process service from a real file. */
  readonly loadConfig: (options: { readonly env: NodeJS.ProcessEnv; readonly cwd: string }) => {
    readonly config: C;
  };
  /** The HTTP servers the service runs, by their log name. Default `['probe']`. */
  readonly servers?: readonly string[];
  /** The environment the spawned process starts from, usually `process.env`. */
  readonly baseEnv: NodeJS.ProcessEnv;
  /** Redis and BullMQ keys of every run live under it; the calling test deletes them after. */
  readonly keyPrefix: string;
}

/** How one HTTP server of a running service answered. */
interface ServerAnswers {
  readonly livez: number;
  readonly readyz: number;
  readonly metrics: { readonly prometheus?: string; readonly openmetrics?: string };
}

const HEALTHY: ServerAnswers = {
  livez: 200,
  readyz: 200,
  // The exposition formats' content types, as Prometheus asks for them.
  metrics: {
    prometheus: 'text/plain; version=0.0.4; charset=utf-8',
    openmetrics: 'application/openmetrics-text; version=1.0.0; charset=utf-8',
  },
};

const OPENMETRICS_ACCEPT = 'application/openmetrics-text;version=1.0.0';
const PROCESS_DEADLINE_MS = 20_000;

/**
 * The lifecycle contract every service of the fleet keeps (STYLE.md "A service's main"),
 * as one vitest suite each service's tests run against itself:
 * - in process: stop without start; start, stop, start, stop, each twice; every server
 *   answers while running; no TCP handle left open;
 * - as a real process (`src/main.ts` through tsx): `/livez`, `/readyz` 200 and `/metrics`
 *   in both formats on each server; SIGTERM → exit code 0 with "service stopped" last;
 * - a config with an unknown key → exit code 1, the key named on stderr, nothing listened.
 */
export function describeServiceLifecycle<C>(suite: ServiceLifecycleSuite<C>): void {
  const packageDir = fileURLToPath(new URL('..', suite.testFileUrl));
  const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as {
    readonly name: string;
  };
  const serviceName = manifest.name.replace(/^@[^/]+\//, '');
  const servers = suite.servers ?? ['probe'];
  describe(`${serviceName} lifecycle`, () => {
    const cleanups: (() => Promise<void>)[] = [];
    afterEach(async () => {
      for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    });

    async function configFile(extraYaml?: string): Promise<ServiceConfigFile> {
      const file = await writeServiceConfig({
        keyPrefix: suite.keyPrefix,
        ...(extraYaml === undefined ? {} : { extraYaml }),
      });
      cleanups.push(file.remove);
      return file;
    }

    function spawn(file: ServiceConfigFile): SpawnedService {
      const spawned = spawnService({
        packageDir,
        configPath: file.path,
        baseEnv: suite.baseEnv,
      });
      cleanups.push(spawned.dispose);
      return spawned;
    }

    async function createInProcess(): Promise<{ service: LifecycleService } & CapturedLogger> {
      const file = await configFile();
      const { config } = suite.loadConfig({
        env: { GITHUB_STATS_CONFIG: file.path },
        cwd: packageDir,
      });
      const captured = createCapturedLogger('info');
      const service = suite.create({ config, logger: captured.logger });
      cleanups.push(() => service.stop());
      return { service, ...captured };
    }

    it('stops without having started', async () => {
      const { service, messages } = await createInProcess();
      await service.stop();
      await service.stop();
      expect(messages()).toEqual([]);
    });

    it('starts and stops twice, answering on every server, leaving no handle open', async () => {
      const before = await settledTcpHandles();
      const { service, lines, messages } = await createInProcess();
      for (let round = 1; round <= 2; round += 1) {
        await Promise.all([service.start(), service.start()]);
        const listening = lines().filter((line) => line['message'] === 'http server listening');
        const answers = await answersOf(servers, (server) =>
          listening
            .filter((line) => line['server'] === server)
            .map((line) => ({ host: String(line['host']), port: Number(line['port']) }))
            .at(-1),
        );
        expect(answers).toEqual(Object.fromEntries(servers.map((name) => [name, HEALTHY])));
        await Promise.all([service.stop(), service.stop()]);
      }
      expect(messages().filter((message) => message.startsWith('service '))).toEqual([
        'service started',
        'service stopped',
        'service started',
        'service stopped',
      ]);
      expect(await settledTcpHandles(before)).toEqual(before);
    });

    it('runs as a process: answers on every server, exits 0 on SIGTERM', async () => {
      const spawned = spawn(await configFile());
      const addresses = new Map<string, ListenAddress>();
      for (const server of servers) {
        addresses.set(server, await spawned.addressOf(server, PROCESS_DEADLINE_MS));
      }
      const answers = await answersOf(servers, (server) => addresses.get(server));
      expect(answers).toEqual(Object.fromEntries(servers.map((name) => [name, HEALTHY])));

      spawned.kill('SIGTERM');
      const exit = await spawned.exited(PROCESS_DEADLINE_MS);
      expect({ code: exit.code, signal: exit.signal, last: exit.messages.at(-1) }).toEqual({
        code: 0,
        signal: null,
        last: 'service stopped',
      });
    });

    it('runs as a process: exits 1 on an unknown config key, naming it, before listening', async () => {
      const spawned = spawn(await configFile('unknown_section:\n  enabled: true\n'));
      const exit = await spawned.exited(PROCESS_DEADLINE_MS);
      expect(exit.code).toBe(1);
      expect(exit.stderr).toContain(`${serviceName}: cannot load configuration:`);
      expect(exit.stderr).toContain('unknown_section');
      expect(exit.messages).toEqual([]);
    });
  });
}

/** Asks each server's endpoints, waiting (with a deadline) for `/readyz` to turn 200. */
async function answersOf(
  servers: readonly string[],
  addressOf: (server: string) => ListenAddress | undefined,
): Promise<Record<string, ServerAnswers>> {
  const answers: Record<string, ServerAnswers> = {};
  for (const server of servers) {
    const address = addressOf(server);
    if (!address) throw new Error(`the ${server} http server did not log its address`);
    const readyz = await readyzOnceReady(address);
    answers[server] = {
      livez: (await httpGet(address, '/livez')).status,
      readyz,
      metrics: {
        prometheus: (await httpGet(address, '/metrics')).contentType,
        openmetrics: (await httpGet(address, '/metrics', OPENMETRICS_ACCEPT)).contentType,
      },
    };
  }
  return answers;
}

async function readyzOnceReady(address: ListenAddress): Promise<number> {
  const deadline = Date.now() + PROCESS_DEADLINE_MS;
  for (;;) {
    const { status } = await httpGet(address, '/readyz');
    if (status === 200 || Date.now() > deadline) return status;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
