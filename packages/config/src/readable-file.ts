import { accessSync, constants, statSync } from 'node:fs';

import { errorCode } from './env-overrides.js';

/** Why `path` is not a readable file (`ENOENT`, `EACCES`, `not a file`), or `undefined`. */
export function unreadableReason(path: string): string | undefined {
  try {
    if (!statSync(path).isFile()) return 'not a file';
    accessSync(path, constants.R_OK);
    return undefined;
  } catch (error) {
    return errorCode(error);
  }
}
