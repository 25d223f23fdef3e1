import { randomBytes } from 'node:crypto';

/** An installation access token as the simulator remembers it. */
export interface IssuedToken {
  readonly token: string;
  readonly installationId: number;
  readonly org: string;
  readonly expiresAtMs: number;
}

export type TokenLookup =
  | { readonly ok: true; readonly issued: IssuedToken }
  | { readonly ok: false; readonly issued: IssuedToken | undefined };

export interface InstallationTokenStore {
  /** Mints a `ghs_…` token for the installation, valid for the configured lifetime. */
  issue(installationId: number, org: string, nowMs: number): IssuedToken;
  /** A token is good when it was issued here, and neither expired nor revoked. */
  lookup(token: string, nowMs: number): TokenLookup;
  /**
   * Ends every token (of `org` only, when given) now, as the hourly rotation does: the
   * client must mint a new one. Returns how many tokens were ended.
   */
  expire(nowMs: number, org?: string): number;
}

const TOKEN_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** GitHub's installation token format: `ghs_` and 36 alphanumerics. */
function newTokenValue(): string {
  const bytes = randomBytes(36);
  let value = 'ghs_';
  for (const byte of bytes) value += TOKEN_ALPHABET[byte % TOKEN_ALPHABET.length] ?? 'A';
  return value;
}

export function createInstallationTokenStore(lifetimeMs: number): InstallationTokenStore {
  const tokens = new Map<string, IssuedToken>();
  return {
    issue(installationId, org, nowMs) {
      // GitHub's expires_at has whole seconds; keep the stored expiry equal to what it says.
      const expiresAtMs = Math.floor((nowMs + lifetimeMs) / 1000) * 1000;
      const issued: IssuedToken = { token: newTokenValue(), installationId, org, expiresAtMs };
      tokens.set(issued.token, issued);
      return issued;
    },
    lookup(token, nowMs) {
      const issued = tokens.get(token);
      if (!issued || issued.expiresAtMs <= nowMs) return { ok: false, issued };
      return { ok: true, issued };
    },
    expire(nowMs, org) {
      let ended = 0;
      for (const [value, issued] of tokens) {
        if (org !== undefined && issued.org !== org) continue;
        if (issued.expiresAtMs <= nowMs) continue;
        tokens.set(value, { ...issued, expiresAtMs: nowMs });
        ended += 1;
      }
      return ended;
    },
  };
}
