export {
  startTracing,
  toTracesUrl,
  withDetailSpans,
  type OtlpProtocol,
  type TraceMode,
  type Tracing,
  type TracingOptions,
} from './start-tracing.js';
export { createLocalTraceKeeper, type LocalTraceKeeperOptions } from './local-trace-keeper.js';
