import { GitHubFieldError } from './github-field-error.js';

/**
 * One page of a GitHub connection (`first`/`after` paging), shaped as its GraphQL type reads:
 * `totalCount`, `nodes`, `edges { cursor node }`, `pageInfo`.
 */
export interface ConnectionPage<T> {
  readonly totalCount: number;
  readonly nodes: readonly T[];
  readonly edges: readonly { readonly cursor: string; readonly node: T }[];
  readonly pageInfo: {
    readonly hasNextPage: boolean;
    readonly hasPreviousPage: boolean;
    readonly startCursor: string | null;
    readonly endCursor: string | null;
  };
}

/** An item's place in a connection's order: its sort value, then its id to break ties. */
export type SortPosition = readonly [value: string | number, id: number];

const CURSOR_PREFIX = 'cursor:v2:';

/**
 * Opaque cursors, base64 as GitHub's (`Y3Vyc29yOnYyOp…`), holding the item's sort position
 * rather than its index or name: a page boundary stays put when repos are renamed, deleted or
 * created elsewhere in the order, and a cursor of a deleted item still marks its place.
 */
export function encodeCursor(position: SortPosition): string {
  return Buffer.from(CURSOR_PREFIX + JSON.stringify(position)).toString('base64');
}

export function decodeCursor(cursor: string): SortPosition {
  const text = Buffer.from(cursor, 'base64').toString('utf8');
  if (text.startsWith(CURSOR_PREFIX)) {
    try {
      const position: unknown = JSON.parse(text.slice(CURSOR_PREFIX.length));
      if (
        Array.isArray(position) &&
        position.length === 2 &&
        (typeof position[0] === 'string' || typeof position[0] === 'number') &&
        typeof position[1] === 'number'
      ) {
        return [position[0], position[1]];
      }
    } catch {
      // Falls through to GitHub's answer for a cursor it did not hand out.
    }
  }
  throw new GitHubFieldError(
    'INVALID_CURSOR_ARGUMENTS',
    `\`${cursor}\` does not appear to be a valid cursor.`,
  );
}

function compare(a: SortPosition, b: SortPosition): number {
  if (a[0] !== b[0]) return a[0] < b[0] ? -1 : 1;
  return a[1] - b[1];
}

/**
 * The page of `items` after `after` (exclusive), `first` long, in `direction` of
 * `positionOf`. `totalCount` counts every item, as GitHub's does, whatever the page.
 */
export function pageOf<T>(
  items: readonly T[],
  positionOf: (item: T) => SortPosition,
  options: {
    readonly first: number;
    readonly after: string | null | undefined;
    readonly direction: 'ASC' | 'DESC';
  },
): ConnectionPage<T> {
  const sign = options.direction === 'ASC' ? 1 : -1;
  const ordered = items
    .map((item) => ({ item, position: positionOf(item) }))
    .sort((a, b) => sign * compare(a.position, b.position));
  const afterPosition =
    options.after === null || options.after === undefined ? undefined : decodeCursor(options.after);
  const start = afterPosition
    ? ordered.findIndex((entry) => sign * compare(entry.position, afterPosition) > 0)
    : 0;
  const from = start === -1 ? ordered.length : start;
  const slice = ordered.slice(from, from + options.first);
  const edges = slice.map((entry) => ({ cursor: encodeCursor(entry.position), node: entry.item }));
  return {
    totalCount: items.length,
    nodes: slice.map((entry) => entry.item),
    edges,
    pageInfo: {
      hasNextPage: from + slice.length < ordered.length,
      hasPreviousPage: from > 0,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}
