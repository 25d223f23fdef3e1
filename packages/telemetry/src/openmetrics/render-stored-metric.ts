import type { StoredHistogramSample, StoredMetric, StoredSample } from '../read-fleet-telemetry.js';
import type { ExpositionFormat } from './exposition-format.js';
import { renderFamilyHeader } from './family-header.js';
import { compareLabelValues, renderLabelSet } from './label-set.js';
import { formatSampleValue } from './sample-value.js';

const INFINITY_BOUND = '+Inf';

/**
 * One fleet metric as read from Redis (`readFleetTelemetry`): its header, then its samples
 * ordered by label values, so every gateway replica writes the same text whatever order
 * Redis returned the hash in. Each sample's label values must match the definition's labels
 * (the gateway drops any that do not before rendering).
 */
export function renderStoredMetric(format: ExpositionFormat, metric: StoredMetric): string {
  const { definition } = metric;
  let text = renderFamilyHeader(format, definition);
  if (metric.kind === 'samples') {
    for (const sample of sortedByLabels<StoredSample>(metric.samples)) {
      text += `${definition.name}${renderLabelSet(definition.labels, sample.labelValues)} ${formatSampleValue(sample.value)}\n`;
    }
    return text;
  }
  const bounds = [
    ...(definition.type === 'histogram' ? definition.buckets.map(String) : []),
    INFINITY_BOUND,
  ];
  const bucketLabels = [...definition.labels, 'le'];
  for (const sample of sortedByLabels<StoredHistogramSample>(metric.samples)) {
    for (const bound of bounds) {
      // Writers add to every bound at or above the observation, so an absent bound has
      // seen no observation yet: 0 keeps the buckets cumulative.
      const count = sample.buckets.get(bound) ?? 0;
      text += `${definition.name}_bucket${renderLabelSet(bucketLabels, [...sample.labelValues, bound])} ${formatSampleValue(count)}\n`;
    }
    const labels = renderLabelSet(definition.labels, sample.labelValues);
    text += `${definition.name}_sum${labels} ${formatSampleValue(sample.sum)}\n`;
    text += `${definition.name}_count${labels} ${formatSampleValue(sample.count)}\n`;
  }
  return text;
}

function sortedByLabels<S extends { readonly labelValues: readonly string[] }>(
  samples: readonly S[],
): S[] {
  return [...samples].sort((a, b) => compareLabelValues(a.labelValues, b.labelValues));
}
