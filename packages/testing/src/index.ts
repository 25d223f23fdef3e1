export {
  createRedisFixture,
  deleteKeysWithPrefix,
  removeRedisKeys,
  TEST_REDIS_URL,
  type RedisFixture,
} from './redis-fixture.js';
export { waitFor, type WaitForOptions } from './wait-for.js';
