/** What a secret is shown as in problems and docs. */
export const REDACTED = '[REDACTED]';

// scheme://user:password@ or scheme://token@ — the userinfo part of a URL.
const URL_USERINFO = /([a-z][a-z0-9+.-]*:\/\/)([^/@\s]*)@/gi;
const MAX_RENDERED_LENGTH = 200;

/**
 * Masks credentials inside every URL in `text`: `amqp://gse:hunter2@rabbit/` becomes
 * `amqp://gse:[REDACTED]@rabbit/`, and a lone token (`https://ghp_x@host`) is masked whole.
 */
export function redactUrlCredentials(text: string): string {
  return text.replace(URL_USERINFO, (_match, scheme: string, userinfo: string) => {
    const colon = userinfo.indexOf(':');
    return colon < 0
      ? `${scheme}${REDACTED}@`
      : `${scheme}${userinfo.slice(0, colon)}:${REDACTED}@`;
  });
}

/**
 * Renders a config value for a problem report: `[REDACTED]` for a secret (set or not, so
 * not even its presence leaks), JSON otherwise with credentials in URLs masked, and
 * `(not set)` for a missing value. Long values are cut at 200 characters.
 */
export function renderValue(value: unknown, options: { readonly sensitive: boolean }): string {
  if (options.sensitive) return REDACTED;
  if (value === undefined) return '(not set)';
  const json = JSON.stringify(value, (_key, item: unknown) =>
    typeof item === 'string' ? redactUrlCredentials(item) : item,
  );
  return json.length > MAX_RENDERED_LENGTH ? `${json.slice(0, MAX_RENDERED_LENGTH)}…` : json;
}
