import { describe, expect, it } from 'vitest';

import { createHttpAccess } from './http-access.js';

const off = { bearerToken: undefined, basicUsername: undefined, basicPassword: undefined };
const basic = (user: string, password: string): string =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe('createHttpAccess', () => {
  it('lets everyone in when nothing is configured', () => {
    const access = createHttpAccess(off, 'metrics');
    expect(access.allows(undefined)).toBe(true);
    expect(access.challenges).toEqual([]);
  });

  it('takes only the configured bearer token, with any case of the scheme', () => {
    const access = createHttpAccess({ ...off, bearerToken: 's3cret' }, 'metrics');
    expect(access.allows('Bearer s3cret')).toBe(true);
    expect(access.allows('bearer  s3cret ')).toBe(true);
    expect(access.allows('Bearer s3cre')).toBe(false);
    expect(access.allows('Bearer S3CRET')).toBe(false);
    expect(access.allows(undefined)).toBe(false);
    expect(access.allows(basic('prometheus', 's3cret'))).toBe(false);
    expect(access.challenges).toEqual(['Bearer realm="metrics"']);
  });

  it('takes the configured basic credentials', () => {
    const access = createHttpAccess(
      {
        ...off,
        basicUsername: 'prometheus',
        basicPassword: 'pä:ss',
      },
      'metrics',
    );
    expect(access.allows(basic('prometheus', 'pä:ss'))).toBe(true);
    expect(access.allows(basic('prometheus', 'pa:ss'))).toBe(false);
    expect(access.allows(basic('other', 'pä:ss'))).toBe(false);
    expect(access.allows('Bearer pä:ss')).toBe(false);
    expect(access.challenges).toEqual(['Basic realm="metrics", charset="UTF-8"']);
  });

  it('takes either credential when both schemes are configured', () => {
    const access = createHttpAccess(
      {
        bearerToken: 'token',
        basicUsername: 'prometheus',
        basicPassword: 'password',
      },
      'metrics',
    );
    expect(access.allows('Bearer token')).toBe(true);
    expect(access.allows(basic('prometheus', 'password'))).toBe(true);
    expect(access.allows('Bearer password')).toBe(false);
    expect(access.challenges).toHaveLength(2);
  });
});
