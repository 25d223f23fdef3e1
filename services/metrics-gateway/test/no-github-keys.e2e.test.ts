import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import {
  httpGet,
  removeRedisKeys,
  type ServiceConfigFile,
  type SpawnedService,
  spawnService,
  waitFor,
  writeServiceConfig,
} from '@gse/testing';
import { afterEach, describe, expect, it } from 'vitest';

const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));

describe('the metrics-gateway process without the GitHub App keys', () => {
  const keyPrefix = `test-${randomUUID()}`;
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    await removeRedisKeys(keyPrefix);
  });

  it('starts, gets ready and stops cleanly though no private_key_path file exists', async () => {
    const file: ServiceConfigFile = await writeServiceConfig({ keyPrefix });
    cleanups.push(file.remove);
    // writeServiceConfig puts the org's key next to the config: the pod has none.
    await rm(join(dirname(file.path), 'app.pem'));
    const gateway: SpawnedService = spawnService({
      packageDir: PACKAGE_DIR,
      configPath: file.path,
      baseEnv: process.env,
    });
    cleanups.push(gateway.dispose);

    const probe = await gateway.addressOf('probe');
    const ready = await waitFor(
      async () => {
        const reply = await httpGet(probe, '/readyz');
        return reply.status === 200 ? reply : undefined;
      },
      { timeoutMs: 10_000, description: 'the gateway ready' },
    );
    expect(JSON.parse(ready.body)).toEqual({
      ready: true,
      checks: [
        { name: 'startup', ok: true },
        { name: 'render', ok: true },
      ],
    });
    gateway.kill('SIGTERM');
    const exit = await gateway.exited();
    expect([exit.code, exit.stderr]).toEqual([0, '']);
    expect(exit.messages.at(-1)).toBe('service stopped');
  });
});
