import type { CachedInstallationToken, InstallationTokenCache } from './client-ports.js';
import { responseOf } from './octokit-response.js';

/** Mints a new installation token (the app JWT exchange); never answers from a cache. */
export type MintInstallationToken = () => Promise<{
  readonly token: string;
  readonly expiresAt: string;
}>;

/** The endpoint that mints installation tokens, as reports and errors name it. */
export const TOKEN_ENDPOINT = '/app/installations/{installation_id}/access_tokens';

/** Minting a token failed at GitHub (not in the shared cache): `cause` is octokit's error. */
export class TokenMintError extends Error {
  /** The HTTP status of the mint, when a response arrived. */
  readonly status: number | undefined;

  constructor(installationId: number, options: { cause: unknown }) {
    super(`minting an installation token for ${installationId} failed`, options);
    this.name = 'TokenMintError';
    this.status = responseOf(options.cause)?.status;
  }
}

export interface InstallationTokenSource {
  /**
   * A token that is not near its expiry: cached (locally, then fleet-wide) or newly minted.
   * A failed mint rejects with `TokenMintError`; the shared cache's errors pass through.
   */
  getToken(): Promise<string>;
  /** Forgets `rejected` (GitHub answered 401 to it) and returns another token. */
  renew(rejected: string): Promise<string>;
}

// A token is renewed when less than this share of its lifetime is left, capped at five
// minutes: hourly tokens renew at 55 min, and the short ones of tests renew in time too.
const RENEW_SHARE = 0.1;
const MAX_RENEW_BEFORE_MS = 5 * 60_000;

function isFresh(token: CachedInstallationToken, nowMs: number): boolean {
  const lifetimeMs = token.expiresAtMs - token.issuedAtMs;
  const renewBeforeMs = Math.min(MAX_RENEW_BEFORE_MS, Math.max(0, lifetimeMs) * RENEW_SHARE);
  return nowMs < token.expiresAtMs - renewBeforeMs;
}

/**
 * The installation token of one client. Concurrent callers share one mint; with a shared
 * `cache` the whole fleet uses one token per installation, which keeps stored ETags valid
 * across processes (GitHub's ETags are token-bound).
 */
export function createInstallationTokenSource(options: {
  readonly installationId: number;
  readonly mint: MintInstallationToken;
  readonly cache: InstallationTokenCache | undefined;
  readonly now: () => number;
}): InstallationTokenSource {
  const { installationId, cache, now } = options;
  let current: CachedInstallationToken | undefined;
  let inFlight: Promise<string> | undefined;

  async function obtain(): Promise<string> {
    const shared = await cache?.get(installationId);
    if (shared && isFresh(shared, now())) {
      current = shared;
      return shared.token;
    }
    const issuedAtMs = now();
    let minted: Awaited<ReturnType<MintInstallationToken>>;
    try {
      minted = await options.mint();
    } catch (cause) {
      throw new TokenMintError(installationId, { cause });
    }
    const expiresAtMs = Date.parse(minted.expiresAt);
    if (Number.isNaN(expiresAtMs)) {
      throw new TypeError(`installation token for ${installationId} has an unreadable expires_at`);
    }
    current = { token: minted.token, expiresAtMs, issuedAtMs };
    await cache?.set(installationId, current);
    return current.token;
  }

  function getToken(): Promise<string> {
    if (current && isFresh(current, now())) return Promise.resolve(current.token);
    inFlight ??= obtain().finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  }

  async function renew(rejected: string): Promise<string> {
    if (current?.token === rejected) {
      current = undefined;
      await cache?.delete(installationId, rejected);
    }
    return getToken();
  }

  return { getToken, renew };
}
