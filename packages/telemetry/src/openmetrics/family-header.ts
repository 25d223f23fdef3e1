import { escapeHelp } from './escape-text.js';
import type { ExpositionFormat } from './exposition-format.js';

/** What a metric family's header says about it. */
export interface FamilyMetadata {
  /** The sample name; a counter's ends in `_total`. */
  readonly name: string;
  readonly type: 'counter' | 'gauge' | 'histogram';
  readonly help: string;
  /** OpenMetrics UNIT; written only where the family name ends in `_<unit>` (see below). */
  readonly unit?: string;
}

const TOTAL_SUFFIX = '_total';

/**
 * The family name OpenMetrics uses in TYPE/UNIT/HELP: a counter's without `_total` (its
 * samples keep it). The Prometheus text format names the family like its samples.
 */
export function toFamilyName(format: ExpositionFormat, family: FamilyMetadata): string {
  return format === 'openmetrics' && family.type === 'counter' && family.name.endsWith(TOTAL_SUFFIX)
    ? family.name.slice(0, -TOTAL_SUFFIX.length)
    : family.name;
}

/**
 * The comment lines that open a family, once per family: `# HELP` then `# TYPE` in the
 * Prometheus text format; `# TYPE`, `# UNIT`, `# HELP` in OpenMetrics. OpenMetrics requires a
 * family with a UNIT to be named with that unit as suffix, and Prometheus refuses the scrape
 * otherwise, so a unit whose name does not end in it (`gh_activity_loc_added_weekly` counts
 * lines) stays out of the exposition.
 */
export function renderFamilyHeader(format: ExpositionFormat, family: FamilyMetadata): string {
  const name = toFamilyName(format, family);
  if (format === 'prometheus') {
    return `# HELP ${name} ${escapeHelp(format, family.help)}\n# TYPE ${name} ${family.type}\n`;
  }
  const unit =
    family.unit !== undefined && name.endsWith(`_${family.unit}`)
      ? `# UNIT ${name} ${family.unit}\n`
      : '';
  return `# TYPE ${name} ${family.type}\n${unit}# HELP ${name} ${escapeHelp(format, family.help)}\n`;
}
