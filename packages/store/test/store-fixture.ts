import type { ActivityEvent } from '@gse/activity';
import { createRedisFixture, type RedisFixture } from '@gse/testing';

import {
  createActivityStore,
  createStoreKeys,
  type ActivityStoreOptions,
  type ActivityStore,
  type StoreKeys,
} from '../src/index.js';

/** A commit of `user` at `atMs`, its sha the event's source id. */
export const commit = (sha: string, user: string, atMs: number): ActivityEvent => ({
  kind: 'commit',
  sourceId: sha,
  user,
  occurredAtMs: atMs,
});

/** A Redis key prefix of the test's own, with an activity store and the key builder on it. */
export interface StoreFixture extends RedisFixture {
  readonly store: ActivityStore;
  readonly keys: StoreKeys;
}

/**
 * A fresh key prefix on the machine's Redis with an activity store on it (a series budget of
 * 1000); `cleanup` closes the store and deletes every key.
 */
export async function createStoreFixture(
  options: Pick<ActivityStoreOptions, 'retentionMs' | 'excludeBots'>,
): Promise<StoreFixture> {
  const fixture = await createRedisFixture();
  const store = createActivityStore({
    redis: fixture.redis,
    keyPrefix: fixture.keyPrefix,
    maxSeriesBudget: 1000,
    ...options,
  });
  return {
    ...fixture,
    store,
    keys: createStoreKeys(fixture.keyPrefix),
    async cleanup() {
      await store.close();
      await fixture.cleanup();
    },
  };
}
