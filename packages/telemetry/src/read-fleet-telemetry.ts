import type { Redis } from 'ioredis';

import type { MetricDefinition } from './metric-definition.js';
import { decodeLabelValues, splitHistogramField } from './telemetry-encoding.js';

/** One series of a fleet metric as stored: label values in the metric's label order. */
export interface StoredSample {
  readonly labelValues: readonly string[];
  readonly value: number;
}

/** A histogram series as stored: cumulative counts per upper bound (`+Inf` included). */
export interface StoredHistogramSample {
  readonly labelValues: readonly string[];
  readonly buckets: ReadonlyMap<string, number>;
  readonly sum: number;
  readonly count: number;
}

export type StoredMetric =
  | {
      readonly definition: MetricDefinition;
      readonly kind: 'samples';
      readonly samples: StoredSample[];
    }
  | {
      readonly definition: MetricDefinition;
      readonly kind: 'histogram';
      readonly samples: StoredHistogramSample[];
    };

/** Reads every listed metric's hash in one pipeline: what the gateway renders. */
export async function readFleetTelemetry(
  redis: Redis,
  keyOf: (metricName: string) => string,
  definitions: readonly MetricDefinition[],
): Promise<StoredMetric[]> {
  const pipeline = redis.pipeline();
  for (const definition of definitions) pipeline.hgetall(keyOf(definition.name));
  const results = (await pipeline.exec()) ?? [];
  return definitions.map((definition, index) => {
    const [error, stored] = results[index] ?? [new Error('no reply'), {}];
    if (error) throw error;
    const fields = stored as Record<string, string>;
    return definition.type === 'histogram'
      ? { definition, kind: 'histogram', samples: toHistogramSamples(fields) }
      : {
          definition,
          kind: 'samples',
          samples: Object.entries(fields).map(([field, value]) => ({
            labelValues: decodeLabelValues(field),
            value: Number(value),
          })),
        };
  });
}

function toHistogramSamples(fields: Record<string, string>): StoredHistogramSample[] {
  const series = new Map<string, { buckets: Map<string, number>; sum: number; count: number }>();
  for (const [field, value] of Object.entries(fields)) {
    const { labelValues, part } = splitHistogramField(field);
    let sample = series.get(labelValues);
    if (!sample) {
      sample = { buckets: new Map(), sum: 0, count: 0 };
      series.set(labelValues, sample);
    }
    if (part === 'sum') sample.sum = Number(value);
    else if (part === 'count') sample.count = Number(value);
    else sample.buckets.set(part.slice('le='.length), Number(value));
  }
  return [...series].map(([labelValues, sample]) => ({
    labelValues: decodeLabelValues(labelValues),
    ...sample,
  }));
}
