import { withSpan } from '@gse/tracing';

import type { RepoRef } from './store-keys.js';

/**
 * A write to a repo's Redis ledger, in its own span: which write, which repo (or which org,
 * for a write to many of its repos), how many items.
 */
export function withLedgerSpan<T>(
  operation: string,
  ref: RepoRef | { readonly org: string },
  items: number,
  write: () => Promise<T>,
): Promise<T> {
  return withSpan(
    `ledger ${operation}`,
    {
      attributes: {
        'db.system.name': 'redis',
        'db.operation.name': operation,
        'gse.org': ref.org,
        ...('repo' in ref ? { 'gse.repo': ref.repo } : {}),
        'gse.ledger.items': items,
      },
    },
    write,
  );
}

/** One Redis round trip, recorded only in `detailed` mode. */
export function withRedisSpan<T>(command: string, call: () => Promise<T>): Promise<T> {
  return withSpan(
    `redis ${command}`,
    { detail: true, attributes: { 'db.system.name': 'redis', 'db.operation.name': command } },
    call,
  );
}
