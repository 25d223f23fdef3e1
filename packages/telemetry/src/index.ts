export {
  createFleetTelemetry,
  type FleetTelemetry,
  type FleetTelemetryOptions,
} from './fleet-telemetry.js';
export { FLEET_METRICS } from './fleet-metrics.js';
export {
  defineCounter,
  defineGauge,
  defineHistogram,
  type CounterDefinition,
  type GaugeDefinition,
  type HistogramDefinition,
  type LabelValues,
  type MetricDefinition,
} from './metric-definition.js';
export {
  readFleetTelemetry,
  type StoredHistogramSample,
  type StoredMetric,
  type StoredSample,
} from './read-fleet-telemetry.js';
