/** Key names whose values are secrets wherever they appear in a log line. */
const SECRET_KEY_PATTERN =
  /(pass(word)?|secret|token|authorization|private_?key|api_?key|credential|cookie)/i;

/** What a redacted value is replaced with. */
export const REDACTED = '[REDACTED]';

/**
 * Returns `value` with every property whose key names a secret replaced by `[REDACTED]`,
 * at any depth, and credentials inside URLs (`amqp://user:pass@host`) masked. Objects are
 * mutated in place (winston passes its own info object) and returned.
 */
export function redactSecrets<T>(value: T): T {
  return redactValue(value, new WeakSet()) as T;
}

function redactValue(value: unknown, seen: WeakSet<object>): unknown {
  if (typeof value === 'string') return redactUrlCredentials(value);
  if (value === null || typeof value !== 'object' || seen.has(value)) return value;
  seen.add(value);
  if (Array.isArray(value)) {
    value.forEach((item, index) => {
      value[index] = redactValue(item, seen);
    });
    return value;
  }
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    record[key] = SECRET_KEY_PATTERN.test(key) ? REDACTED : redactValue(record[key], seen);
  }
  return record;
}

const URL_CREDENTIALS = /([a-z][a-z0-9+.-]*:\/\/)([^/@\s:]*):([^/@\s]*)@/gi;

function redactUrlCredentials(text: string): string {
  return text.replace(URL_CREDENTIALS, `$1$2:${REDACTED}@`);
}
