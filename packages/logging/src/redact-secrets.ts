/** Key names whose values are secrets wherever they appear in a log line. */
const SECRET_KEY_PATTERN =
  /(pass(word)?|secret|token|authorization|private_?key|api_?key|credential|cookie)/i;

/** What a redacted value is replaced with. */
export const REDACTED = '[REDACTED]';

/** Stands in for a reference back to an enclosing object. */
const CIRCULAR = '[Circular]';

/**
 * Returns `value` with every property whose key names a secret replaced by `[REDACTED]`,
 * at any depth, and credentials inside URLs (`amqp://user:pass@host`) masked.
 *
 * The top-level object's own properties are replaced in place: winston hands a format its
 * own fresh info object, whose symbol keys must survive. Everything below it is copied,
 * because those are the caller's objects (a request's headers, a job payload) and must
 * still hold their real values after being logged.
 */
export function redactSecrets<T>(value: T): T {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return redactValue(value, new Set()) as T;
  }
  const record = value as Record<string, unknown>;
  const ancestors = new Set<object>([record]);
  for (const key of Object.keys(record)) {
    record[key] = redactEntry(key, record[key], ancestors);
  }
  return value;
}

function redactEntry(key: string, value: unknown, ancestors: Set<object>): unknown {
  return SECRET_KEY_PATTERN.test(key) ? REDACTED : redactValue(value, ancestors);
}

function redactValue(value: unknown, ancestors: Set<object>): unknown {
  if (typeof value === 'string') return redactUrlCredentials(value);
  if (value === null || typeof value !== 'object') return value;
  // Only a cycle is cut: the same object reached twice along different paths is logged twice.
  if (ancestors.has(value)) return CIRCULAR;
  // What JSON would print for a Date, URL or Buffer; a URL's may carry credentials.
  if (hasToJson(value)) return redactValue(value.toJSON(), ancestors);
  ancestors.add(value);
  try {
    if (Array.isArray(value)) return value.map((item: unknown) => redactValue(item, ancestors));
    const copy: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      copy[key] = redactEntry(key, item, ancestors);
    }
    return copy;
  } finally {
    ancestors.delete(value);
  }
}

function hasToJson(value: object): value is { toJSON(): unknown } {
  return typeof (value as { toJSON?: unknown }).toJSON === 'function';
}

const URL_CREDENTIALS = /([a-z][a-z0-9+.-]*:\/\/)([^/@\s:]*):([^/@\s]*)@/gi;

function redactUrlCredentials(text: string): string {
  return text.replace(URL_CREDENTIALS, `$1$2:${REDACTED}@`);
}
