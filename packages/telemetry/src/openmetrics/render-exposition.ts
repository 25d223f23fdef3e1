import type { StoredMetric } from '../read-fleet-telemetry.js';
import { OPENMETRICS_EOF, type ExpositionFormat } from './exposition-format.js';
import {
  DEFAULT_CHUNK_CHARS,
  renderActivityFamilies,
  type ActivityFamily,
  type ActivitySeriesBlock,
} from './render-activity-families.js';
import { renderStoredMetric } from './render-stored-metric.js';

/** Everything one `/metrics` body shows. */
export interface ExpositionContent {
  /** The business families (`ACTIVITY_METRICS`), in exposition order. */
  readonly activityFamilies: readonly ActivityFamily[];
  /** The business series, in exposition order. */
  readonly activity: readonly ActivitySeriesBlock[];
  /** Operational families after the business ones, in this order (each name once). */
  readonly metrics: readonly StoredMetric[];
}

/**
 * A whole exposition as text chunks: the `gh_activity_*` families, then `metrics`, then
 * `# EOF` for OpenMetrics. Lazy: nothing is rendered before the consumer asks for it.
 */
export function* renderExposition(
  format: ExpositionFormat,
  content: ExpositionContent,
  chunkChars = DEFAULT_CHUNK_CHARS,
): Generator<string, void, undefined> {
  yield* renderActivityFamilies(format, content.activityFamilies, content.activity, chunkChars);
  let tail = '';
  for (const metric of content.metrics) tail += renderStoredMetric(format, metric);
  if (format === 'openmetrics') tail += OPENMETRICS_EOF;
  if (tail.length > 0) yield tail;
}
