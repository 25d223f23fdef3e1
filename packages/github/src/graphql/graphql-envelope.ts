import { z } from 'zod';

/** What a GraphQL answer (`200 { data, errors? }`) says, before its `data` is decoded. */
export type GraphqlEnvelope =
  | { readonly kind: 'data'; readonly data: unknown }
  /**
   * An `errors` entry of type `RATE_LIMITED`: GitHub answers a spent GraphQL budget with a
   * `200` and this error instead of a `403` (docs/github-limitations.md#graphql-limits-cost-and-errors);
   * also one that names a secondary rate limit, which GitHub may answer with a `200` too.
   */
  | { readonly kind: 'rate-limited'; readonly message: string }
  /**
   * The installation may not read what the query asks (`FORBIDDEN`, `INSUFFICIENT_SCOPES`,
   * `UNAUTHORIZED`, `NOT_FOUND`): the same query gets the same answer.
   */
  | { readonly kind: 'refused'; readonly messages: readonly string[] }
  /**
   * Refused before it ran: the server's schema or query limits do not take this query (a
   * GitHub Enterprise Server whose schema lacks a field, the simulator's
   * `SIMULATOR_UNIMPLEMENTED`). Sending it again cannot help; reading another way can.
   */
  | { readonly kind: 'unsupported'; readonly messages: readonly string[] }
  /** Any other `errors` (timeouts, `INTERNAL`, `SERVICE_UNAVAILABLE`, …): may pass on a retry. */
  | { readonly kind: 'failed'; readonly messages: readonly string[] };

/** GitHub's wording of a secondary limit, as `classifyGitHubError` reads it on a 403/429. */
const SECONDARY_LIMIT_WORDING = /secondary rate limit|abuse detection/i;

/** Error types of a query the installation may not run (docs/github-limitations.md). */
const REFUSED_TYPES: ReadonlySet<string> = new Set([
  'FORBIDDEN',
  'INSUFFICIENT_SCOPES',
  'UNAUTHORIZED',
  'NOT_FOUND',
]);

/** Error types of a query refused before it ran for what it asks, not for who asks. */
const UNSUPPORTED_TYPES: ReadonlySet<string> = new Set([
  'SIMULATOR_UNIMPLEMENTED',
  'MAX_NODE_LIMIT_EXCEEDED',
  'EXCESSIVE_PAGINATION',
  'MISSING_PAGINATION_BOUNDARIES',
]);

const errorSchema = z.object({
  type: z.string().optional(),
  message: z.string(),
  path: z.array(z.union([z.string(), z.number()])).optional(),
  locations: z.array(z.unknown()).optional(),
  extensions: z.record(z.string(), z.unknown()).optional(),
});
type GraphqlError = z.infer<typeof errorSchema>;

const envelopeSchema = z.object({
  data: z.unknown().optional(),
  errors: z.array(errorSchema).optional(),
});

/**
 * Reads a GraphQL response body. Any error fails the whole answer: `data` beside errors
 * holds `null` where a field failed, and a `null` taken for "nothing there" (no default
 * branch, no repo) would hide a change. Errors are told apart by GitHub's `type`, and a
 * validation error (which has none) by graphql-ruby's `extensions.code` or, as the GraphQL
 * spec has it, by `locations` without a `path`.
 *
 * @throws TypeError when the body is not a GraphQL response.
 */
export function toGraphqlEnvelope(body: unknown): GraphqlEnvelope {
  const parsed = envelopeSchema.safeParse(body);
  if (!parsed.success) throw new TypeError('expected a GraphQL response { data, errors? }');
  const { data, errors } = parsed.data;
  if (errors !== undefined && errors.length > 0) {
    const rateLimited = errors.find(
      (error) => error.type === 'RATE_LIMITED' || SECONDARY_LIMIT_WORDING.test(error.message),
    );
    if (rateLimited) return { kind: 'rate-limited', message: rateLimited.message };
    const messages = errors.map((error) =>
      error.path === undefined ? error.message : `${error.path.join('.')}: ${error.message}`,
    );
    if (errors.some((error) => error.type !== undefined && REFUSED_TYPES.has(error.type))) {
      return { kind: 'refused', messages };
    }
    if (errors.some(isUnsupported)) return { kind: 'unsupported', messages };
    return { kind: 'failed', messages };
  }
  if (data === undefined || data === null) {
    throw new TypeError('a GraphQL response with neither data nor errors');
  }
  return { kind: 'data', data };
}

function isUnsupported(error: GraphqlError): boolean {
  if (error.type !== undefined) return UNSUPPORTED_TYPES.has(error.type);
  // graphql-ruby names its static validation failures (`undefinedField`,
  // `argumentNotAccepted`, …); an execution error (a timeout) has a `path` or no `locations`.
  return (
    typeof error.extensions?.['code'] === 'string' ||
    (error.locations !== undefined && error.path === undefined)
  );
}

/** `RepoChanges` of `query RepoChanges(…) {…}`; `anonymous` for a query without a name. */
export function toOperationName(query: string): string {
  return /^\s*(?:query|mutation)\s+([_A-Za-z][_0-9A-Za-z]*)/.exec(query)?.[1] ?? 'anonymous';
}

/**
 * GitHub's GraphQL endpoint for a REST base URL: `https://api.github.com/graphql`, and on
 * GitHub Enterprise Server `https://ghe.example.com/api/graphql` for
 * `https://ghe.example.com/api/v3` (as `@octokit/graphql` maps it).
 */
export function toGraphqlUrl(restBaseUrl: string): string {
  return `${restBaseUrl.replace(/\/+$/, '').replace(/\/api\/v3$/, '/api')}/graphql`;
}
