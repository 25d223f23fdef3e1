import { Writable } from 'node:stream';

import { createGitHubClient, type GitHubClient } from '@gse/github';
import {
  copilotAggregateGroundTruth,
  copilotGroundTruth,
  createCopilotWorld,
  createGitHubSimulator,
  generateAppKeyPair,
  generateDataset,
  STANDARD_COPILOT_ENTERPRISE,
  type AppKeyPair,
  type CopilotGroundTruthOptions,
  type CopilotWorld,
  type GitHubSimulator,
  type SimDataset,
} from '@gse/github-sim';
import { createLogger } from '@gse/logging';
import {
  createRedisCopilotDayStore,
  createRedisInstallationSemaphore,
  createRedisInstallationTokenCache,
  createStoreKeys,
} from '@gse/store';
import {
  COPILOT_METRIC_FAMILIES,
  createFleetTelemetry,
  readFleetTelemetry,
  type FleetTelemetry,
} from '@gse/telemetry';
import { createRedisFixture, type RedisFixture } from '@gse/testing';

import type { CopilotScopeRef, CopilotSyncDeps, CopilotSyncOptions } from '../src/index.js';

export const quietLogger = createLogger({
  service: 'copilot-test',
  version: '0',
  level: 'error',
  stream: new Writable({
    write: (_chunk, _encoding, done) => {
      done();
    },
  }),
});

export interface CopilotFixture {
  readonly simulator: GitHubSimulator;
  readonly world: CopilotWorld;
  readonly redis: RedisFixture;
  readonly telemetry: FleetTelemetry;
  depsFor(target: CopilotScopeRef, options?: Partial<CopilotSyncOptions>): CopilotSyncDeps;
  clientFor(target: CopilotScopeRef): GitHubClient;
  /** Every stored `gh_copilot_usage_*` sample, as `name{label="value",…}` → value. */
  readSamples(): Promise<Map<string, number>>;
  cleanup(): Promise<void>;
}

export const SYNC_OPTIONS: CopilotSyncOptions = {
  breakdowns: { ide: true, feature: true, language: true, model: true },
  emitDayLabel: false,
  userLabelMode: 'login',
  userLabelSalt: 'test-salt',
  maxRecordsPerReport: 0,
  maxUsersPerReport: 0,
  downloadTimeoutMs: 5_000,
  lagDays: 2,
  reports: { org: ['users'], enterprise: ['users'] },
  pullRequests: true,
  refreshUnchanged: true,
};

/** `name{a="x",…}` with labels sorted: one text form for the product's and the truth's. */
export function toSampleKey(name: string, labels: Readonly<Record<string, string>>): string {
  const kept = Object.entries(labels)
    .filter(([, value]) => value !== '')
    .sort(([a], [b]) => (a < b ? -1 : 1));
  return `${name}{${kept.map(([label, value]) => `${label}="${value}"`).join(',')}}`;
}

/**
 * The ground truth of the scopes as sample keys: of their users reports, and with
 * `aggregate` of their aggregate reports too (pull-request activity with `pullRequests`).
 */
export function expectedSamples(
  world: CopilotWorld,
  options: Omit<CopilotGroundTruthOptions, 'scope' | 'id'> & {
    readonly users?: boolean;
    readonly aggregate?: boolean;
    readonly pullRequests?: boolean;
  },
  scopes: readonly CopilotScopeRef[],
): Map<string, number> {
  return new Map(
    scopes.flatMap((target) => {
      const scope = { ...options, scope: target.scope, id: target.id };
      return [
        ...(options.users === false ? [] : copilotGroundTruth(world, scope)),
        ...(options.aggregate === true
          ? copilotAggregateGroundTruth(world, {
              ...scope,
              pullRequests: options.pullRequests ?? true,
            })
          : []),
      ].map((sample) => [toSampleKey(sample.name, sample.labels), sample.value] as const);
    }),
  );
}

