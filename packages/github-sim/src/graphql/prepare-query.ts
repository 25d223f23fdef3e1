import {
  getOperationAST,
  getVariableValues,
  GraphQLError,
  isAbstractType,
  Kind,
  OperationTypeNode,
  parse,
  TypeInfo,
  validate,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';

import { CONCRETE_TYPES, IMPLEMENTED_FIELDS } from './github-resolvers.js';
import {
  GraphqlRequestError,
  locationsOf,
  type GitHubGraphqlError,
} from './graphql-request-error.js';
import { computeQueryCost, type QueryCost } from './query-cost.js';

/** The body of `POST /graphql`, once parsed. */
export interface GraphqlRequestBody {
  readonly query: string;
  readonly variables: Readonly<Record<string, unknown>>;
  readonly operationName: string | undefined;
}

/** A query ready to charge and run. */
export interface PreparedQuery {
  readonly document: DocumentNode;
  readonly operation: OperationDefinitionNode;
  /** Coerced variable values (defaults applied). */
  readonly variables: Readonly<Record<string, unknown>>;
  readonly cost: QueryCost;
  /** `rateLimit(dryRun: true)`: price the query, evaluate nothing, charge nothing. */
  readonly dryRun: boolean;
  /** GitHub counts a request with a mutation 5 secondary-limit points, any other 1. */
  readonly isMutation: boolean;
}

export type Preparation =
  | { readonly ok: true; readonly query: PreparedQuery }
  | { readonly ok: false; readonly errors: readonly GitHubGraphqlError[] };

function fromGraphqlError(error: GraphQLError): GitHubGraphqlError {
  return {
    message: error.message,
    ...(error.locations ? { locations: error.locations } : {}),
    ...(error.path ? { path: error.path } : {}),
  };
}

/**
 * Everything GitHub checks before it runs a query: the syntax, validation against GitHub's
 * published schema, the operation to run, the variables, the node limits and the cost.
 * Beyond GitHub, it refuses a valid query that touches a field or argument the simulator
 * does not implement, naming it (`SIMULATOR_UNIMPLEMENTED`).
 */
export function prepareQuery(schema: GraphQLSchema, body: GraphqlRequestBody): Preparation {
  let document: DocumentNode;
  try {
    document = parse(body.query);
  } catch (error) {
    if (error instanceof GraphQLError) return { ok: false, errors: [fromGraphqlError(error)] };
    throw error;
  }
  const invalid = validate(schema, document);
  if (invalid.length > 0) return { ok: false, errors: invalid.map(fromGraphqlError) };
  const operation = getOperationAST(document, body.operationName);
  if (!operation) {
    return {
      ok: false,
      errors: [
        {
          message:
            body.operationName === undefined
              ? 'An operation name is required when the document holds several operations.'
              : `Unknown operation named "${body.operationName}".`,
        },
      ],
    };
  }
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], body.variables);
  if (coerced.errors) return { ok: false, errors: coerced.errors.map(fromGraphqlError) };
  const unimplemented = findUnimplemented(schema, document);
  if (unimplemented.length > 0) return { ok: false, errors: unimplemented };
  const fragments = Object.fromEntries(
    document.definitions
      .filter(
        (definition): definition is FragmentDefinitionNode =>
          definition.kind === Kind.FRAGMENT_DEFINITION,
      )
      .map((fragment) => [fragment.name.value, fragment]),
  );
  let cost: QueryCost;
  try {
    cost = computeQueryCost({ schema, operation, fragments, variables: coerced.coerced });
  } catch (error) {
    if (error instanceof GraphqlRequestError) return { ok: false, errors: error.errors };
    throw error;
  }
  return {
    ok: true,
    query: {
      document,
      operation,
      variables: coerced.coerced,
      cost,
      dryRun: asksDryRun(operation, coerced.coerced),
      isMutation: operation.operation === OperationTypeNode.MUTATION,
    },
  };
}

function unimplemented(
  message: string,
  node: Parameters<typeof locationsOf>[0],
  extensions: Record<string, string>,
): GitHubGraphqlError {
  const locations = locationsOf(node);
  return {
    type: 'SIMULATOR_UNIMPLEMENTED',
    message,
    ...(locations ? { locations } : {}),
    extensions,
  };
}

/** Fields and arguments of a valid query the simulator does not serve, each named. */
function findUnimplemented(schema: GraphQLSchema, document: DocumentNode): GitHubGraphqlError[] {
  const found: GitHubGraphqlError[] = [];
  const typeInfo = new TypeInfo(schema);
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field(node) {
        const parent = typeInfo.getParentType();
        const fieldName = node.name.value;
        if (!parent || fieldName.startsWith('__')) return;
        const typeName = isAbstractType(parent) ? CONCRETE_TYPES[parent.name] : parent.name;
        const implemented =
          typeName === undefined ? undefined : IMPLEMENTED_FIELDS[typeName]?.[fieldName];
        if (!implemented) {
          found.push(
            unimplemented(
              `The GitHub simulator does not implement the field ${parent.name}.${fieldName}.`,
              node,
              { typeName: parent.name, fieldName },
            ),
          );
          return;
        }
        for (const argument of node.arguments ?? []) {
          if (!implemented.args.includes(argument.name.value)) {
            found.push(
              unimplemented(
                `The GitHub simulator does not implement the argument ${argument.name.value} of ${parent.name}.${fieldName}.`,
                argument,
                { typeName: parent.name, fieldName, argumentName: argument.name.value },
              ),
            );
          }
        }
      },
    }),
  );
  return found;
}

function asksDryRun(
  operation: OperationDefinitionNode,
  variables: Readonly<Record<string, unknown>>,
): boolean {
  return operation.selectionSet.selections.some((selection) => {
    if (selection.kind !== Kind.FIELD || selection.name.value !== 'rateLimit') return false;
    const dryRun = selection.arguments?.find((argument) => argument.name.value === 'dryRun');
    if (!dryRun) return false;
    if (dryRun.value.kind === Kind.BOOLEAN) return dryRun.value.value;
    return dryRun.value.kind === Kind.VARIABLE && variables[dryRun.value.name.value] === true;
  });
}
