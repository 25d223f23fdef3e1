import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Absolute path of a file or directory given relative to the repository root. */
export function repoPath(...segments: readonly string[]): string {
  return join(REPO_ROOT, ...segments);
}
