import { describe, expect, it } from 'vitest';

import { parseNextLink } from './link-header.js';

describe('parseNextLink', () => {
  it('finds rel="next" among GitHub links', () => {
    expect(
      parseNextLink(
        '<https://api.github.com/repositories/1/commits?page=1>; rel="prev", ' +
          '<https://api.github.com/repositories/1/commits?page=3>; rel="next", ' +
          '<https://api.github.com/repositories/1/commits?page=9>; rel="last"',
      ),
    ).toBe('https://api.github.com/repositories/1/commits?page=3');
  });

  it('accepts unquoted and multi-valued rel', () => {
    expect(parseNextLink('<https://x.test/a?page=2>; rel=next')).toBe('https://x.test/a?page=2');
    expect(parseNextLink('<https://x.test/a?page=2>; rel="last next"')).toBe(
      'https://x.test/a?page=2',
    );
  });

  it('has no next on the last page or without the header', () => {
    expect(
      parseNextLink(
        '<https://x.test/a?page=1>; rel="first", <https://x.test/a?page=1>; rel="prev"',
      ),
    ).toBeUndefined();
    expect(parseNextLink(undefined)).toBeUndefined();
    expect(parseNextLink('')).toBeUndefined();
  });
});
