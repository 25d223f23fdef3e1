import { createPublicKey, verify, type KeyObject } from 'node:crypto';

import type { SimApp } from '../model.js';

/** GitHub accepts an app JWT whose `iat` is at most this far in the future (clock drift). */
export const JWT_CLOCK_SKEW_SECONDS = 60;
/** GitHub's maximum app JWT lifetime, `exp − iat`. */
export const JWT_MAX_LIFETIME_SECONDS = 600;

export type AppJwtVerification =
  { readonly ok: true; readonly app: SimApp } | { readonly ok: false; readonly message: string };

const UNDECODABLE = 'A JSON web token could not be decoded';

/**
 * Verifies a GitHub App JWT as GitHub does: RS256 signature by the issuing app's key, `iss`
 * naming a known app, `iat` not in the future beyond 60 s of skew, `exp` in the future and
 * at most 10 minutes after `iat`. The messages are GitHub's own.
 */
export function verifyAppJwt(
  jwt: string,
  apps: readonly SimApp[],
  nowMs: number,
  publicKeyOf: (app: SimApp) => KeyObject = (app) => createPublicKey(app.publicKeyPem),
): AppJwtVerification {
  const parts = jwt.split('.');
  if (parts.length !== 3) return { ok: false, message: UNDECODABLE };
  const [headerPart = '', payloadPart = '', signaturePart = ''] = parts;
  const header = decodeJsonPart(headerPart);
  const payload = decodeJsonPart(payloadPart);
  if (!header || !payload) return { ok: false, message: UNDECODABLE };
  if (header['alg'] !== 'RS256') return { ok: false, message: UNDECODABLE };

  const issuer = payload['iss'];
  const app = apps.find((candidate) => String(candidate.appId) === String(issuer));
  if (!app) {
    return { ok: false, message: "'Issuer' claim ('iss') must be an Integer" };
  }
  const signed = Buffer.from(`${headerPart}.${payloadPart}`, 'utf8');
  const signature = Buffer.from(signaturePart, 'base64url');
  if (!verify('RSA-SHA256', signed, publicKeyOf(app), signature)) {
    return { ok: false, message: UNDECODABLE };
  }

  const iat = payload['iat'];
  const exp = payload['exp'];
  const nowSeconds = Math.floor(nowMs / 1000);
  if (typeof iat !== 'number' || iat > nowSeconds + JWT_CLOCK_SKEW_SECONDS) {
    return {
      ok: false,
      message:
        "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued.",
    };
  }
  if (typeof exp !== 'number' || exp <= nowSeconds) {
    return {
      ok: false,
      message:
        "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires.",
    };
  }
  if (exp - iat > JWT_MAX_LIFETIME_SECONDS) {
    return {
      ok: false,
      message: "'Expiration time' claim ('exp') is too far in the future.",
    };
  }
  return { ok: true, app };
}

function decodeJsonPart(part: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
