import { describe, expect, it } from 'vitest';

import { resolveBackfillRepo } from './backfill-repo.js';

describe('resolveBackfillRepo', () => {
  it('reads a repo that kept its name under it', () => {
    expect(
      resolveBackfillRepo({ repo: 'web', repoId: 7 }, { orgSynced: true, name: 'web' }),
    ).toEqual({ kind: 'read', repo: 'web' });
  });

  it('reads a repo renamed since the message was queued under its new name', () => {
    expect(
      resolveBackfillRepo({ repo: 'web', repoId: 7 }, { orgSynced: true, name: 'web-app' }),
    ).toEqual({ kind: 'read', repo: 'web-app', renamedFrom: 'web' });
  });

  it('drops the window of a repo that left a synced org', () => {
    expect(
      resolveBackfillRepo({ repo: 'web', repoId: 7 }, { orgSynced: true, name: undefined }),
    ).toEqual({ kind: 'departed' });
  });

  it('reads an org never synced (or synced over a week ago) under the message name', () => {
    expect(
      resolveBackfillRepo({ repo: 'web', repoId: 7 }, { orgSynced: false, name: undefined }),
    ).toEqual({ kind: 'read', repo: 'web' });
  });

  it('reads a message without an id (an earlier release) as named, looking nothing up', () => {
    expect(resolveBackfillRepo({ repo: 'web' }, undefined)).toEqual({ kind: 'read', repo: 'web' });
    expect(resolveBackfillRepo({ repo: 'web' }, { orgSynced: true, name: 'other' })).toEqual({
      kind: 'read',
      repo: 'web',
    });
  });
});
