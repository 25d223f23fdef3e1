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
export {
  createCapturedLogger,
  createLineCollector,
  type CapturedLogger,
  type LineCollector,
  type LogLine,
} from './service/captured-logger.js';
export { writeServiceConfig, type ServiceConfigFile } from './service/service-config-file.js';
export {
  spawnService,
  type ListenAddress,
  type ServiceExit,
  type SpawnedService,
  type SpawnServiceOptions,
} from './service/spawn-service.js';
export { httpGet, type HttpReply } from './service/http-get.js';
export { openTcpHandles, settledTcpHandles } from './service/open-handles.js';
export {
  describeServiceLifecycle,
  type ServiceLifecycleSuite,
} from './service/describe-service-lifecycle.js';
