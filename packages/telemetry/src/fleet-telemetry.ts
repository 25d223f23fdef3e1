import { type Logger, toErrorMessage } from '@gse/logging';
import type { Redis } from 'ioredis';

import type {
  CounterDefinition,
  GaugeDefinition,
  HistogramDefinition,
  LabelValues,
  MetricDefinition,
} from './metric-definition.js';
import { encodeLabelValues, histogramField } from './telemetry-encoding.js';

export interface FleetTelemetryOptions {
  readonly redis: Redis;
  /** The Redis key of a metric's hash: the store's key builder (`telemetryMetric`). */
  readonly keyOf: (metricName: string) => string;
  readonly logger: Logger;
  /** How often buffered writes go to Redis in one pipeline (1 s). */
  readonly flushIntervalMs?: number;
}

/**
 * Writes fleet telemetry to Redis. Writes are buffered and sent in one pipeline per
 * `flushIntervalMs`, so per-request telemetry costs no round trip; while Redis is away the
 * buffer keeps accumulating and is sent once it answers, so counts survive a Redis blip.
 */
export interface FleetTelemetry {
  increment<L extends string>(
    metric: CounterDefinition<L>,
    labels: LabelValues<L>,
    by?: number,
  ): void;
  observe<L extends string>(
    metric: HistogramDefinition<L>,
    labels: LabelValues<L>,
    value: number,
  ): void;
  set<L extends string>(metric: GaugeDefinition<L>, labels: LabelValues<L>, value: number): void;
  /**
   * Removes series of a gauge whose labels name something gone (a repo retention GC removed),
   * so its hash does not keep a field per repo that ever existed.
   */
  remove<L extends string>(metric: GaugeDefinition<L>, labels: readonly LabelValues<L>[]): void;
  /** Replaces every series of a gauge (for label sets that come and go, e.g. the leader). */
  replace<L extends string>(
    metric: GaugeDefinition<L>,
    samples: readonly { readonly labels: LabelValues<L>; readonly value: number }[],
  ): void;
  /**
   * Replaces the series of a gauge whose labels equal `match` (a slice of the family, e.g.
   * one Copilot scope) with `samples`, leaving every other series of the family alone.
   * Atomic in Redis: a render sees the old slice or the new one.
   */
  replaceWhere<L extends string>(
    metric: GaugeDefinition<L>,
    match: Partial<LabelValues<L>>,
    samples: readonly { readonly labels: LabelValues<L>; readonly value: number }[],
  ): void;
  /** Sends what is buffered now; rejects if Redis does not take it (the buffer is kept). */
  flush(): Promise<void>;
  /** Stops the timer and sends the rest (best effort). Idempotent. */
  close(): Promise<void>;
}

interface Buffer {
  /** key → field → increment */
  readonly increments: Map<string, Map<string, number>>;
  /** key → field → value */
  readonly gauges: Map<string, Map<string, number>>;
  /** key → complete replacement */
  readonly replacements: Map<string, Map<string, number>>;
  /** key → fields to delete (never also in `gauges`: the later call wins) */
  readonly removals: Map<string, Set<string>>;
  /** key → encoded match → replacement of the matching series */
  readonly slices: Map<string, Map<string, Map<string, number>>>;
}

const emptyBuffer = (): Buffer => ({
  increments: new Map(),
  gauges: new Map(),
  replacements: new Map(),
  removals: new Map(),
  slices: new Map(),
});

/**
 * Deletes the fields (JSON arrays of label values) whose values at the given positions equal
 * the match, then sets the new fields. ARGV[1]: `[[index, value], …]` (0-based);
 * ARGV[2]: `{field: value}`.
 */
const REPLACE_SLICE_SCRIPT = `
local match = cjson.decode(ARGV[1])
for _, field in ipairs(redis.call('HKEYS', KEYS[1])) do
  local ok, values = pcall(cjson.decode, field)
  if ok and type(values) == 'table' then
    local hit = true
    for _, pair in ipairs(match) do
      if values[pair[1] + 1] ~= pair[2] then hit = false break end
    end
    if hit then redis.call('HDEL', KEYS[1], field) end
  end
end
for field, value in pairs(cjson.decode(ARGV[2])) do
  redis.call('HSET', KEYS[1], field, value)
end
return 0`;

function fieldsOf(map: Map<string, Map<string, number>>, key: string): Map<string, number> {
  let fields = map.get(key);
  if (!fields) {
    fields = new Map();
    map.set(key, fields);
  }
  return fields;
}

function fieldSetOf(map: Map<string, Set<string>>, key: string): Set<string> {
  let fields = map.get(key);
  if (!fields) {
    fields = new Set();
    map.set(key, fields);
  }
  return fields;
}

