/** A repo by its name and its GitHub id. */
export interface RepoIdentity {
  readonly owner: string;
  readonly repo: string;
  /** GitHub's repo id: it stays the same across renames and transfers. */
  readonly repoId: number;
}

/**
 * The key an ETag of `url` is stored under: a URL of `repo` (`…/repos/{owner}/{repo}` or
 * below it) is keyed by the repo's id (`…/repositories/{id}…`, query kept), so the ETags of
 * a renamed repo still answer under its new name; any other URL, or every URL without a
 * `repo`, is its own key. Only the key: requests still go to the URL by name (GitHub
 * documents `/repositories/{id}` for no sub-resource). Names match case-insensitively, as
 * GitHub's do.
 */
export function etagKeyOf(url: string, repo?: RepoIdentity): string {
  if (repo === undefined) return url;
  const parsed = new URL(url);
  const segments = parsed.pathname.split('/');
  const owner = encodeURIComponent(repo.owner).toLowerCase();
  const name = encodeURIComponent(repo.repo).toLowerCase();
  const at = segments.findIndex(
    (segment, index) =>
      segment === 'repos' &&
      segments[index + 1]?.toLowerCase() === owner &&
      segments[index + 2]?.toLowerCase() === name,
  );
  if (at === -1) return url;
  parsed.pathname = [
    ...segments.slice(0, at),
    'repositories',
    String(repo.repoId),
    ...segments.slice(at + 3),
  ].join('/');
  return parsed.toString();
}
