import { generateKeyPairSync, sign } from 'node:crypto';

import { describe, expect, it } from 'vitest';

import type { SimApp } from '../model.js';
import { verifyAppJwt } from './app-jwt.js';

function newApp(appId: number): SimApp {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  return { appId, slug: `app-${appId}`, privateKeyPem: privateKey, publicKeyPem: publicKey };
}

function jwtFor(app: SimApp, claims: Record<string, unknown>): string {
  const encode = (value: unknown): string =>
    Buffer.from(JSON.stringify(value)).toString('base64url');
  const unsigned = `${encode({ alg: 'RS256', typ: 'JWT' })}.${encode(claims)}`;
  return `${unsigned}.${sign('RSA-SHA256', Buffer.from(unsigned), app.privateKeyPem).toString('base64url')}`;
}

describe('verifyAppJwt', () => {
  const app = newApp(7);
  const nowMs = 1_800_000_000_000;
  const now = nowMs / 1000;

  it('accepts what octokit signs: iat 30 s back, exp 10 min after iat, iss as number or string', () => {
    for (const iss of [7, '7']) {
      expect(
        verifyAppJwt(jwtFor(app, { iss, iat: now - 30, exp: now + 570 }), [app], nowMs),
      ).toEqual({ ok: true, app });
    }
  });

  it('takes exactly 60 s of clock skew on iat and exactly 10 min of lifetime', () => {
    expect(
      verifyAppJwt(jwtFor(app, { iss: 7, iat: now + 60, exp: now + 660 }), [app], nowMs).ok,
    ).toBe(true);
    expect(
      verifyAppJwt(jwtFor(app, { iss: 7, iat: now + 61, exp: now + 661 }), [app], nowMs).ok,
    ).toBe(false);
    expect(
      verifyAppJwt(jwtFor(app, { iss: 7, iat: now - 1, exp: now + 600 }), [app], nowMs).ok,
    ).toBe(false);
    expect(verifyAppJwt(jwtFor(app, { iss: 7, iat: now - 600, exp: now }), [app], nowMs).ok).toBe(
      false,
    );
  });

  it('refuses a token whose signature or header was tampered with', () => {
    const token = jwtFor(app, { iss: 7, iat: now - 30, exp: now + 570 });
    const [header = '', payload = '', signature = ''] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ iss: 7, iat: now - 30, exp: now + 3600 })).toString(
      'base64url',
    );
    expect(verifyAppJwt(`${header}.${forged}.${signature}`, [app], nowMs).ok).toBe(false);
    const none = Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url');
    expect(verifyAppJwt(`${none}.${payload}.`, [app], nowMs).ok).toBe(false);
  });
});
