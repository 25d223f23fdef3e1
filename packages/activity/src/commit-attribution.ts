import { toUserKey } from './user-identity.js';

/** The `user` label of commits that no GitHub login can be derived for. */
export const UNLINKED_USER = 'unlinked';

/** A GitHub account as the API embeds it: its login and, wherever GitHub gives one, its id. */
export interface GitHubAccount {
  readonly login: string;
  /** The account's user id, which survives renames; absent where the API gives none. */
  readonly id?: number | undefined;
}

/** What attribution needs from a commit as GitHub lists it. */
export interface CommitAuthorship {
  /** `author` of the commit list item: the GitHub account linked to the git author, if any. */
  readonly author: GitHubAccount | null;
  /** `commit.author.email`, the git author email. */
  readonly authorEmail: string | null;
}

/** The account a noreply author email names. */
export interface NoreplyAddress {
  /** The login inside the address, as it was when the commit was made. */
  readonly login: string;
  /** The user id of `<id>+<login>@…` addresses (GitHub's form since 2017); absent in `<login>@…`. */
  readonly userId?: number;
}

/** Reads a git author email as a noreply address of the fleet's GitHub, or `undefined`. */
export type NoreplyEmailReader = (email: string) => NoreplyAddress | undefined;

// A GitHub login: alphanumerics and inner single hyphens, ≤ 39 characters; apps add `[bot]`.
const LOGIN = '[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}(?:\\[bot\\])?';

/**
 * The noreply email domain of the GitHub whose API root is `apiBaseUrl` (`github.api_base_url`):
 * `https://api.github.com` → `users.noreply.github.com`; a GitHub Enterprise Server's
 * `https://ghe.example/api/v3` → `users.noreply.ghe.example`. Lower case, without the port.
 * See docs/github-limitations.md#noreply-emails-name-the-instances-host.
 */
export function toNoreplyDomain(apiBaseUrl: string): string {
  let host: string;
  try {
    host = new URL(apiBaseUrl).hostname;
  } catch {
    throw new TypeError(`github.api_base_url is not a URL: ${JSON.stringify(apiBaseUrl)}`);
  }
  // GitHub.com (and GHE.com) serve the API on an `api.` host beside the web host.
  return `users.noreply.${host.replace(/^api\./, '')}`;
}

/**
 * Reads `<id>+<login>@<domain>` and `<login>@<domain>` addresses, `domain` from
 * {@link toNoreplyDomain}; case-insensitively, as email domains are.
 */
export function createNoreplyEmailReader(domain: string): NoreplyEmailReader {
  const escaped = domain.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const pattern = new RegExp(`^(?:(\\d+)\\+)?(${LOGIN})@${escaped}$`, 'i');
  return (email) => {
    const match = pattern.exec(email);
    if (!match?.[2]) return undefined;
    const userId = match[1] === undefined ? undefined : Number(match[1]);
    return userId !== undefined && Number.isSafeInteger(userId) && userId > 0
      ? { login: match[2], userId }
      : { login: match[2] };
  };
}

/**
 * The user a commit counts for (DESIGN.md §5), as a user key (`toUserKey`): the linked author;
 * else the account a `<id>+<login>@users.noreply.<host>` or `<login>@users.noreply.<host>`
 * author email names (by its id where it has one, so an old address of a renamed user still
 * counts for them); else {@link UNLINKED_USER}. Never the committer (that is `web-flow` for
 * every merge made in GitHub's UI) and never an email or part of one: emails are not logins,
 * can collide with logins, and are personal data.
 * See docs/github-limitations.md#commit-authors-can-be-null-committers-are-often-web-flow.
 */
export function attributeCommit(
  commit: CommitAuthorship,
  readNoreplyEmail: NoreplyEmailReader,
): string {
  if (commit.author) return toUserKey(commit.author);
  const noreply = commit.authorEmail ? readNoreplyEmail(commit.authorEmail) : undefined;
  if (!noreply) return UNLINKED_USER;
  return toUserKey({ login: noreply.login, id: noreply.userId });
}
