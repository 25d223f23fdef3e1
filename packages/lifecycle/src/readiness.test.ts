import { describe, expect, it } from 'vitest';

import { createReadiness } from './readiness.js';

describe('createReadiness', () => {
  it('is ready when every check is ok', async () => {
    const readiness = createReadiness();
    readiness.register('redis', () => ({ ok: true }));
    readiness.register('amqp', () => Promise.resolve({ ok: true as const }));
    expect(await readiness.evaluate()).toEqual({
      ready: true,
      checks: [
        { name: 'redis', ok: true },
        { name: 'amqp', ok: true },
      ],
    });
  });

  it('names each failing check with its reason; a throw is a failure', async () => {
    const readiness = createReadiness();
    readiness.register('redis', () => ({ ok: false, reason: 'connection refused' }));
    readiness.register('leader loop', () => ({ ok: true }));
    readiness.register('amqp', () => {
      throw new Error('channel closed');
    });
    expect(await readiness.evaluate()).toEqual({
      ready: false,
      checks: [
        { name: 'redis', ok: false, reason: 'connection refused' },
        { name: 'leader loop', ok: true },
        { name: 'amqp', ok: false, reason: 'channel closed' },
      ],
    });
  });

  it('fails a check that does not answer in time', async () => {
    const readiness = createReadiness({ checkTimeoutMs: 20 });
    readiness.register('hung', () => new Promise(() => undefined));
    expect(await readiness.evaluate()).toEqual({
      ready: false,
      checks: [{ name: 'hung', ok: false, reason: 'no answer within 20ms' }],
    });
  });

  it('is not ready once stopping, without asking the checks any more', async () => {
    const readiness = createReadiness();
    let asked = 0;
    readiness.register('redis', () => {
      asked += 1;
      return { ok: true };
    });
    readiness.markStopping();
    expect(await readiness.evaluate()).toEqual({
      ready: false,
      checks: [{ name: 'stopping', ok: false, reason: 'stopping' }],
    });
    expect(asked).toBe(0);
  });

  it('rejects a second check under the same name', () => {
    const readiness = createReadiness();
    readiness.register('redis', () => ({ ok: true }));
    expect(() => {
      readiness.register('redis', () => ({ ok: true }));
    }).toThrow('readiness check "redis" is already registered');
  });
});
