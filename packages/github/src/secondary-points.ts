import type { BudgetResource } from './client-ports.js';

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The secondary-limit points one request costs, as GitHub documents them ("Calculating points
 * for the secondary rate limit"): REST GET/HEAD/OPTIONS 1, POST/PATCH/PUT/DELETE 5. A GraphQL
 * query is 1 and a mutation 5; every GraphQL request is a POST, so its caller says which
 * (`mutation`). A `304` costs the same: GitHub documents no exemption.
 */
export function toSecondaryPoints(
  resource: BudgetResource,
  method: string,
  options: { readonly mutation?: boolean } = {},
): number {
  if (resource === 'graphql') return options.mutation === true ? 5 : 1;
  return READ_METHODS.has(method.toUpperCase()) ? 1 : 5;
}
