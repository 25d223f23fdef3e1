import { z } from 'zod';

/** What a GraphQL answer (`200 { data, errors? }`) says, before its `data` is decoded. */
export type GraphqlEnvelope =
  | { readonly kind: 'data'; readonly data: unknown }
  /**
   * An `errors` entry of type `RATE_LIMITED`: GitHub answers a spent GraphQL budget with a
   * `200` and this error instead of a `403` (docs/github-limitations.md#graphql-limits-cost-and-errors).
   */
  | { readonly kind: 'rate-limited'; readonly message: string }
  /** Any other `errors`: the query was refused or failed in part. */
  | { readonly kind: 'errors'; readonly messages: readonly string[] };

const envelopeSchema = z.object({
  data: z.unknown().optional(),
  errors: z
    .array(
      z.object({
        type: z.string().optional(),
        message: z.string(),
        path: z.array(z.union([z.string(), z.number()])).optional(),
      }),
    )
    .optional(),
});

/**
 * Reads a GraphQL response body. Any error fails the whole answer: `data` beside errors
 * holds `null` where a field failed, and a `null` taken for "nothing there" (no default
 * branch, no repo) would hide a change.
 *
 * @throws TypeError when the body is not a GraphQL response.
 */
export function toGraphqlEnvelope(body: unknown): GraphqlEnvelope {
  const parsed = envelopeSchema.safeParse(body);
  if (!parsed.success) throw new TypeError('expected a GraphQL response { data, errors? }');
  const { data, errors } = parsed.data;
  if (errors !== undefined && errors.length > 0) {
    const rateLimited = errors.find((error) => error.type === 'RATE_LIMITED');
    if (rateLimited) return { kind: 'rate-limited', message: rateLimited.message };
    return {
      kind: 'errors',
      messages: errors.map((error) =>
        error.path === undefined ? error.message : `${error.path.join('.')}: ${error.message}`,
      ),
    };
  }
  if (data === undefined || data === null) {
    throw new TypeError('a GraphQL response with neither data nor errors');
  }
  return { kind: 'data', data };
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
