import { describe, expect, it } from 'vitest';

import { parseHostPort, tryParseHostPort } from './host-port.js';

describe('parseHostPort', () => {
  it.each([
    ['0.0.0.0:9101', { host: '0.0.0.0', port: 9101 }],
    ['127.0.0.1:0', { host: '127.0.0.1', port: 0 }],
    ['redis:6379', { host: 'redis', port: 6379 }],
    [
      'redis-0.redis.gse.svc.cluster.local:26379',
      { host: 'redis-0.redis.gse.svc.cluster.local', port: 26379 },
    ],
    [':8080', { host: '0.0.0.0', port: 8080 }],
    ['[::1]:8080', { host: '::1', port: 8080 }],
    ['[::]:65535', { host: '::', port: 65535 }],
  ])('reads %j', (text, expected) => {
    expect(parseHostPort(text)).toEqual(expected);
  });

  it.each([
    '8080',
    'localhost',
    'localhost:',
    'localhost:65536',
    'localhost:-1',
    'localhost:80a',
    '::1:8080',
    '[nothost]:80',
    'bad host:80',
    '-redis:6379',
    'http://redis:6379',
    '',
  ])('rejects %j', (text) => {
    expect(tryParseHostPort(text)).toBeUndefined();
    expect(() => parseHostPort(text)).toThrow('invalid address: must be host:port');
  });

  it('rejects values that are not strings', () => {
    expect(tryParseHostPort(8080)).toBeUndefined();
  });
});
