export {
  createFleetTelemetry,
  type FleetTelemetry,
  type FleetTelemetryOptions,
} from './fleet-telemetry.js';
export {
  COPILOT_ACTIVE_USER_FIELDS,
  COPILOT_ACTIVE_USER_METRICS,
  COPILOT_ACTIVE_USER_NAMES,
  COPILOT_AGGREGATE_LABELS,
  COPILOT_BASE_LABELS,
  COPILOT_BREAKDOWN_NAMES,
  COPILOT_BREAKDOWNS,
  COPILOT_METRIC_DIFFERENCES,
  COPILOT_METRIC_FAMILIES,
  COPILOT_PULL_REQUEST_FIELDS,
  COPILOT_PULL_REQUEST_METRICS,
  COPILOT_USAGE_FIELDS,
  COPILOT_USAGE_METRICS,
  type CopilotActiveUserField,
  type CopilotBreakdown,
  type CopilotPullRequestField,
  type CopilotUsageFamily,
  type CopilotUsageField,
} from './copilot-metrics.js';
export { FLEET_METRICS } from './fleet-metrics.js';
export { GATEWAY_METRICS, METRIC_CATALOG, type MetricCatalog } from './metric-catalog.js';
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
export { escapeHelp, escapeLabelValue } from './openmetrics/escape-text.js';
export { OPENMETRICS_EOF, type ExpositionFormat } from './openmetrics/exposition-format.js';
export {
  renderFamilyHeader,
  toFamilyName,
  type FamilyMetadata,
} from './openmetrics/family-header.js';
export { compareLabelValues, renderLabelSet } from './openmetrics/label-set.js';
export {
  DEFAULT_CHUNK_CHARS,
  renderActivityFamilies,
  type ActivityFamily,
  type ActivitySeriesBlock,
} from './openmetrics/render-activity-families.js';
export { renderExposition, type ExpositionContent } from './openmetrics/render-exposition.js';
export { renderStoredMetric } from './openmetrics/render-stored-metric.js';
export { formatSampleValue } from './openmetrics/sample-value.js';
