import type { ASTNode } from 'graphql';

/** One entry of a GraphQL response's `errors`, in the shape GitHub sends. */
export interface GitHubGraphqlError {
  /** GitHub's error type (`NOT_FOUND`, `RATE_LIMITED`, `EXCESSIVE_PAGINATION`, …), when it names one. */
  readonly type?: string;
  readonly message: string;
  readonly path?: readonly (string | number)[];
  readonly locations?: readonly { readonly line: number; readonly column: number }[];
  readonly extensions?: Readonly<Record<string, unknown>>;
}

/** Where a node starts in the query text, as GraphQL's `locations` give it (1-based). */
export function locationsOf(node: ASTNode | undefined): GitHubGraphqlError['locations'] {
  const start = node?.loc?.startToken;
  return start ? [{ line: start.line, column: start.column }] : undefined;
}

/**
 * A request GitHub refuses as a whole (a breached query limit, an unimplemented field):
 * answered `200 { errors: [...] }` with no `data`, costing no primary-limit points.
 */
export class GraphqlRequestError extends Error {
  readonly errors: readonly GitHubGraphqlError[];

  constructor(error: {
    readonly type?: string;
    readonly message: string;
    readonly node?: ASTNode;
    readonly extensions?: Readonly<Record<string, unknown>>;
  }) {
    super(error.message);
    this.name = 'GraphqlRequestError';
    const locations = locationsOf(error.node);
    this.errors = [
      {
        ...(error.type === undefined ? {} : { type: error.type }),
        ...(error.extensions === undefined ? {} : { extensions: error.extensions }),
        ...(locations === undefined ? {} : { locations }),
        message: error.message,
      },
    ];
  }
}
