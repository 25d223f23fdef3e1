/** The `user` label of commits that no GitHub login can be derived for. */
export const UNLINKED_USER = 'unlinked';

/** What attribution needs from a commit as GitHub lists it. */
export interface CommitAuthorship {
  /** `author.login` of the GitHub user linked to the commit author, if any. */
  readonly authorLogin: string | null;
  /** `commit.author.email`, the git author email. */
  readonly authorEmail: string | null;
}

// A GitHub login: alphanumerics and inner single hyphens, ≤ 39 characters; apps add `[bot]`.
const LOGIN = '[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}(?:\\[bot\\])?';
const NOREPLY_EMAIL = new RegExp(`^(?:\\d+\\+)?(${LOGIN})@users\\.noreply\\.github\\.com$`, 'i');

/**
 * The user a commit counts for (DESIGN.md §5): the linked author's login; else the login
 * inside a `<id>+<login>@users.noreply.github.com` or `<login>@users.noreply.github.com`
 * author email; else {@link UNLINKED_USER}. Never the committer (that is `web-flow` for every
 * merge made in GitHub's UI) and never an email or part of one: emails are not logins, can
 * collide with logins, and are personal data.
 * See docs/github-limitations.md#commit-authors-can-be-null-committers-are-often-web-flow.
 */
export function attributeCommit(commit: CommitAuthorship): string {
  if (commit.authorLogin) return commit.authorLogin;
  const noreplyLogin = commit.authorEmail ? NOREPLY_EMAIL.exec(commit.authorEmail)?.[1] : undefined;
  return noreplyLogin ?? UNLINKED_USER;
}
