import { createCapturedLogger, createRedisFixture, type RedisFixture } from '@gse/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import {
  createInstanceHeartbeat,
  createStoreKeys,
  decodeInstanceHeartbeat,
  readInstanceHeartbeats,
} from '../src/index.js';

describe('instance heartbeats', () => {
  let fixture: RedisFixture;

  beforeEach(async () => {
    fixture = await createRedisFixture();
  });
  afterEach(async () => {
    await fixture.cleanup();
  });

  it('lists each live instance with its counts, expires a dead one and removes a closed one', async () => {
    let nowMs = 1_000_000;
    const { logger, messages } = createCapturedLogger('warn');
    const options = {
      redis: fixture.redis,
      keyPrefix: fixture.keyPrefix,
      logger,
      intervalMs: 60_000,
      now: () => nowMs,
    };
    const worker = createInstanceHeartbeat({ ...options, service: 'backfill-worker' });
    const scheduler = createInstanceHeartbeat({ ...options, service: 'scheduler' });
    worker.setCounts(() => ({ unacked: 3 }));
    nowMs += 10;
    await Promise.all([worker.beat(), scheduler.beat()]);

    expect(await readInstanceHeartbeats(fixture.redis, fixture.keyPrefix)).toEqual([
      {
        service: 'backfill-worker',
        instance: worker.instance,
        startedAtMs: 1_000_000,
        beatAtMs: 1_000_010,
        counts: { unacked: 3 },
      },
      {
        service: 'scheduler',
        instance: scheduler.instance,
        startedAtMs: 1_000_000,
        beatAtMs: 1_000_010,
        counts: {},
      },
    ]);
    const keys = createStoreKeys(fixture.keyPrefix);
    // Three intervals: a key outlives two missed beats.
    const ttl = await fixture.redis.pttl(keys.instanceHeartbeat(worker.instance));
    expect(ttl).toBeGreaterThan(170_000);
    expect(ttl).toBeLessThanOrEqual(180_000);

    // A dead instance: its key expired; readers skip it, the next beat drops it from the index.
    await fixture.redis.del(keys.instanceHeartbeat(scheduler.instance));
    expect(
      (await readInstanceHeartbeats(fixture.redis, fixture.keyPrefix)).map((beat) => beat.service),
    ).toEqual(['backfill-worker']);
    nowMs += 180_001;
    await worker.beat();
    expect(await fixture.redis.zrange(keys.instances, 0, '-1')).toEqual([worker.instance]);

    await scheduler.close();
    await worker.close();
    await worker.close();
    expect(await readInstanceHeartbeats(fixture.redis, fixture.keyPrefix)).toEqual([]);
    expect(await fixture.redis.exists(keys.instances)).toBe(0);
    expect(messages()).toEqual([]);
  });

  it('decodes only a heartbeat record', () => {
    const beat = { service: 's', instance: 'i', startedAtMs: 1, beatAtMs: 2, counts: { a: 1 } };
    expect(decodeInstanceHeartbeat(JSON.stringify(beat))).toEqual(beat);
    expect(decodeInstanceHeartbeat('{')).toBeUndefined();
    expect(decodeInstanceHeartbeat(JSON.stringify({ ...beat, beatAtMs: '2' }))).toBeUndefined();
    expect(
      decodeInstanceHeartbeat(JSON.stringify({ ...beat, counts: { a: 'x' } })),
    ).toBeUndefined();
    expect(decodeInstanceHeartbeat(JSON.stringify({ ...beat, service: 3 }))).toBeUndefined();
  });
});
