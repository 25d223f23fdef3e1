import { describe, expect, it } from 'vitest';

import type { CachedInstallationToken, InstallationTokenCache } from './client-ports.js';
import { createInstallationTokenSource, TokenMintError } from './installation-token-source.js';

const HOUR = 3_600_000;
const startMs = Date.parse('2026-11-28T13:00:00Z');

function setup(options: { lifetimeMs?: number; cache?: InstallationTokenCache } = {}) {
  let nowMs = startMs;
  let minted = 0;
  const lifetimeMs = options.lifetimeMs ?? HOUR;
  const source = createInstallationTokenSource({
    installationId: 1001,
    cache: options.cache,
    now: () => nowMs,
    mint: () => {
      minted += 1;
      return Promise.resolve({
        token: `ghs_${minted}`,
        expiresAt: new Date(nowMs + lifetimeMs).toISOString(),
      });
    },
  });
  return { source, minted: () => minted, advance: (ms: number) => (nowMs += ms) };
}

function memoryTokenCache(): InstallationTokenCache & {
  stored: Map<number, CachedInstallationToken>;
} {
  const stored = new Map<number, CachedInstallationToken>();
  return {
    stored,
    get: (id) => Promise.resolve(stored.get(id)),
    set: (id, token) => {
      stored.set(id, token);
      return Promise.resolve();
    },
    delete: (id, token) => {
      if (stored.get(id)?.token === token) stored.delete(id);
      return Promise.resolve();
    },
  };
}

describe('installation token source', () => {
  it('reuses a token and renews it five minutes before an hourly expiry', async () => {
    const { source, minted, advance } = setup();
    expect(await source.getToken()).toBe('ghs_1');
    advance(55 * 60_000 - 1);
    expect(await source.getToken()).toBe('ghs_1');
    advance(1);
    expect(await source.getToken()).toBe('ghs_2');
    expect(minted()).toBe(2);
  });

  it('renews a short-lived token when a tenth of its lifetime is left', async () => {
    const { source, advance } = setup({ lifetimeMs: 10_000 });
    await source.getToken();
    advance(8999);
    expect(await source.getToken()).toBe('ghs_1');
    advance(1);
    expect(await source.getToken()).toBe('ghs_2');
  });

  it('mints once for concurrent callers', async () => {
    const { source, minted } = setup();
    expect(await Promise.all([source.getToken(), source.getToken(), source.getToken()])).toEqual([
      'ghs_1',
      'ghs_1',
      'ghs_1',
    ]);
    expect(minted()).toBe(1);
  });

  it('replaces a refused token once, however many requests saw it refused', async () => {
    const { source, minted } = setup();
    await source.getToken();
    expect(await Promise.all([source.renew('ghs_1'), source.renew('ghs_1')])).toEqual([
      'ghs_2',
      'ghs_2',
    ]);
    // A late 401 for the old token does not discard the new one.
    expect(await source.renew('ghs_1')).toBe('ghs_2');
    expect(minted()).toBe(2);
  });

  it('shares the token through the cache, so a second client mints nothing', async () => {
    const cache = memoryTokenCache();
    const first = setup({ cache });
    const second = setup({ cache });
    expect(await first.source.getToken()).toBe('ghs_1');
    expect(await second.source.getToken()).toBe('ghs_1');
    expect(second.minted()).toBe(0);
    expect(cache.stored.get(1001)).toEqual({
      token: 'ghs_1',
      issuedAtMs: startMs,
      expiresAtMs: startMs + HOUR,
    });
  });

  it('drops a refused token from the cache and mints a new one', async () => {
    const cache = memoryTokenCache();
    const { source } = setup({ cache });
    await source.getToken();
    expect(await source.renew('ghs_1')).toBe('ghs_2');
    expect(cache.stored.get(1001)?.token).toBe('ghs_2');
  });

  it('wraps a failed mint in TokenMintError with the status GitHub sent', async () => {
    const source = createInstallationTokenSource({
      installationId: 1001,
      cache: undefined,
      now: () => startMs,
      mint: () =>
        Promise.reject(
          Object.assign(new Error('Server Error'), { status: 502, response: { status: 502 } }),
        ),
    });
    const error: unknown = await source.getToken().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TokenMintError);
    expect((error as TokenMintError).status).toBe(502);
    expect((error as TokenMintError).message).toBe('minting an installation token for 1001 failed');
  });
});
