import type { ExpositionFormat } from './exposition-format.js';

const LABEL_VALUE_SPECIAL = /[\\"\n]/;
const LABEL_VALUE_SPECIAL_ALL = /[\\"\n]/g;

/**
 * A label value as both formats spell it between double quotes: `\` → `\\`, `"` → `\"`,
 * line feed → `\n`; every other character as is. Returns the same string when nothing needs
 * escaping (GitHub logins never do), so the common case allocates nothing.
 */
export function escapeLabelValue(value: string): string {
  if (!LABEL_VALUE_SPECIAL.test(value)) return value;
  return value.replace(LABEL_VALUE_SPECIAL_ALL, escapeCharacter);
}

const HELP_SPECIAL: Readonly<Record<ExpositionFormat, RegExp>> = {
  // The 0.0.4 parser knows only `\\` and `\n` in HELP; a `\"` there would read back as-is.
  prometheus: /[\\\n]/g,
  // OpenMetrics HELP is an escaped string like a label value.
  openmetrics: /[\\"\n]/g,
};

/** HELP text escaped for `format`. */
export function escapeHelp(format: ExpositionFormat, help: string): string {
  return help.replace(HELP_SPECIAL[format], escapeCharacter);
}

function escapeCharacter(character: string): string {
  return character === '\n' ? '\\n' : `\\${character}`;
}
