import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';

import {
  createCopilotWorld,
  createGitHubSimulator,
  generateDataset,
  type GitHubSimulator,
} from '@gse/github-sim';
import { createLogger } from '@gse/logging';
import { createRedisFixture, type RedisFixture } from '@gse/testing';

import type { OrgInstallation } from '../src/index.js';

export const quietLogger = createLogger({
  service: 'fleet-adapters-test',
  version: '0',
  level: 'error',
  stream: new Writable({
    write: (_chunk, _encoding, done) => {
      done();
    },
  }),
});

export interface AdaptersFixture {
  readonly simulator: GitHubSimulator;
  readonly redis: RedisFixture;
  /** Where the Apps' keys were written. */
  readonly keysDir: string;
  /** The `acme` App installation, its key file written. */
  readonly acme: OrgInstallation;
  /** Aborted by `cleanup`. */
  readonly signal: AbortSignal;
  cleanup(): Promise<void>;
}

/** A started simulator (Copilot reports of `acme` with `copilot`), Redis, and acme's App key. */
export async function createAdaptersFixture(
  options: { readonly copilot?: boolean } = {},
): Promise<AdaptersFixture> {
  const dataset = generateDataset({ seed: 7, generatedAtMs: Date.now() });
  const simulator = createGitHubSimulator({
    dataset,
    ...(options.copilot
      ? { copilot: { world: createCopilotWorld(dataset, { seed: 7, orgs: ['acme'] }) } }
      : {}),
  });
  await simulator.start();
  const redis = await createRedisFixture();
  const keysDir = await mkdtemp(join(tmpdir(), 'gse-adapters-'));
  const [written] = (await simulator.writeKeys(keysDir)).filter((key) => key.org === 'acme');
  if (!written) throw new Error('the simulator has no acme app');
  const shutdown = new AbortController();
  return {
    simulator,
    redis,
    keysDir,
    acme: {
      org: 'acme',
      appId: written.appId,
      installationId: written.installationId,
      privateKeyPath: written.privateKeyPath,
    },
    signal: shutdown.signal,
    async cleanup() {
      shutdown.abort(new Error('test finished'));
      await simulator.stop();
      await redis.cleanup();
      await rm(keysDir, { recursive: true, force: true });
    },
  };
}
