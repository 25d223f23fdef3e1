export {
  createRegistryMetrics,
  createServiceRegistry,
  METRICS_CONTENT_TYPES,
  negotiateMetricsFormat,
  type MetricsFormat,
  type MetricsSource,
} from './metrics-exposition.js';
export { createHttpAccess, type HttpAccess, type HttpAuthConfig } from './http-access.js';
export {
  addProbeRoutes,
  createHttpServer,
  requireAccess,
  type HttpApp,
  type HttpServer,
  type HttpServerOptions,
  type ListenAddress,
  type TlsFiles,
} from './http-server.js';
export { createProbeServer, type ProbeServerOptions } from './probe-server.js';
export {
  createReadiness,
  STOPPING_CHECK,
  type CheckReport,
  type CheckResult,
  type Readiness,
  type ReadinessCheck,
  type ReadinessOptions,
  type ReadinessReport,
} from './readiness.js';
export {
  runService,
  type LoadedRunnableConfig,
  type RunnableConfig,
  type RunServiceOptions,
  type ServiceDeps,
  type ServiceProcess,
} from './run-service.js';
export { createService, type Service, type ServiceOptions, type ServiceScope } from './service.js';
export {
  createShutdownStack,
  ShutdownError,
  type CloseStep,
  type ShutdownFailure,
  type ShutdownStack,
  type ShutdownStackOptions,
} from './shutdown-stack.js';
