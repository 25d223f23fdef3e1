import { describe, expect, it } from 'vitest';

import { paginate, parsePageRequest } from './pagination.js';

const query = (text: string): URLSearchParams => new URLSearchParams(text);

describe('parsePageRequest', () => {
  it('defaults to page 1 of 30 and caps per_page at 100', () => {
    expect(parsePageRequest(query(''))).toEqual({ page: 1, perPage: 30 });
    expect(parsePageRequest(query('per_page=250&page=3'))).toEqual({ page: 3, perPage: 100 });
    expect(parsePageRequest(query('per_page=0&page=-2'))).toEqual({ page: 1, perPage: 30 });
  });

  it('answers a non-number with a 422', () => {
    expect(parsePageRequest(query('page=two'))).toMatchObject({ status: 422 });
  });
});

describe('paginate', () => {
  const items = Array.from({ length: 7 }, (_, index) => index);
  const url = new URL('http://sim/things?per_page=3&page=2&sort=created');

  it('cuts the page and links prev, next, last and first as GitHub orders them', () => {
    const page = paginate(items, { page: 2, perPage: 3 }, url);
    expect(page.items).toEqual([3, 4, 5]);
    expect(page.link).toBe(
      '<http://sim/things?per_page=3&page=1&sort=created>; rel="prev", ' +
        '<http://sim/things?per_page=3&page=3&sort=created>; rel="next", ' +
        '<http://sim/things?per_page=3&page=3&sort=created>; rel="last", ' +
        '<http://sim/things?per_page=3&page=1&sort=created>; rel="first"',
    );
  });

  it('sends no Link when one page holds everything', () => {
    expect(paginate(items, { page: 1, perPage: 30 }, url)).toEqual({ items, link: undefined });
  });

  it('answers a page past the end with nothing, linking back', () => {
    const page = paginate(items, { page: 9, perPage: 3 }, url);
    expect(page.items).toEqual([]);
    expect(page.link).toBe(
      '<http://sim/things?per_page=3&page=3&sort=created>; rel="prev", ' +
        '<http://sim/things?per_page=3&page=1&sort=created>; rel="first"',
    );
  });
});
