import { describe, expect, it } from 'vitest';

import { attributeCommit, UNLINKED_USER } from './commit-attribution.js';

describe('attributeCommit', () => {
  it('prefers the linked author login over any email', () => {
    expect(
      attributeCommit({ authorLogin: 'octocat', authorEmail: '1+other@users.noreply.github.com' }),
    ).toBe('octocat');
  });

  it.each([
    ['583231+octocat@users.noreply.github.com', 'octocat'],
    ['octocat@users.noreply.github.com', 'octocat'],
    ['49699333+dependabot[bot]@users.noreply.github.com', 'dependabot[bot]'],
    ['12+Mixed-Case@USERS.NOREPLY.GITHUB.COM', 'Mixed-Case'],
  ])('takes the login from the noreply email %s', (authorEmail, login) => {
    expect(attributeCommit({ authorLogin: null, authorEmail })).toBe(login);
  });

  it.each([
    'jane@example.com',
    'octocat@users.noreply.github.com.evil.example',
    '-bad-@users.noreply.github.com',
    'a--b@users.noreply.github.com',
    '',
  ])('reads %j as unlinked, never as a login', (authorEmail) => {
    expect(attributeCommit({ authorLogin: null, authorEmail })).toBe(UNLINKED_USER);
  });

  it('reads a commit without author email as unlinked', () => {
    expect(attributeCommit({ authorLogin: null, authorEmail: null })).toBe(UNLINKED_USER);
  });
});