export function createFleetTelemetry(options: FleetTelemetryOptions): FleetTelemetry {
  let buffer = emptyBuffer();
  let inFlight: Promise<void> = Promise.resolve();
  let closed = false;
  const timer = setInterval(() => {
    void flush().catch((error: unknown) => {
      options.logger.warn('telemetry flush failed; keeping the writes for the next one', {
        error: toErrorMessage(error),
      });
    });
  }, options.flushIntervalMs ?? 1000);
  timer.unref();

  const add = (metric: MetricDefinition, field: string, by: number): void => {
    const fields = fieldsOf(buffer.increments, options.keyOf(metric.name));
    fields.set(field, (fields.get(field) ?? 0) + by);
  };

  function labelValuesOf<L extends string>(
    metric: MetricDefinition<L>,
    labels: LabelValues<L>,
  ): string {
    return encodeLabelValues(metric.labels.map((label) => labels[label]));
  }

  async function send(batch: Buffer): Promise<void> {
    const pipeline = options.redis.multi();
    for (const [key, fields] of batch.replacements) {
      pipeline.del(key);
      if (fields.size > 0) pipeline.hset(key, Object.fromEntries(fields));
    }
    for (const [key, slices] of batch.slices) {
      for (const [match, fields] of slices) {
        pipeline.eval(
          REPLACE_SLICE_SCRIPT,
          1,
          key,
          match,
          JSON.stringify(Object.fromEntries(fields)),
        );
      }
    }
    for (const [key, fields] of batch.gauges) pipeline.hset(key, Object.fromEntries(fields));
    for (const [key, fields] of batch.removals) pipeline.hdel(key, ...fields);
    for (const [key, fields] of batch.increments) {
      for (const [field, by] of fields) pipeline.hincrbyfloat(key, field, by);
    }
    if (pipeline.length === 0) return;
    const results = await pipeline.exec();
    const failed = results?.find(([error]) => error !== null);
    if (failed?.[0]) throw failed[0];
  }

  function flush(): Promise<void> {
    inFlight = inFlight.then(async () => {
      const batch = buffer;
      buffer = emptyBuffer();
      try {
        await send(batch);
      } catch (error) {
        mergeBack(batch);
        throw error;
      }
    });
    return inFlight;
  }

  // A failed batch returns under the newer writes: increments add up, newer gauges win.
  function mergeBack(batch: Buffer): void {
    for (const [key, fields] of batch.increments) {
      const current = fieldsOf(buffer.increments, key);
      for (const [field, by] of fields) current.set(field, (current.get(field) ?? 0) + by);
    }
    for (const [target, source] of [
      [buffer.gauges, batch.gauges],
      [buffer.replacements, batch.replacements],
    ] as const) {
      for (const [key, fields] of source) if (!target.has(key)) target.set(key, fields);
    }
    for (const [key, fields] of batch.removals) {
      const newer = buffer.gauges.get(key);
      for (const field of fields) {
        if (!newer?.has(field)) fieldSetOf(buffer.removals, key).add(field);
      }
    }
    for (const [key, slices] of batch.slices) {
      const current = buffer.slices.get(key) ?? new Map<string, Map<string, number>>();
      for (const [match, fields] of slices) if (!current.has(match)) current.set(match, fields);
      buffer.slices.set(key, current);
    }
  }

  return {
    increment: (metric, labels, by = 1) => {
      add(metric, labelValuesOf(metric, labels), by);
    },
    observe: (metric, labels, value) => {
      const labelValues = labelValuesOf(metric, labels);
      for (const bound of metric.buckets) {
        if (value <= bound) add(metric, histogramField(labelValues, `le=${bound}`), 1);
      }
      add(metric, histogramField(labelValues, 'le=+Inf'), 1);
      add(metric, histogramField(labelValues, 'sum'), value);
      add(metric, histogramField(labelValues, 'count'), 1);
    },
    set: (metric, labels, value) => {
      const key = options.keyOf(metric.name);
      const field = labelValuesOf(metric, labels);
      buffer.removals.get(key)?.delete(field);
      fieldsOf(buffer.gauges, key).set(field, value);
    },
    remove: (metric, labelSets) => {
      const key = options.keyOf(metric.name);
      for (const labels of labelSets) {
        const field = labelValuesOf(metric, labels);
        buffer.gauges.get(key)?.delete(field);
        fieldSetOf(buffer.removals, key).add(field);
      }
    },
    replace: (metric, samples) => {
      const key = options.keyOf(metric.name);
      buffer.gauges.delete(key);
      buffer.replacements.set(
        key,
        new Map(samples.map((sample) => [labelValuesOf(metric, sample.labels), sample.value])),
      );
    },
    replaceWhere: (metric, match, samples) => {
      const key = options.keyOf(metric.name);
      const positions = metric.labels.flatMap((label, index) => {
        const value = match[label];
        return value === undefined ? [] : [[index, value] as const];
      });
      let slices = buffer.slices.get(key);
      if (!slices) {
        slices = new Map();
        buffer.slices.set(key, slices);
      }
      slices.set(
        JSON.stringify(positions),
        new Map(samples.map((sample) => [labelValuesOf(metric, sample.labels), sample.value])),
      );
    },
    flush,
    close: async () => {
      if (closed) return;
      closed = true;
      clearInterval(timer);
      await flush().catch((error: unknown) => {
        options.logger.warn('telemetry lost on close: Redis did not take the last writes', {
          error: toErrorMessage(error),
        });
      });
    },
  };
}
