import { DURATION_SYNTAX, tryParseDurationMs } from './duration.js';
import { HOST_PORT_SYNTAX, tryParseHostPort } from './host-port.js';

/**
 * A convict `format`: throws an `Error` whose message says what is wrong (never the value
 * itself, so a secret cannot leak through it). Carries a short `summary` for the docs' key
 * tables and an `allowed` sentence for problem reports.
 */
export interface ValueFormat {
  (value: unknown): void;
  readonly summary: string;
  readonly allowed: string;
}

/** `check` returns why `value` is not allowed, or `undefined` when it is. */
function defineFormat(
  summary: string,
  allowed: string,
  check: (value: unknown) => string | undefined,
): ValueFormat {
  const format = (value: unknown): void => {
    const reason = check(value);
    if (reason !== undefined) throw new Error(reason);
  };
  return Object.assign(format, { summary, allowed });
}

/** True for a YAML mapping (a plain object), false for lists, scalars and null. */
export function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A duration; `positive` also rejects zero. */
export function durationFormat(options: { readonly positive: boolean }): ValueFormat {
  const bound = options.positive ? '> 0' : '>= 0';
  return defineFormat(`duration ${bound}`, `a duration ${bound}: ${DURATION_SYNTAX}`, (value) => {
    const parsed = tryParseDurationMs(value);
    if (!parsed.ok) return parsed.reason;
    return options.positive && parsed.ms === 0 ? 'must be greater than zero' : undefined;
  });
}

/** A safe integer in `[min, max]`. */
export function integerFormat(options: {
  readonly min: number;
  readonly max?: number;
}): ValueFormat {
  const { min, max } = options;
  const range = max === undefined ? `>= ${min}` : `${min}-${max}`;
  return defineFormat(`integer ${range}`, `an integer ${range}`, (value) => {
    if (typeof value !== 'number' || !Number.isSafeInteger(value)) return 'must be an integer';
    if (value < min) return `must be at least ${min}`;
    return max !== undefined && value > max ? `must be at most ${max}` : undefined;
  });
}

/** A finite number in `[min, max]`. */
export function numberFormat(options: { readonly min: number; readonly max: number }): ValueFormat {
  const { min, max } = options;
  return defineFormat(`number ${min}-${max}`, `a number from ${min} to ${max}`, (value) => {
    if (typeof value !== 'number' || !Number.isFinite(value)) return 'must be a number';
    return value < min || value > max ? `must be between ${min} and ${max}` : undefined;
  });
}

/** `true` or `false`; strings such as "yes" are not guessed at. */
export const booleanFormat: ValueFormat = defineFormat('boolean', 'true or false', (value) =>
  typeof value === 'boolean' ? undefined : 'must be true or false',
);

/** Any string, possibly empty. */
export const stringFormat: ValueFormat = defineFormat('string', 'a string', (value) =>
  typeof value === 'string' ? undefined : 'must be a string',
);

/** A string with at least one character. */
export const nonEmptyStringFormat: ValueFormat = defineFormat(
  'non-empty string',
  'a non-empty string',
  (value) => {
    if (typeof value !== 'string') return 'must be a string';
    return value.length === 0 ? 'must not be empty' : undefined;
  },
);

/** A Redis key prefix: letters, digits and `_ . : -`, starting with a letter or digit. */
export const keyPrefixFormat: ValueFormat = defineFormat(
  'key prefix',
  'letters, digits and _ . : - (starting with a letter or digit), e.g. gse',
  (value) => {
    if (typeof value !== 'string') return 'must be a string';
    return /^[A-Za-z0-9][A-Za-z0-9_.:-]*$/.test(value)
      ? undefined
      : 'must be letters, digits and _ . : - starting with a letter or digit';
  },
);

/** Exactly one of `values`. */
export function enumFormat(values: readonly string[]): ValueFormat {
  const list = values.join(', ');
  return defineFormat(`one of: ${list}`, `one of: ${list}`, (value) =>
    typeof value === 'string' && values.includes(value) ? undefined : `must be one of: ${list}`,
  );
}

/** A list of distinct items of `values`, possibly empty. */
export function enumListFormat(values: readonly string[]): ValueFormat {
  const list = values.join(', ');
  return defineFormat(`list of: ${list}`, `a list of distinct items of: ${list}`, (value) => {
    if (!Array.isArray(value)) return 'must be a list';
    const bad = value.findIndex(
      (item, index) =>
        typeof item !== 'string' || !values.includes(item) || value.indexOf(item) !== index,
    );
    return bad >= 0 ? `item ${bad} must be one of: ${list}, named once` : undefined;
  });
}

