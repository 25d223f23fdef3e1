import { describe, expect, it } from 'vitest';

import { decodeCursor, encodeCursor, pageOf, type SortPosition } from './connection-page.js';
import { GitHubFieldError } from './github-field-error.js';

interface Item {
  readonly id: number;
  readonly createdAt: string;
}

const items: Item[] = [
  { id: 3, createdAt: '2026-01-02T00:00:00Z' },
  { id: 1, createdAt: '2026-01-01T00:00:00Z' },
  { id: 2, createdAt: '2026-01-02T00:00:00Z' },
  { id: 4, createdAt: '2026-01-03T00:00:00Z' },
];
const position = (item: Item): SortPosition => [item.createdAt, item.id];

describe('pageOf', () => {
  it('pages in order, ties broken by id, with GitHub page info', () => {
    const first = pageOf(items, position, { first: 2, after: null, direction: 'ASC' });
    expect(first.nodes.map((item) => item.id)).toEqual([1, 2]);
    expect(first.totalCount).toBe(4);
    expect(first.pageInfo).toEqual({
      hasNextPage: true,
      hasPreviousPage: false,
      startCursor: encodeCursor(['2026-01-01T00:00:00Z', 1]),
      endCursor: encodeCursor(['2026-01-02T00:00:00Z', 2]),
    });
    const second = pageOf(items, position, {
      first: 2,
      after: first.pageInfo.endCursor,
      direction: 'ASC',
    });
    expect(second.nodes.map((item) => item.id)).toEqual([3, 4]);
    expect(second.pageInfo.hasNextPage).toBe(false);
    expect(second.pageInfo.hasPreviousPage).toBe(true);
    expect(second.edges.map((edge) => edge.cursor)).toEqual([
      encodeCursor(['2026-01-02T00:00:00Z', 3]),
      encodeCursor(['2026-01-03T00:00:00Z', 4]),
    ]);
  });

  it('keeps its place after the item a cursor names is gone', () => {
    const cursor = encodeCursor(['2026-01-02T00:00:00Z', 2]);
    const without2 = items.filter((item) => item.id !== 2);
    const page = pageOf(without2, position, { first: 10, after: cursor, direction: 'ASC' });
    expect(page.nodes.map((item) => item.id)).toEqual([3, 4]);
  });

  it('pages newest first with DESC', () => {
    const page = pageOf(items, position, { first: 3, after: null, direction: 'DESC' });
    expect(page.nodes.map((item) => item.id)).toEqual([4, 3, 2]);
  });

  it('answers an empty last page after the end', () => {
    const page = pageOf(items, position, {
      first: 2,
      after: encodeCursor(['2026-01-03T00:00:00Z', 4]),
      direction: 'ASC',
    });
    expect(page.nodes).toEqual([]);
    expect(page.pageInfo).toEqual({
      hasNextPage: false,
      hasPreviousPage: true,
      startCursor: null,
      endCursor: null,
    });
  });
});

describe('decodeCursor', () => {
  it('reads back what encodeCursor wrote, base64 like GitHub', () => {
    const cursor = encodeCursor(['2026-01-02T00:00:00Z', 2]);
    expect(cursor).toMatch(/^Y3Vyc29yOnYyO/);
    expect(decodeCursor(cursor)).toEqual(['2026-01-02T00:00:00Z', 2]);
  });

  it('refuses a cursor it did not hand out with INVALID_CURSOR_ARGUMENTS', () => {
    for (const cursor of [
      'nope',
      Buffer.from('cursor:v2:{').toString('base64'),
      Buffer.from('cursor:v2:[1]').toString('base64'),
    ]) {
      let caught: unknown;
      try {
        decodeCursor(cursor);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(GitHubFieldError);
      expect(caught).toMatchObject({
        type: 'INVALID_CURSOR_ARGUMENTS',
        message: `\`${cursor}\` does not appear to be a valid cursor.`,
      });
    }
  });
});
