import {
  createGitHubSimulator,
  generateDataset,
  type GitHubSimulator,
  type GitHubSimulatorOptions,
  type SimDataset,
} from '@gse/github-sim';

import {
  createGitHubClient,
  type GitHubClient,
  type GitHubClientOptions,
  type GitHubRequestReport,
} from '../src/index.js';
import {
  createMemoryEtagCache,
  createMemorySemaphore,
  createRecordingLogger,
  type LogLine,
} from './client-fakes.js';

/** The standard dataset, ending now so the App JWTs octokit signs are valid for the simulator. */
export function simDataset(): SimDataset {
  return generateDataset({ seed: 42, generatedAtMs: Date.now() });
}

/**
 * One clock for the simulator and the client, moved only by the client's sleeps, so rate-limit
 * windows and token lifetimes pass instantly. It starts on a whole second, as GitHub's
 * `expires_at` and `x-ratelimit-reset` are whole seconds. Keep it within minutes of the real
 * time: octokit signs the App JWT with the real clock.
 */
export interface SharedClock {
  nowMs: number;
  readonly slept: number[];
}

export function createSharedClock(): SharedClock {
  return { nowMs: Math.floor(Date.now() / 1000) * 1000, slept: [] };
}

/** Simulators started by a test file, stopped together in `afterEach`/`afterAll`. */
export function createSimulatorPool(dataset: () => SimDataset) {
  const started: GitHubSimulator[] = [];
  return {
    async start(options: Partial<GitHubSimulatorOptions> = {}): Promise<GitHubSimulator> {
      const simulator = createGitHubSimulator({ dataset: dataset(), ...options });
      started.push(simulator);
      await simulator.start();
      return simulator;
    },
    async stopAll(): Promise<void> {
      await Promise.all(started.splice(0).map((simulator) => simulator.stop()));
    },
  };
}

export interface SimClient {
  readonly client: GitHubClient;
  readonly reports: GitHubRequestReport[];
  readonly logLines: LogLine[];
}

/** A client for `org` of the simulator, with in-memory ports unless overridden. */
export function createSimClient(
  simulator: GitHubSimulator,
  org: string,
  overrides: Partial<GitHubClientOptions> & { readonly clock?: SharedClock } = {},
): SimClient {
  const credentials = simulator.apps.find((candidate) => candidate.org === org);
  if (!credentials) throw new Error(`the simulator has no app for ${org}`);
  const reports: GitHubRequestReport[] = [];
  const logger = createRecordingLogger();
  const { clock, ...options } = overrides;
  const client = createGitHubClient({
    org,
    baseUrl: simulator.url,
    appId: credentials.appId,
    installationId: credentials.installationId,
    privateKeyPem: credentials.privateKeyPem,
    requestTimeoutMs: 5000,
    userAgent: 'gse-integration-test',
    rateLimit: { minRemaining: 0, minResetBufferMs: 1000, secondaryLimitBackoffMs: 1000 },
    retry: { maxAttempts: 4, initialBackoffMs: 10, maxBackoffMs: 100, jitter: true },
    etagCache: createMemoryEtagCache(),
    semaphore: createMemorySemaphore(5),
    onRequest: (report) => reports.push(report),
    logger,
    signal: new AbortController().signal,
    ...(clock
      ? {
          now: () => clock.nowMs,
          sleep: (ms: number) => {
            clock.slept.push(ms);
            clock.nowMs += ms;
            return Promise.resolve();
          },
        }
      : {}),
    ...options,
  });
  return { client, reports, logLines: logger.lines };
}
