import { createHmac } from 'node:crypto';

/** What the `user` label of the Copilot families holds (`copilot.user_label_mode`). */
export type CopilotUserLabelMode = 'login' | 'id' | 'hashed' | 'none';

/**
 * The `user` label of a record: the login; the user id; the first 16 hex digits (64 bits) of
 * HMAC-SHA256 of the user id keyed with `copilot.user_label_salt` — stable across renames,
 * and not reversible without the salt, unlike the Go exporter's unsalted sha256 of a login,
 * which anyone with a list of logins can reverse; or `''` (`none`: the label is left out and
 * users are summed).
 */
export function toCopilotUserLabel(
  mode: CopilotUserLabelMode,
  user: { readonly userId: number; readonly login: string },
  salt: string,
): string {
  switch (mode) {
    case 'login':
      return user.login;
    case 'id':
      return String(user.userId);
    case 'hashed':
      return createHmac('sha256', salt).update(String(user.userId)).digest('hex').slice(0, 16);
    case 'none':
      return '';
  }
}
