import { describe, expect, it } from 'vitest';

import { toSecondaryPoints } from './secondary-points.js';

describe('toSecondaryPoints', () => {
  it('charges REST reads 1 point and REST writes 5, whatever the case of the method', () => {
    expect(['GET', 'head', 'OPTIONS'].map((method) => toSecondaryPoints('rest', method))).toEqual([
      1, 1, 1,
    ]);
    expect(
      ['POST', 'PATCH', 'put', 'DELETE'].map((method) => toSecondaryPoints('rest', method)),
    ).toEqual([5, 5, 5, 5]);
  });

  it('charges a GraphQL query 1 point and a mutation 5, though both are POSTs', () => {
    expect(toSecondaryPoints('graphql', 'POST')).toBe(1);
    expect(toSecondaryPoints('graphql', 'POST', { mutation: true })).toBe(5);
  });
});
