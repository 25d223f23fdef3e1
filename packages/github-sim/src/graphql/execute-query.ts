import { executeSync, type GraphQLError, type GraphQLSchema } from 'graphql';

import { GitHubFieldError } from './github-field-error.js';
import { CONCRETE_TYPES, IMPLEMENTED_FIELDS, type GraphqlContext } from './github-resolvers.js';
import type { GitHubGraphqlError } from './graphql-request-error.js';
import type { PreparedQuery } from './prepare-query.js';

/** A GraphQL response body as GitHub sends it. */
export interface GraphqlResponseBody {
  readonly data?: unknown;
  readonly errors?: readonly GitHubGraphqlError[];
}

function toGitHubError(error: GraphQLError): GitHubGraphqlError {
  const original = error.originalError;
  return {
    ...(original instanceof GitHubFieldError ? { type: original.type } : {}),
    ...(error.path ? { path: error.path } : {}),
    ...(error.locations ? { locations: error.locations } : {}),
    message: error.message,
  };
}

/**
 * Runs a prepared query over the simulator's world with graphql-js, resolving each field
 * through `IMPLEMENTED_FIELDS`. A resolver's `GitHubFieldError` nulls its field and adds
 * GitHub's `{ type, path, locations, message }` to `errors`, as GitHub answers a missing
 * organization or a bad cursor.
 */
export function executeQuery(
  schema: GraphQLSchema,
  query: PreparedQuery,
  context: GraphqlContext,
): GraphqlResponseBody {
  const result = executeSync({
    schema,
    document: query.document,
    operationName: query.operation.name?.value,
    variableValues: query.variables,
    contextValue: context,
    rootValue: null,
    fieldResolver: (source, args, fieldContext: GraphqlContext, info) => {
      const implemented = IMPLEMENTED_FIELDS[info.parentType.name]?.[info.fieldName];
      // prepareQuery refused any field not implemented; reaching here is a simulator bug.
      if (!implemented) {
        throw new Error(`${info.parentType.name}.${info.fieldName} has no resolver`);
      }
      return implemented.resolve(source as never, args as Record<string, unknown>, fieldContext);
    },
    typeResolver: (_value, _context, _info, abstractType) => CONCRETE_TYPES[abstractType.name],
  });
  return {
    ...(result.errors ? { errors: result.errors.map(toGitHubError) } : {}),
    ...(result.data === undefined ? {} : { data: result.data }),
  };
}
