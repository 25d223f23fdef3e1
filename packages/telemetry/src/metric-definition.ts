/** A fleet metric: declared once, written by any process, rendered by the gateway. */
interface BaseDefinition<L extends string> {
  readonly name: string;
  readonly help: string;
  /** Label names, in exposition order. */
  readonly labels: readonly L[];
  /** OpenMetrics UNIT, where one applies. */
  readonly unit?: string;
}

/** A monotonic counter summed over the fleet in Redis; `name` ends in `_total`. */
export interface CounterDefinition<L extends string = string> extends BaseDefinition<L> {
  readonly type: 'counter';
}

/** The current value of some state; the last write wins. */
export interface GaugeDefinition<L extends string = string> extends BaseDefinition<L> {
  readonly type: 'gauge';
}

/** A distribution: cumulative bucket counters plus `_sum` and `_count`, summed over the fleet. */
export interface HistogramDefinition<L extends string = string> extends BaseDefinition<L> {
  readonly type: 'histogram';
  /** Upper bounds, increasing; `+Inf` is implied. */
  readonly buckets: readonly number[];
}

export type MetricDefinition<L extends string = string> =
  CounterDefinition<L> | GaugeDefinition<L> | HistogramDefinition<L>;

/** Values for every label of a metric. */
export type LabelValues<L extends string> = Readonly<Record<L, string>>;

export function defineCounter<const L extends string>(
  definition: Omit<CounterDefinition<L>, 'type'>,
): CounterDefinition<L> {
  if (!definition.name.endsWith('_total')) {
    throw new Error(`counter ${definition.name} must end in _total`);
  }
  return { ...definition, type: 'counter' };
}

export function defineGauge<const L extends string>(
  definition: Omit<GaugeDefinition<L>, 'type'>,
): GaugeDefinition<L> {
  return { ...definition, type: 'gauge' };
}

export function defineHistogram<const L extends string>(
  definition: Omit<HistogramDefinition<L>, 'type'>,
): HistogramDefinition<L> {
  return { ...definition, type: 'histogram' };
}
