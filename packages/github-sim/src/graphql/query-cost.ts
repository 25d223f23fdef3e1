import {
  getArgumentValues,
  getDirectiveValues,
  getNamedType,
  GraphQLIncludeDirective,
  GraphQLSkipDirective,
  isCompositeType,
  isObjectType,
  isInterfaceType,
  Kind,
  OperationTypeNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionNode,
  type SelectionSetNode,
} from 'graphql';

import { GraphqlRequestError } from './graphql-request-error.js';

/** GitHub's limits on one call (docs: "Rate limits and query limits for the GraphQL API"). */
export const MAX_PAGE_SIZE = 100;
export const MAX_NODE_COUNT = 500_000;

/** What a query costs, as GitHub's documented formula predicts it. */
export interface QueryCost {
  /**
   * Requests needed to fulfil every connection, each assumed to reach its `first`/`last`:
   * a connection costs one request per object of its parent connections.
   */
  readonly requests: number;
  /** `requests / 100`, rounded to the nearest integer, at least 1: the primary-limit points. */
  readonly cost: number;
  /** Nodes the call may return: each connection's page size times its parents'. */
  readonly nodeCount: number;
}

export interface CostInput {
  readonly schema: GraphQLSchema;
  readonly operation: OperationDefinitionNode;
  readonly fragments: Readonly<Record<string, FragmentDefinitionNode>>;
  /** Coerced variable values (defaults applied). */
  readonly variables: Readonly<Record<string, unknown>>;
}

/**
 * GitHub's cost formula, computed on the query's AST with its variables: "add up the number
 * of requests needed to fulfill each unique connection in the call, assuming every request
 * reaches the `first` or `last` argument limits; divide by 100 and round; the minimum is 1".
 * Enforces the node limits the same docs state, with GitHub's error types: `first`/`last`
 * required on a connection whose objects are selected (`MISSING_PAGINATION_BOUNDARIES`;
 * a connection asked only for `totalCount` needs none), within 1–100
 * (`EXCESSIVE_PAGINATION`), at most 500,000 nodes in all (`MAX_NODE_LIMIT_EXCEEDED`).
 * Throws a `GraphqlRequestError` for a breach. A connection selected twice (under two
 * aliases, or through two fragments) counts twice: GitHub's "unique connection" is not
 * defined further, so the simulator errs on the dear side.
 */
export function computeQueryCost(input: CostInput): QueryCost {
  const rootType =
    input.operation.operation === OperationTypeNode.MUTATION
      ? input.schema.getMutationType()
      : input.schema.getQueryType();
  if (!rootType) throw new Error(`the schema has no ${input.operation.operation} type`);
  const totals = { requests: 0, nodeCount: 0 };
  walkSelections(input, input.operation.selectionSet, rootType, 1, totals);
  if (totals.nodeCount > MAX_NODE_COUNT) {
    throw new GraphqlRequestError({
      type: 'MAX_NODE_LIMIT_EXCEEDED',
      message: `This query requests up to ${totals.nodeCount.toLocaleString('en-US')} possible nodes which exceeds the maximum limit of ${MAX_NODE_COUNT.toLocaleString('en-US')}.`,
    });
  }
  return {
    requests: totals.requests,
    nodeCount: totals.nodeCount,
    cost: Math.max(1, Math.round(totals.requests / 100)),
  };
}

