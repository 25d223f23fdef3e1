import { describe, expect, it } from 'vitest';

import { etagKeyOf } from './etag-key.js';

const WEB = { owner: 'acme', repo: 'web', repoId: 4242 };

describe('etagKeyOf', () => {
  it('keys a URL of the repo by its id, keeping the rest of the path and the query', () => {
    expect(
      etagKeyOf(
        'https://api.github.com/repos/acme/web/commits?since=2026-11-27T13%3A00%3A00Z',
        WEB,
      ),
    ).toBe('https://api.github.com/repositories/4242/commits?since=2026-11-27T13%3A00%3A00Z');
    expect(etagKeyOf('https://api.github.com/repos/acme/web', WEB)).toBe(
      'https://api.github.com/repositories/4242',
    );
  });

  it('gives the same key to the old and the new name of a renamed repo', () => {
    const url = (repo: string): string =>
      `https://api.github.com/repos/acme/${repo}/pulls?state=all&per_page=100`;
    expect(etagKeyOf(url('web'), WEB)).toBe(etagKeyOf(url('web-app'), { ...WEB, repo: 'web-app' }));
  });

  it('keeps a GitHub Enterprise base path and matches names case-insensitively', () => {
    expect(etagKeyOf('https://ghe.example.com/api/v3/repos/Acme/Web/issues/comments', WEB)).toBe(
      'https://ghe.example.com/api/v3/repositories/4242/issues/comments',
    );
  });

  it('keys every other URL, and every URL without a repo, by the URL itself', () => {
    const other = 'https://api.github.com/repos/acme/web-app/commits';
    expect(etagKeyOf(other, WEB)).toBe(other);
    expect(etagKeyOf('https://api.github.com/orgs/acme/repos?per_page=100', WEB)).toBe(
      'https://api.github.com/orgs/acme/repos?per_page=100',
    );
    expect(etagKeyOf('https://api.github.com/repos/acme/web/commits')).toBe(
      'https://api.github.com/repos/acme/web/commits',
    );
  });
});
