import { fileURLToPath } from 'node:url';

import { afterEach, describe, expect, it } from 'vitest';

import { spawnService, type SpawnedService } from '@gse/testing';

const CRASHING_SERVICE_DIR = fileURLToPath(new URL('./crashing-service', import.meta.url));

describe('a service process after an uncaught error', () => {
  const spawned: SpawnedService[] = [];
  afterEach(async () => {
    await Promise.all(spawned.splice(0).map((service) => service.dispose()));
  });

  it.each([
    ['uncaughtException', 'Error: a timer callback threw'],
    ['unhandledRejection', 'Error: a handler rejected and nobody awaited it'],
  ])(
    'logs the reason of an %s and exits 1, though a timer would keep it alive',
    async (origin, firstLine) => {
      const service = spawnService({
        packageDir: CRASHING_SERVICE_DIR,
        configPath: '/nonexistent/unused.yaml',
        baseEnv: { ...process.env, CRASH_WITH: origin },
      });
      spawned.push(service);
      const exit = await service.exited();
      expect([exit.code, exit.signal]).toEqual([1, null]);
      expect(exit.messages).toEqual(['configuration loaded', 'uncaught error, exiting']);
      const crash = service.lines().at(-1);
      expect(crash?.['level']).toBe('error');
      expect(crash?.['service']).toBe('lifecycle');
      expect(crash?.['origin']).toBe(origin);
      expect(String(crash?.['error']).split('\n')[0]).toBe(firstLine);
      expect(exit.stderr).toBe('');
    },
  );
});
