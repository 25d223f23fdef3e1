/**
 * A series' label values as a Redis hash field: a JSON array, in the metric's label order.
 * JSON escapes every control character, so `\n` can separate a histogram's parts.
 */
export function encodeLabelValues(values: readonly string[]): string {
  return JSON.stringify(values);
}

export function decodeLabelValues(field: string): string[] {
  const values: unknown = JSON.parse(field);
  if (!Array.isArray(values) || values.some((value) => typeof value !== 'string')) {
    throw new TypeError(`not a label-values field: ${field}`);
  }
  return values as string[];
}

const PART_SEPARATOR = '\n';

/** A histogram part (`le=0.5`, `le=+Inf`, `sum`, `count`) of one series. */
export function histogramField(labelValues: string, part: string): string {
  return `${labelValues}${PART_SEPARATOR}${part}`;
}

export function splitHistogramField(field: string): { labelValues: string; part: string } {
  const separator = field.lastIndexOf(PART_SEPARATOR);
  return { labelValues: field.slice(0, separator), part: field.slice(separator + 1) };
}
