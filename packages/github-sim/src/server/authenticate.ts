import { createPublicKey, type KeyObject } from 'node:crypto';

import type { SimApp, SimDataset } from '../model.js';
import { verifyAppJwt } from './app-jwt.js';
import type { ApiRoute, Caller } from './api-route.js';
import { badCredentials, githubError, jwtRejected, type ApiResult } from './github-errors.js';
import type { InstallationTokenStore, IssuedToken } from './installation-tokens.js';

export type Authentication =
  | { readonly ok: true; readonly caller: Caller }
  /** `issued`: the token the caller presented, when known (expired), for the counters. */
  | { readonly ok: false; readonly result: ApiResult; readonly issued?: IssuedToken };

export interface Authenticator {
  authenticate(
    auth: ApiRoute['auth'],
    authorization: string | undefined,
    nowMs: number,
  ): Authentication;
}

/** `token X` or `Bearer X` (any case), as GitHub accepts both for every credential kind. */
function credentialOf(authorization: string | undefined): string | undefined {
  if (authorization === undefined) return undefined;
  const match = /^(?:token|bearer)\s+(\S+)\s*$/i.exec(authorization);
  return match?.[1];
}

function looksLikeJwt(credential: string): boolean {
  return credential.split('.').length === 3;
}

export function createAuthenticator(
  dataset: SimDataset,
  tokens: InstallationTokenStore,
): Authenticator {
  const publicKeys = new Map<number, KeyObject>();
  const publicKeyOf = (app: SimApp): KeyObject => {
    let key = publicKeys.get(app.appId);
    if (!key) {
      key = createPublicKey(app.publicKeyPem);
      publicKeys.set(app.appId, key);
    }
    return key;
  };

  const asApp = (credential: string, nowMs: number): Authentication => {
    const verified = verifyAppJwt(credential, dataset.apps, nowMs, publicKeyOf);
    return verified.ok
      ? { ok: true, caller: { kind: 'app', app: verified.app, credential } }
      : { ok: false, result: jwtRejected(verified.message) };
  };
  const asInstallation = (credential: string, nowMs: number): Authentication => {
    const found = tokens.lookup(credential, nowMs);
    if (found.ok) return { ok: true, caller: { kind: 'installation', issued: found.issued } };
    return {
      ok: false,
      result: badCredentials(),
      ...(found.issued ? { issued: found.issued } : {}),
    };
  };

  return {
    authenticate(auth, authorization, nowMs) {
      const credential = credentialOf(authorization);
      if (authorization !== undefined && credential === undefined) {
        return { ok: false, result: badCredentials() };
      }
      switch (auth) {
        case 'app':
          if (credential === undefined) {
            return {
              ok: false,
              result: jwtRejected(
                'You must authenticate with a JSON web token (JWT) to access this endpoint.',
              ),
            };
          }
          // GitHub answers an installation token on an app endpoint with the JWT message.
          if (!looksLikeJwt(credential)) {
            return { ok: false, result: jwtRejected('A JSON web token could not be decoded') };
          }
          return asApp(credential, nowMs);
        case 'installation':
          if (credential === undefined) {
            return { ok: false, result: githubError(401, 'Requires authentication') };
          }
          return asInstallation(credential, nowMs);
        case 'none':
          if (credential === undefined) return { ok: true, caller: { kind: 'anonymous' } };
          return looksLikeJwt(credential)
            ? asApp(credential, nowMs)
            : asInstallation(credential, nowMs);
      }
    },
  };
}
