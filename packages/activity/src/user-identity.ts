/**
 * Users are identified by GitHub's user id wherever the API gives one (DESIGN.md §5): an
 * event counts for a **user key**, `#<id>`, and the `user` label of its series is the login
 * most recently seen for that id, resolved when series are computed. So a renamed user keeps
 * one series, under the new login, from the first refresh after the fleet sees it. Where the
 * API gives no id (a `<login>@users.noreply…` email, a deleted account's `ghost`,
 * `unlinked`) the key is the login itself and is its own label.
 */

/** A login GitHub showed for a user id, and when (epoch ms): the newest sighting names the id. */
export interface LoginSighting {
  readonly userId: number;
  readonly login: string;
  readonly seenAtMs: number;
}

const ID_KEY = /^#([1-9]\d*)$/;

/** The key of an account: `#<id>` when the API gave its id, else its login. */
export function toUserKey(account: {
  readonly login: string;
  readonly id?: number | undefined;
}): string {
  return account.id === undefined ? account.login : `#${account.id}`;
}

/** The user id of a `#<id>` key; `undefined` for a login key. Logins never start with `#`. */
export function toUserIdOfKey(key: string): number | undefined {
  const match = ID_KEY.exec(key);
  return match ? Number(match[1]) : undefined;
}

/** What the fleet has seen of the id behind a key. */
export interface SeenLogin {
  /** The login most recently seen for the id. */
  readonly login: string;
  /** The id most recently seen with that login (compared case-insensitively, as GitHub does). */
  readonly holderId: number | undefined;
}

/**
 * The `user` label of a key. A login key is its own label. An id key reads as the login
 * most recently seen for it — unless another id was seen with that login since (the login
 * was freed and taken, and this id's new login is not seen yet): then `<login>#<id>`, so
 * two users never share a series. An id with no login seen reads as its key.
 */
export function toUserLabel(key: string, seen: SeenLogin | undefined): string {
  const userId = toUserIdOfKey(key);
  if (userId === undefined) return key;
  if (!seen) return key;
  return seen.holderId === undefined || seen.holderId === userId
    ? seen.login
    : `${seen.login}#${userId}`;
}
