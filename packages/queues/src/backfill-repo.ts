/**
 * Where a repo's backfill window is read, decided from what the store knew of the repo's id
 * at its org's last sync (`OrgRepoSync.readCurrentName` of `@gse/store`).
 *
 * - `read` under `repo`: the name the repo's series live under now (the message's own name
 *   when the repo kept it, the message carries no id, or the org was never synced).
 * - `departed`: the org was synced and the id is not among its repos (deleted, transferred
 *   out, dropped from `repo_allowlist`): its series are gone, so the window has nothing to
 *   fill; reading it under the old name would only write what the next cycle removes.
 */
export type BackfillRepoTarget =
  | { readonly kind: 'read'; readonly repo: string; readonly renamedFrom?: string }
  | { readonly kind: 'departed' };

export function resolveBackfillRepo(
  message: { readonly repo: string; readonly repoId?: number | undefined },
  names: { readonly orgSynced: boolean; readonly name: string | undefined } | undefined,
): BackfillRepoTarget {
  // No id (an earlier release's message) or nothing synced to look it up in: as named.
  if (message.repoId === undefined || names === undefined || !names.orgSynced) {
    return { kind: 'read', repo: message.repo };
  }
  if (names.name === undefined) return { kind: 'departed' };
  return names.name === message.repo
    ? { kind: 'read', repo: message.repo }
    : { kind: 'read', repo: names.name, renamedFrom: message.repo };
}
