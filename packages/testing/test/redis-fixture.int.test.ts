import { describe, expect, it } from 'vitest';

import { createRedisFixture } from '../src/redis-fixture.js';

describe('createRedisFixture', () => {
  it('hands out distinct prefixes and deletes only its own keys', async () => {
    const first = await createRedisFixture();
    const second = await createRedisFixture();
    expect(first.keyPrefix).not.toBe(second.keyPrefix);
    await first.redis.set(`${first.keyPrefix}:a`, '1');
    await second.redis.set(`${second.keyPrefix}:a`, '1');
    await first.cleanup();
    expect(await second.redis.exists(`${second.keyPrefix}:a`)).toBe(1);
    expect(await second.redis.exists(`${first.keyPrefix}:a`)).toBe(0);
    await second.cleanup();
  });
});
