import { describe, expect, it } from 'vitest';

import { redactUrlCredentials, renderValue } from './render-value.js';

describe('redactUrlCredentials', () => {
  it.each([
    ['amqp://gse:hunter2@rabbit:5672/vhost', 'amqp://gse:[REDACTED]@rabbit:5672/vhost'],
    ['https://ghp_token@ghe.example.com', 'https://[REDACTED]@ghe.example.com'],
    [
      'redis://:pw@redis:6379 and amqps://u:p@r',
      'redis://:[REDACTED]@redis:6379 and amqps://u:[REDACTED]@r',
    ],
    ['https://ghe.example.com/api/v3', 'https://ghe.example.com/api/v3'],
    ['no url here: user@example.com', 'no url here: user@example.com'],
  ])('%s', (text, expected) => {
    expect(redactUrlCredentials(text)).toBe(expected);
  });
});

describe('renderValue', () => {
  it('redacts secrets whether set or not', () => {
    expect(renderValue('hunter2', { sensitive: true })).toBe('[REDACTED]');
    expect(renderValue('', { sensitive: true })).toBe('[REDACTED]');
  });

  it('renders JSON, masks URL credentials at any depth, and cuts long values', () => {
    expect(renderValue(undefined, { sensitive: false })).toBe('(not set)');
    expect(renderValue(['1m', 2, { url: 'amqp://a:b@c' }], { sensitive: false })).toBe(
      '["1m",2,{"url":"amqp://a:[REDACTED]@c"}]',
    );
    expect(renderValue('x'.repeat(300), { sensitive: false })).toBe(`"${'x'.repeat(199)}…`);
  });
});
