/**
 * What the client needs from shared storage, as ports: `@gse/store` implements them on Redis
 * so the whole fleet shares them, and a service wires the two together.
 */

/**
 * ETags by (installation, URL); the client passes `etagKeyOf(url)` as the URL, so a repo's
 * ETags may be keyed by its id. GitHub's ETags are bound to the token that fetched them, so
 * they only help processes sharing that token
 * (docs/github-limitations.md#etags-are-bound-to-the-token).
 */
export interface EtagCache {
  /** The ETag last stored for `url`, or `undefined`. */
  get(installationId: number, url: string): Promise<string | undefined>;
  /** Stores `etag` for `url`, replacing any earlier one. */
  set(installationId: number, url: string, etag: string): Promise<void>;
}

/** A held slot of an {@link InstallationSemaphore}. */
export interface SemaphoreLease {
  /** Frees the slot. Idempotent. */
  release(): Promise<void>;
}

/**
 * Caps the requests in flight per installation across every process of the fleet
 * (`rate_limit.max_concurrent_requests_per_installation`), so the fleet as a whole stays
 * under GitHub's concurrency secondary limit. A slot held by a process that dies must come
 * free on its own (a lease that expires).
 */
export interface InstallationSemaphore {
  /**
   * Resolves once a slot is held. Rejects with `signal.reason` when `signal` aborts first.
   */
  acquire(installationId: number, signal: AbortSignal): Promise<SemaphoreLease>;
}

/** An installation access token as GitHub issued it. */
export interface CachedInstallationToken {
  readonly token: string;
  /** GitHub's `expires_at`, epoch ms. */
  readonly expiresAtMs: number;
  /** When it was minted, epoch ms; with `expiresAtMs` it gives the token's lifetime. */
  readonly issuedAtMs: number;
}

/**
 * Installation tokens shared by the fleet. Optional: without it each client mints its own,
 * which works, but an ETag stored by one process then never matches in another (ETags are
 * token-bound), so conditional requests stop saving rate limit once several workers scrape
 * the same installation.
 */
export interface InstallationTokenCache {
  get(installationId: number): Promise<CachedInstallationToken | undefined>;
  set(installationId: number, token: CachedInstallationToken): Promise<void>;
  /** Forgets the installation's token if it is still `token` (GitHub refused it). */
  delete(installationId: number, token: string): Promise<void>;
}
