import type { LoginSighting } from '@gse/activity';
import { decodeUserById, GitHubRequestError, type GitHubClient } from '@gse/github';
import { toErrorMessage } from '@gse/logging';
import type { UserLoginChecks } from '@gse/store';

export interface CheckUserLoginsRequest {
  readonly client: GitHubClient;
  readonly checks: UserLoginChecks;
  /** Epoch ms. */
  readonly nowMs: number;
  /** `github.login_check_interval`. */
  readonly intervalMs: number;
  /** The org's `scrape_interval`: how many checks a cycle takes to spread them. */
  readonly cycleIntervalMs: number;
  /** Shutdown: stops between requests; what was found so far is recorded. */
  readonly signal: AbortSignal;
}

export interface CheckUserLoginsResult {
  /** Ids claimed this cycle: one `GET /user/{account_id}` each, unless `error` stopped it. */
  readonly checked: number;
  /** Ids whose login differed from the one the fleet had. */
  readonly renamed: number;
  /** Ids GitHub no longer has (a deleted account: its events read `ghost`). */
  readonly gone: number;
  /** Why the checks stopped early (GitHub failing): the rest wait for the next interval. */
  readonly error?: string;
}

/**
 * The logins of the users no listing showed within `intervalMs`: a rename moves no field
 * change detection watches, and a quiet repo's lists are not read, so without this its
 * series would keep the old login until the repo's 24 h reread. Their ids are claimed
 * fleet-wide (an id is checked by one org's cycle an interval), at most twice their fair
 * share a cycle, and each is looked up by id (`GET /user/{account_id}`, one counted
 * request), so a renamed user's series carry the new login from their next refresh. Any
 * installation may ask: the endpoint shows public accounts.
 */
export async function checkUserLogins(
  request: CheckUserLoginsRequest,
): Promise<CheckUserLoginsResult> {
  const claimed = await request.checks.claim(request);
  const found: LoginSighting[] = [];
  let renamed = 0;
  let gone = 0;
  let error: string | undefined;
  for (const check of claimed) {
    if (request.signal.aborted) break;
    try {
      const answer = await request.client.getJson(
        'GET /user/{account_id}',
        { account_id: check.userId },
        decodeUserById,
      );
      if (answer.status !== 200) continue;
      found.push({ userId: check.userId, login: answer.data.login, seenAtMs: check.seenAtMs });
      if (answer.data.login !== check.login) renamed += 1;
    } catch (failure) {
      if (failure instanceof GitHubRequestError && failure.status === 404) {
        gone += 1;
        continue;
      }
      error = toErrorMessage(failure);
      break;
    }
  }
  await request.checks.record(found);
  return { checked: claimed.length, renamed, gone, ...(error === undefined ? {} : { error }) };
}