function walkSelections(
  input: CostInput,
  selectionSet: SelectionSetNode,
  parentType: GraphQLCompositeType,
  multiplier: number,
  totals: { requests: number; nodeCount: number },
): void {
  for (const selection of selectionSet.selections) {
    if (!isIncluded(selection, input.variables)) continue;
    switch (selection.kind) {
      case Kind.FIELD: {
        const field = fieldOf(parentType, selection.name.value);
        if (!field || !selection.selectionSet) break;
        const returned = getNamedType(field.type);
        if (!isCompositeType(returned)) break;
        let childMultiplier = multiplier;
        if (isConnection(field)) {
          const size = pageSize(field, selection, input);
          totals.requests += multiplier;
          totals.nodeCount += multiplier * size;
          childMultiplier = multiplier * size;
        }
        walkSelections(input, selection.selectionSet, returned, childMultiplier, totals);
        break;
      }
      case Kind.INLINE_FRAGMENT: {
        const condition = selection.typeCondition
          ? input.schema.getType(selection.typeCondition.name.value)
          : parentType;
        if (condition && isCompositeType(condition)) {
          walkSelections(input, selection.selectionSet, condition, multiplier, totals);
        }
        break;
      }
      case Kind.FRAGMENT_SPREAD: {
        const fragment = input.fragments[selection.name.value];
        const condition = fragment && input.schema.getType(fragment.typeCondition.name.value);
        if (fragment && condition && isCompositeType(condition)) {
          walkSelections(input, fragment.selectionSet, condition, multiplier, totals);
        }
        break;
      }
    }
  }
}

/** GitHub's connections: a `…Connection` type paged by `first`/`last`. */
function isConnection(field: GraphQLField<unknown, unknown>): boolean {
  return (
    getNamedType(field.type).name.endsWith('Connection') &&
    field.args.some((arg) => arg.name === 'first') &&
    field.args.some((arg) => arg.name === 'last')
  );
}

/** The connection's `first` or `last`; 0 when neither is given and only `totalCount` is read. */
function pageSize(
  field: GraphQLField<unknown, unknown>,
  node: FieldNode,
  input: CostInput,
): number {
  const args = getArgumentValues(field, node, input.variables);
  const bounds = (['first', 'last'] as const).flatMap((argument) => {
    const value = args[argument];
    return typeof value === 'number' ? [{ argument, value }] : [];
  });
  if (bounds.length === 0) {
    if (!selectsObjects(node.selectionSet, input)) return 0;
    throw new GraphqlRequestError({
      type: 'MISSING_PAGINATION_BOUNDARIES',
      message: `You must provide a \`first\` or \`last\` value to properly paginate the \`${field.name}\` connection.`,
      node,
    });
  }
  for (const { argument, value } of bounds) {
    if (value < 1 || value > MAX_PAGE_SIZE) {
      throw new GraphqlRequestError({
        type: 'EXCESSIVE_PAGINATION',
        message: `Requesting ${value} records on the \`${field.name}\` connection exceeds the \`${argument}\` limit of ${MAX_PAGE_SIZE} records.`,
        node,
      });
    }
  }
  return Math.max(...bounds.map((bound) => bound.value));
}

/** Whether a connection's selection reads objects (`nodes`, `edges`), not just counts. */
function selectsObjects(selectionSet: SelectionSetNode | undefined, input: CostInput): boolean {
  if (!selectionSet) return false;
  return selectionSet.selections.some((selection) => {
    switch (selection.kind) {
      case Kind.FIELD:
        return selection.name.value === 'nodes' || selection.name.value === 'edges';
      case Kind.INLINE_FRAGMENT:
        return selectsObjects(selection.selectionSet, input);
      case Kind.FRAGMENT_SPREAD:
        return selectsObjects(input.fragments[selection.name.value]?.selectionSet, input);
    }
  });
}

function fieldOf(
  parentType: GraphQLCompositeType,
  name: string,
): GraphQLField<unknown, unknown> | undefined {
  if (isObjectType(parentType) || isInterfaceType(parentType)) return parentType.getFields()[name];
  return undefined;
}

function isIncluded(
  selection: SelectionNode,
  variables: Readonly<Record<string, unknown>>,
): boolean {
  const skip = getDirectiveValues(GraphQLSkipDirective, selection, variables);
  if (skip?.['if'] === true) return false;
  const include = getDirectiveValues(GraphQLIncludeDirective, selection, variables);
  return include?.['if'] !== false;
}
