import { test } from 'vitest';

import { createRedisFixture, type RedisFixture } from './redis-fixture.js';

export { useOwnRabbitMqNode, type FileRabbitMqNode } from './use-own-rabbitmq-node.js';

/**
 * `it` with a `redis` fixture: a connection to the machine's Redis and a key prefix of the
 * test's own, every key under it deleted after the test whatever happened.
 */
export const redisTest = test.extend<{ redis: RedisFixture }>({
  // eslint-disable-next-line no-empty-pattern -- vitest reads the fixtures a test uses from this pattern
  redis: async ({}, use) => {
    const fixture = await createRedisFixture();
    try {
      await use(fixture);
    } finally {
      await fixture.cleanup();
    }
  },
});
