/** What to do about one failed request; `reason` is a short phrase for logs and errors. */
export type GitHubErrorDecision =
  /** Send again after the exponential backoff, or after `retryAfterMs` if that is longer. */
  | { readonly kind: 'retry'; readonly reason: string; readonly retryAfterMs: number | undefined }
  /** The installation's primary budget is spent: send nothing until `resetAtMs` + buffer. */
  | {
      readonly kind: 'wait-primary';
      readonly reason: string;
      readonly resetAtMs: number | undefined;
    }
  /** A secondary limit: send nothing for max(`secondary_limit_backoff`, `retryAfterMs`). */
  | {
      readonly kind: 'wait-secondary';
      readonly reason: string;
      readonly retryAfterMs: number | undefined;
    }
  /** The installation token was refused: mint a new one and send again, once. */
  | { readonly kind: 'renew-token'; readonly reason: string }
  /** The same request would fail the same way: give up now. */
  | { readonly kind: 'permanent'; readonly reason: string };
