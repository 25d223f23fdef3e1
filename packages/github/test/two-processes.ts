import type { SimDataset } from '@gse/github-sim';
import {
  createRedisEtagCache,
  createRedisInstallationSemaphore,
  createRedisInstallationTokenCache,
} from '@gse/store';
import { createRedisFixture, type RedisFixture } from '@gse/testing';
import { afterEach, beforeAll, beforeEach } from 'vitest';

import type { EtagCache, InstallationSemaphore, InstallationTokenCache } from '../src/index.js';
import { createRecordingLogger } from './client-fakes.js';
import { createSimulatorPool, simDataset } from './sim-client.js';

export type Redis = RedisFixture['redis'];

/** The Redis adapters of `@gse/store`, typed as the client's ports: they must keep fitting. */
export interface RedisPorts {
  readonly etagCache: EtagCache;
  readonly semaphore: InstallationSemaphore;
  readonly tokenCache: InstallationTokenCache;
}

/**
 * Two processes of the fleet as a test sees them: two connections to a Redis fixture of the
 * test's own (`fixture.redis`, `otherProcess`) and simulators on the standard dataset.
 * Registers the calling `describe`'s hooks: a fresh fixture before each test; simulators
 * stopped, connections closed and keys removed after it.
 */
export function useTwoProcesses() {
  let dataset: SimDataset;
  let current: { readonly fixture: RedisFixture; readonly otherProcess: Redis } | undefined;
  const simulators = createSimulatorPool(() => dataset);
  const during = () => {
    if (!current) throw new Error('useTwoProcesses: used outside a test');
    return current;
  };

  beforeAll(() => {
    dataset = simDataset();
  });
  beforeEach(async () => {
    const fixture = await createRedisFixture();
    current = { fixture, otherProcess: fixture.redis.duplicate() };
  });
  afterEach(async () => {
    await simulators.stopAll();
    await current?.otherProcess.quit();
    await current?.fixture.cleanup();
    current = undefined;
  });

  return {
    simulators,
    get fixture(): RedisFixture {
      return during().fixture;
    },
    get otherProcess(): Redis {
      return during().otherProcess;
    },
    /** The ports a service wires on `redis`, under the test's key prefix. */
    portsOn(redis: Redis, maxConcurrent: number): RedisPorts {
      const { keyPrefix } = during().fixture;
      return {
        etagCache: createRedisEtagCache({ redis, keyPrefix }),
        semaphore: createRedisInstallationSemaphore({
          redis,
          keyPrefix,
          maxConcurrent,
          logger: createRecordingLogger(),
        }),
        tokenCache: createRedisInstallationTokenCache({ redis, keyPrefix }),
      };
    },
  };
}
