/** Header values as strings under lower-case names; octokit types them loosely. */
export function toHeaders(raw: unknown): Record<string, string> {
  const headers: Record<string, string> = {};
  if (typeof raw !== 'object' || raw === null) return headers;
  for (const [name, value] of Object.entries(raw)) {
    if (typeof value === 'string' || typeof value === 'number')
      headers[name.toLowerCase()] = String(value);
  }
  return headers;
}

/**
 * Status and headers of the response inside octokit's `RequestError`; `undefined` when no
 * response arrived (octokit reports network errors as status 500 without one).
 */
export function responseOf(
  error: unknown,
): { status: number; headers: Record<string, string> } | undefined {
  if (typeof error !== 'object' || error === null || !('response' in error)) return undefined;
  const response = error.response;
  if (typeof response !== 'object' || response === null || !('status' in response))
    return undefined;
  if (typeof response.status !== 'number') return undefined;
  return {
    status: response.status,
    headers: toHeaders('headers' in response ? response.headers : undefined),
  };
}
