import { describe, expect, it } from 'vitest';

import {
  attributeCommit,
  createNoreplyEmailReader,
  toNoreplyDomain,
  UNLINKED_USER,
} from './commit-attribution.js';

const readGitHubNoreply = createNoreplyEmailReader('users.noreply.github.com');

describe('toNoreplyDomain', () => {
  it.each([
    ['https://api.github.com', 'users.noreply.github.com'],
    ['https://API.GitHub.com/', 'users.noreply.github.com'],
    ['https://ghe.example/api/v3', 'users.noreply.ghe.example'],
    ['https://GHE.Example.COM:8443/api/v3', 'users.noreply.ghe.example.com'],
    ['http://127.0.0.1:9900', 'users.noreply.127.0.0.1'],
    ['https://api.acme.ghe.com', 'users.noreply.acme.ghe.com'],
  ])('derives it from %s', (apiBaseUrl, domain) => {
    expect(toNoreplyDomain(apiBaseUrl)).toBe(domain);
  });

  it('names the bad value', () => {
    expect(() => toNoreplyDomain('not a url')).toThrow(
      'github.api_base_url is not a URL: "not a url"',
    );
  });
});

describe('createNoreplyEmailReader', () => {
  it('reads the id and the login of an address of its domain, in any case', () => {
    const read = createNoreplyEmailReader(toNoreplyDomain('https://GHE.example/api/v3'));
    expect(read('12+Mixed-Case@USERS.NOREPLY.GHE.EXAMPLE')).toEqual({
      login: 'Mixed-Case',
      userId: 12,
    });
    expect(read('mona@users.noreply.ghe.example')).toEqual({ login: 'mona' });
    expect(read('12+mona@users.noreply.github.com')).toBeUndefined();
    expect(read('12+mona@users.noreply.gheXexample')).toBeUndefined();
  });
});

describe('attributeCommit', () => {
  it('prefers the linked author, keyed by id, over any email', () => {
    expect(
      attributeCommit(
        {
          author: { login: 'octocat', id: 583231 },
          authorEmail: '1+other@users.noreply.github.com',
        },
        readGitHubNoreply,
      ),
    ).toBe('#583231');
    expect(
      attributeCommit({ author: { login: 'octocat' }, authorEmail: null }, readGitHubNoreply),
    ).toBe('octocat');
  });

  it.each([
    ['583231+octocat@users.noreply.github.com', '#583231'],
    ['octocat@users.noreply.github.com', 'octocat'],
    ['49699333+dependabot[bot]@users.noreply.github.com', '#49699333'],
    ['12+Mixed-Case@USERS.NOREPLY.GITHUB.COM', '#12'],
    ['Mixed-Case@USERS.NOREPLY.GITHUB.COM', 'Mixed-Case'],
  ])('takes the account from the noreply email %s', (authorEmail, user) => {
    expect(attributeCommit({ author: null, authorEmail }, readGitHubNoreply)).toBe(user);
  });

  it.each([
    'jane@example.com',
    'octocat@users.noreply.github.com.evil.example',
    '-bad-@users.noreply.github.com',
    'a--b@users.noreply.github.com',
    '1+octocat@users.noreply.ghe.example',
    '',
  ])('reads %j as unlinked, never as a login', (authorEmail) => {
    expect(attributeCommit({ author: null, authorEmail }, readGitHubNoreply)).toBe(UNLINKED_USER);
  });

  it('reads a commit without author email as unlinked', () => {
    expect(attributeCommit({ author: null, authorEmail: null }, readGitHubNoreply)).toBe(
      UNLINKED_USER,
    );
  });
});