// RSA keys of the apps and the enterprise, generated for the file's first fixture and reused:
// generating them is most of a fixture's set-up (1.5 s of 2 s on the loaded 2-core machine,
// measured).
let previousApps: SimDataset['apps'] = [];
let enterpriseKeyPair: AppKeyPair | undefined;

/** A simulator with Copilot reports (two orgs, one enterprise), Redis, and telemetry. */
export async function createCopilotFixture(): Promise<CopilotFixture> {
  const dataset = generateDataset({
    seed: 42,
    generatedAtMs: Date.now(),
    keyPairs: previousApps,
  });
  previousApps = dataset.apps;
  enterpriseKeyPair ??= generateAppKeyPair(STANDARD_COPILOT_ENTERPRISE.appId);
  const world = createCopilotWorld(dataset, {
    seed: 42,
    orgs: ['acme', 'globex'],
    enterprise: STANDARD_COPILOT_ENTERPRISE,
  });
  const simulator = createGitHubSimulator({
    dataset,
    copilot: { world, enterpriseKeyPair },
  });
  await simulator.start();
  const redis = await createRedisFixture();
  const ports = { redis: redis.redis, keyPrefix: redis.keyPrefix };
  const keys = createStoreKeys(redis.keyPrefix);
  const telemetry = createFleetTelemetry({
    redis: redis.redis,
    keyOf: (name) => keys.telemetryMetric(name),
    logger: quietLogger,
    flushIntervalMs: 60_000,
  });
  const store = createRedisCopilotDayStore(ports);
  const semaphore = createRedisInstallationSemaphore({
    ...ports,
    maxConcurrent: 4,
    logger: quietLogger,
  });
  const tokenCache = createRedisInstallationTokenCache(ports);
  const shutdown = new AbortController();
  const clients = new Map<string, GitHubClient>();
  const clientFor = (target: CopilotScopeRef): GitHubClient => {
    const key = `${target.scope}/${target.id}`;
    const existing = clients.get(key);
    if (existing) return existing;
    const credentials =
      target.scope === 'enterprise'
        ? simulator.enterpriseApp
        : simulator.apps.find((app) => app.org === target.id);
    if (!credentials) throw new Error(`no App for ${key}`);
    const client = createGitHubClient({
      org: target.id,
      baseUrl: simulator.url,
      appId: credentials.appId,
      installationId: credentials.installationId,
      privateKeyPem: credentials.privateKeyPem,
      requestTimeoutMs: 10_000,
      userAgent: 'gse-copilot-test',
      rateLimit: { minRemaining: 0, minResetBufferMs: 0, secondaryLimitBackoffMs: 100 },
      retry: { maxAttempts: 2, initialBackoffMs: 10, maxBackoffMs: 50, jitter: true },
      etagCache: { get: () => Promise.resolve(undefined), set: () => Promise.resolve() },
      semaphore,
      tokenCache,
      logger: quietLogger,
      signal: shutdown.signal,
    });
    clients.set(key, client);
    return client;
  };
  return {
    simulator,
    world,
    redis,
    telemetry,
    clientFor,
    depsFor: (target, options = {}) => ({
      client: clientFor(target),
      store,
      telemetry,
      options: { ...SYNC_OPTIONS, ...options },
      logger: quietLogger,
      signal: shutdown.signal,
    }),
    async readSamples() {
      await telemetry.flush();
      const stored = await readFleetTelemetry(
        redis.redis,
        (name) => keys.telemetryMetric(name),
        COPILOT_METRIC_FAMILIES,
      );
      const samples = new Map<string, number>();
      for (const metric of stored) {
        if (metric.kind !== 'samples') continue;
        for (const sample of metric.samples) {
          const labels = Object.fromEntries(
            metric.definition.labels.map((label, index) => [
              label,
              sample.labelValues[index] ?? '',
            ]),
          );
          samples.set(toSampleKey(metric.definition.name, labels), sample.value);
        }
      }
      return samples;
    },
    async cleanup() {
      shutdown.abort();
      await telemetry.close();
      await simulator.stop();
      await redis.cleanup();
    },
  };
}
