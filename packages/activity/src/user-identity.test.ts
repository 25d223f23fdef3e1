import { describe, expect, it } from 'vitest';

import { toUserIdOfKey, toUserKey, toUserLabel } from './user-identity.js';

describe('user keys', () => {
  it('keys an account by its id where the API gives one, else by its login', () => {
    expect(toUserKey({ login: 'octocat', id: 583231 })).toBe('#583231');
    expect(toUserKey({ login: 'ghost' })).toBe('ghost');
    expect(toUserKey({ login: 'dependabot[bot]', id: 49699333 })).toBe('#49699333');
  });

  it('reads the id back from an id key only', () => {
    expect(toUserIdOfKey('#583231')).toBe(583231);
    expect(toUserIdOfKey('octocat')).toBeUndefined();
    expect(toUserIdOfKey('unlinked')).toBeUndefined();
    expect(toUserIdOfKey('#0')).toBeUndefined();
    expect(toUserIdOfKey('#12a')).toBeUndefined();
  });
});

describe('toUserLabel', () => {
  it('labels a login key with itself', () => {
    expect(toUserLabel('dave', undefined)).toBe('dave');
    expect(toUserLabel('unlinked', { login: 'x', holderId: 1 })).toBe('unlinked');
  });

  it('labels an id key with the login last seen for it', () => {
    expect(toUserLabel('#7', { login: 'octo-renamed', holderId: 7 })).toBe('octo-renamed');
    expect(toUserLabel('#7', { login: 'octo', holderId: undefined })).toBe('octo');
  });

  it('suffixes the id when another id was seen with that login since', () => {
    expect(toUserLabel('#7', { login: 'octo', holderId: 9 })).toBe('octo#7');
  });

  it('labels an id nobody saw a login for with its key', () => {
    expect(toUserLabel('#7', undefined)).toBe('#7');
  });
});
