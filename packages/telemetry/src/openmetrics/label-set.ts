import { escapeLabelValue } from './escape-text.js';

/**
 * `{a="x",b="y"}` for the given names and values (same length, in order), or an empty
 * string for no labels. Values are escaped; names are the catalog's, valid by construction.
 * A label with an empty value is left out: Prometheus reads `a=""` as no label `a`, so a
 * family whose labels are optional (Copilot's `day`, `user`) reads as it is meant.
 */
export function renderLabelSet(names: readonly string[], values: readonly string[]): string {
  let text = '';
  names.forEach((name, index) => {
    const value = values[index] ?? '';
    if (value === '') return;
    text += `${text === '' ? '{' : ','}${name}="${escapeLabelValue(value)}"`;
  });
  return text === '' ? '' : `${text}}`;
}

/** Orders label-value tuples element by element (code-unit order), for a stable exposition. */
export function compareLabelValues(a: readonly string[], b: readonly string[]): number {
  const length = Math.min(a.length, b.length);
  for (let index = 0; index < length; index++) {
    const left = a[index] ?? '';
    const right = b[index] ?? '';
    if (left !== right) return left < right ? -1 : 1;
  }
  return a.length - b.length;
}
