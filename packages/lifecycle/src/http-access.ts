import { createHash, timingSafeEqual } from 'node:crypto';

/** An `auth` section as the config hands it out (`server.auth`): every field `undefined` when off. */
export interface HttpAuthConfig {
  readonly bearerToken: string | undefined;
  readonly basicUsername: string | undefined;
  readonly basicPassword: string | undefined;
}

/** Who may use an endpoint. */
export interface HttpAccess {
  /** True when access control is off, or the `Authorization` header carries a valid credential. */
  allows(authorization: string | undefined): boolean;
  /** The `WWW-Authenticate` challenge(s) a 401 carries: each configured scheme. */
  readonly challenges: readonly string[];
}

/**
 * Access control of an endpoint (the public `/metrics` with `server.auth`): off when nothing
 * is configured; with a bearer token, basic auth, or both (either credential is accepted).
 * Credentials are compared as SHA-256 digests in constant time, so neither their content nor
 * their length leaks through timing. `realm` names the protected space in the challenges.
 */
export function createHttpAccess(auth: HttpAuthConfig, realm: string): HttpAccess {
  const expected: Buffer[] = [];
  const challenges: string[] = [];
  if (auth.bearerToken !== undefined) {
    expected.push(digest(`Bearer ${auth.bearerToken}`));
    challenges.push(`Bearer realm="${realm}"`);
  }
  if (auth.basicUsername !== undefined && auth.basicPassword !== undefined) {
    const credentials = Buffer.from(`${auth.basicUsername}:${auth.basicPassword}`, 'utf8');
    expected.push(digest(`Basic ${credentials.toString('base64')}`));
    challenges.push(`Basic realm="${realm}", charset="UTF-8"`);
  }
  return {
    challenges,
    allows(authorization) {
      if (expected.length === 0) return true;
      if (authorization === undefined) return false;
      const offered = digest(normalizeScheme(authorization.trim()));
      // Every candidate is compared, so the time does not tell which scheme is configured.
      return expected.reduce((ok, candidate) => timingSafeEqual(candidate, offered) || ok, false);
    },
  };
}

/** The scheme name is case-insensitive (RFC 9110 §11.1); the credential is not. */
function normalizeScheme(authorization: string): string {
  const space = authorization.indexOf(' ');
  if (space < 0) return authorization;
  const scheme = authorization.slice(0, space).toLowerCase();
  const credential = authorization.slice(space + 1).trim();
  if (scheme === 'bearer') return `Bearer ${credential}`;
  if (scheme === 'basic') return `Basic ${credential}`;
  return authorization;
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
