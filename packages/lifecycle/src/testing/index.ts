export {
  createCapturedLogger,
  createLineCollector,
  type CapturedLogger,
  type LineCollector,
  type LogLine,
} from './captured-logger.js';
export { writeServiceConfig, type ServiceConfigFile } from './service-config-file.js';
export {
  spawnService,
  type ServiceExit,
  type SpawnedService,
  type SpawnServiceOptions,
} from './spawn-service.js';
export { httpGet, type HttpReply } from './http-get.js';
export { openTcpHandles, settledTcpHandles } from './open-handles.js';
export {
  describeServiceLifecycle,
  type ServiceLifecycleSuite,
} from './describe-service-lifecycle.js';
