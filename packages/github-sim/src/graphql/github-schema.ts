import { readFileSync } from 'node:fs';

import { buildClientSchema, type GraphQLSchema, type IntrospectionQuery } from 'graphql';

/**
 * GitHub's published GraphQL schema (`@octokit/graphql-schema`), built on first use: reading
 * and building its 5 MB introspection JSON takes ~150 ms (measured on the 2-core CI machine),
 * which a simulator that never receives a GraphQL request should not pay at start-up.
 * The package's own `schema.graphql` is not used: it defines two
 * `EnterpriseOwnerInfo` fields twice, which graphql-js refuses.
 */
export interface GitHubSchema {
  /** The schema, built on the first call and reused afterwards. */
  get(): GraphQLSchema;
  /** How long building took (ms), or undefined before the first `get()`. */
  readonly buildMs: number | undefined;
}

export function createGitHubSchema(): GitHubSchema {
  let schema: GraphQLSchema | undefined;
  let buildMs: number | undefined;
  return {
    get() {
      if (schema) return schema;
      const startedMs = performance.now();
      // The package exports only its entry point, whose import would build a second schema
      // for its own `validate`; the JSON beside it is read directly instead.
      const jsonUrl = new URL('./schema.json', import.meta.resolve('@octokit/graphql-schema'));
      const introspection = JSON.parse(readFileSync(jsonUrl, 'utf8')) as IntrospectionQuery;
      schema = buildClientSchema(introspection, { assumeValid: true });
      buildMs = performance.now() - startedMs;
      return schema;
    },
    get buildMs() {
      return buildMs;
    },
  };
}
