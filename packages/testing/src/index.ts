export { freePort, isListening } from './free-port.js';
export {
  startOwnRabbitMqNode,
  type OwnRabbitMqNode,
  type OwnRabbitMqNodeOptions,
} from './own-rabbitmq-node.js';
export {
  startOwnRedisServer,
  type OwnRedisServer,
  type OwnRedisServerOptions,
} from './own-redis-server.js';
export {
  createRedisFixture,
  deleteKeysWithPrefix,
  removeRedisKeys,
  TEST_REDIS_URL,
  type RedisFixture,
} from './redis-fixture.js';
export { waitFor, type WaitForOptions } from './wait-for.js';
