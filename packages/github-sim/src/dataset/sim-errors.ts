/** An org, repo, pull request or issue the dataset does not have (the server's 404). */
export class SimNotFoundError extends Error {
  override readonly name = 'SimNotFoundError';
}

/**
 * A change GitHub would refuse in the current state: merging a draft or a closed PR,
 * writing to an archived or disabled repo, opening a PR in an empty repo (the server's
 * 405/409/422).
 */
export class SimConflictError extends Error {
  override readonly name = 'SimConflictError';
}
