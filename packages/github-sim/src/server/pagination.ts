import { validationFailed, type ApiResult } from './github-errors.js';

/** GitHub's default page size. */
export const DEFAULT_PER_PAGE = 30;
/** GitHub's cap: a larger `per_page` is silently lowered to it. */
export const MAX_PER_PAGE = 100;

export interface PageRequest {
  readonly page: number;
  readonly perPage: number;
}

export interface Page<T> {
  readonly items: readonly T[];
  /** The `Link` header value, absent when everything fits on one page. */
  readonly link: string | undefined;
}

/**
 * Reads `page` and `per_page` as GitHub does: `per_page` above 100 becomes 100, a missing or
 * non-positive one the default 30; `page` below 1 is page 1. Non-numbers are a 422.
 */
export function parsePageRequest(query: URLSearchParams): PageRequest | ApiResult {
  const perPage = readPositiveInt(query, 'per_page');
  if (typeof perPage === 'object') return perPage;
  const page = readPositiveInt(query, 'page');
  if (typeof page === 'object') return page;
  return {
    perPage:
      perPage === undefined || perPage < 1 ? DEFAULT_PER_PAGE : Math.min(perPage, MAX_PER_PAGE),
    page: page === undefined || page < 1 ? 1 : page,
  };
}

function readPositiveInt(query: URLSearchParams, name: string): number | undefined | ApiResult {
  const raw = query.get(name);
  if (raw === null || raw === '') return undefined;
  if (!/^-?\d+$/.test(raw)) return validationFailed(name, `${name} must be an integer`);
  return Number(raw);
}

/**
 * Cuts one page out of `items` and builds GitHub's `Link` header (`prev`, `next`, `last`,
 * `first`, in GitHub's order), each URL being the request URL with only `page` changed.
 */
export function paginate<T>(items: readonly T[], request: PageRequest, url: URL): Page<T> {
  const lastPage = Math.max(1, Math.ceil(items.length / request.perPage));
  const start = (request.page - 1) * request.perPage;
  const pageItems = items.slice(start, start + request.perPage);
  const pageUrl = (page: number): string => {
    const target = new URL(url);
    target.searchParams.set('page', String(page));
    return target.toString();
  };
  const rels: string[] = [];
  if (request.page > 1) rels.push(`<${pageUrl(Math.min(request.page - 1, lastPage))}>; rel="prev"`);
  if (request.page < lastPage) {
    rels.push(`<${pageUrl(request.page + 1)}>; rel="next"`);
    rels.push(`<${pageUrl(lastPage)}>; rel="last"`);
  }
  if (request.page > 1) rels.push(`<${pageUrl(1)}>; rel="first"`);
  return { items: pageItems, link: rels.length > 0 ? rels.join(', ') : undefined };
}

/** A 200 with one page of `items` (mapped by `render`) and its `Link` header. */
export function pagedResult<T>(
  items: readonly T[],
  request: PageRequest,
  url: URL,
  render: (item: T) => unknown,
): ApiResult {
  const page = paginate(items, request, url);
  return {
    status: 200,
    body: page.items.map(render),
    ...(page.link ? { headers: { link: page.link } } : {}),
  };
}

export function isApiResult(value: unknown): value is ApiResult {
  return typeof value === 'object' && value !== null && 'status' in value;
}