function urlFormat(summary: string, protocols: readonly string[], allowed: string): ValueFormat {
  return defineFormat(summary, allowed, (value) => toUrlProblem(value, protocols, allowed));
}

function toUrlProblem(
  value: unknown,
  protocols: readonly string[],
  allowed: string,
): string | undefined {
  if (typeof value !== 'string') return 'must be a string';
  if (!URL.canParse(value)) return 'must be an absolute URL';
  return protocols.includes(new URL(value).protocol) ? undefined : `must be ${allowed}`;
}

/** An absolute `http://` or `https://` URL. */
export const httpUrlFormat: ValueFormat = urlFormat(
  'http(s) URL',
  ['http:', 'https:'],
  'an http:// or https:// URL',
);

/** An absolute `http://` or `https://` URL, or empty for none. */
export const optionalHttpUrlFormat: ValueFormat = defineFormat(
  'http(s) URL or empty',
  'an http:// or https:// URL, or empty',
  (value) =>
    value === ''
      ? undefined
      : toUrlProblem(value, ['http:', 'https:'], 'an http:// or https:// URL'),
);

/** An absolute `amqp://` or `amqps://` URL (credentials may be inside). */
export const amqpUrlFormat: ValueFormat = urlFormat(
  'amqp(s) URL',
  ['amqp:', 'amqps:'],
  'an amqp:// or amqps:// URL, e.g. amqp://user:password@rabbitmq:5672/vhost',
);

/** `host:port` (see `parseHostPort`). */
export const hostPortFormat: ValueFormat = defineFormat('host:port', HOST_PORT_SYNTAX, (value) =>
  tryParseHostPort(value) === undefined ? `must be ${HOST_PORT_SYNTAX}` : undefined,
);

/** `host:port`, or empty for "off" (a listener that is not opened). */
export const optionalHostPortFormat: ValueFormat = defineFormat(
  'host:port or empty',
  `empty (off) or ${HOST_PORT_SYNTAX}`,
  (value) =>
    value === '' || tryParseHostPort(value) !== undefined
      ? undefined
      : `must be empty (off) or ${HOST_PORT_SYNTAX}`,
);

/** A list of `host:port` strings, possibly empty. */
export const hostPortListFormat: ValueFormat = defineFormat(
  'list of host:port',
  `a list of ${HOST_PORT_SYNTAX}`,
  (value) => {
    if (!Array.isArray(value)) return 'must be a list';
    const bad = value.findIndex((item) => tryParseHostPort(item) === undefined);
    return bad >= 0 ? `item ${bad} must be ${HOST_PORT_SYNTAX}` : undefined;
  },
);

/** A non-empty list of non-empty strings. */
export const nonEmptyStringListFormat: ValueFormat = defineFormat(
  'non-empty list of strings',
  'a non-empty list of non-empty strings',
  (value) => {
    if (!Array.isArray(value)) return 'must be a list';
    if (value.length === 0) return 'must not be empty';
    const bad = value.findIndex((item) => typeof item !== 'string' || item.length === 0);
    return bad >= 0 ? `item ${bad} must be a non-empty string` : undefined;
  },
);

/** A non-empty list of durations > 0, each longer than the one before. */
export const increasingDurationListFormat: ValueFormat = defineFormat(
  'non-empty list of increasing durations > 0',
  `a non-empty list of strictly increasing durations > 0, each ${DURATION_SYNTAX}`,
  (value) => {
    if (!Array.isArray(value)) return 'must be a list';
    if (value.length === 0) return 'must not be empty';
    let previousMs = 0;
    for (const [index, item] of value.entries()) {
      const parsed = tryParseDurationMs(item);
      if (!parsed.ok) return `item ${index} ${parsed.reason}`;
      if (parsed.ms <= previousMs) {
        return index === 0
          ? 'item 0 must be greater than zero'
          : `item ${index} must be longer than item ${index - 1}`;
      }
      previousMs = parsed.ms;
    }
    return undefined;
  },
);

/** A non-empty list of mappings; what each mapping holds is checked by the org rules. */
export const orgListFormat: ValueFormat = defineFormat(
  'list of orgs (at least one)',
  'a list of at least one org mapping (see github.orgs[] below)',
  (value) => {
    if (!Array.isArray(value)) return 'must be a list of org mappings';
    if (value.length === 0) return 'must list at least one org';
    const bad = value.findIndex((item) => !isMapping(item));
    return bad >= 0 ? `item ${bad} must be a mapping with org, app_id, ...` : undefined;
  },
);
