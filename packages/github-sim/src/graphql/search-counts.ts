import type { SimOrg, SimRepo } from '../model.js';
import { GitHubFieldError } from './github-field-error.js';

/** `search(type, query)`'s counts over the org the caller's installation sees. */
export interface SearchCounts {
  readonly repositoryCount: number;
  readonly issueCount: number;
}

/** A date qualifier: `pushed:>=2026-11-03T12:00:00Z` (only `>=` is served). */
interface Since {
  readonly field: 'pushed' | 'updated';
  readonly sinceMs: number;
}

interface ParsedSearch {
  readonly org: string;
  readonly forks: 'include' | 'exclude';
  readonly archived: 'include' | 'exclude';
  /** Issue search: PRs (`is:pr`) or issues (`is:issue`). */
  readonly threads: 'pulls' | 'issues' | undefined;
  readonly since: Since | undefined;
}

function unimplemented(what: string): GitHubFieldError {
  return new GitHubFieldError(
    'SIMULATOR_UNIMPLEMENTED',
    `The GitHub simulator does not implement the search ${what}.`,
  );
}

/**
 * The qualifiers of GitHub's search syntax the simulator serves: `org:`, `fork:true`,
 * `archived:false`, `is:pr` and `is:issue` (issue search), `pushed:>=` (repository search) and
 * `updated:>=` (issue search) with an ISO 8601 date or time. Anything else is refused by
 * name: a count that silently ignored a qualifier would mislead a plan.
 */
function parseSearch(type: string, query: string): ParsedSearch {
  let org: string | undefined;
  let forks: ParsedSearch['forks'] = 'exclude';
  let archived: ParsedSearch['archived'] = 'include';
  let threads: ParsedSearch['threads'];
  let since: Since | undefined;
  for (const term of query.trim().split(/\s+/)) {
    const date = /^(pushed|updated):>=(.+)$/.exec(term);
    if (date) {
      const field = date[1] as Since['field'];
      const sinceMs = Date.parse(date[2] ?? '');
      if ((field === 'pushed') !== (type === 'REPOSITORY') || !Number.isFinite(sinceMs)) {
        throw unimplemented(`qualifier ${term} for type ${type}`);
      }
      since = { field, sinceMs };
    } else if (term.startsWith('org:')) org = term.slice('org:'.length);
    else if (term === 'fork:true') forks = 'include';
    else if (term === 'archived:false') archived = 'exclude';
    else if (term === 'is:pr' && type === 'ISSUE') threads = 'pulls';
    else if (term === 'is:issue' && type === 'ISSUE') threads = 'issues';
    else throw unimplemented(`term ${term} for type ${type}`);
  }
  if (org === undefined) throw unimplemented('without an org: qualifier');
  if (type === 'ISSUE' && threads === undefined) {
    throw unimplemented('of issues without is:pr or is:issue');
  }
  return { org, forks, archived, threads, since };
}

/**
 * What `search(type: REPOSITORY | ISSUE, query)` counts in `visibleOrg` (another org's
 * repos are not the installation's to see: 0). Repository search leaves forks out unless
 * `fork:true`, as GitHub's does.
 */
export function countSearch(
  type: string,
  query: string,
  visibleOrg: SimOrg | undefined,
): SearchCounts {
  if (type !== 'REPOSITORY' && type !== 'ISSUE') throw unimplemented(`type ${type}`);
  const search = parseSearch(type, query);
  const repos =
    visibleOrg && visibleOrg.login.toLowerCase() === search.org.toLowerCase()
      ? visibleOrg.repos.filter(
          (repo: SimRepo) =>
            (search.archived === 'include' || !repo.archived) &&
            (type === 'ISSUE' || search.forks === 'include' || !repo.fork),
        )
      : [];
  const sinceMs = search.since?.sinceMs ?? Number.NEGATIVE_INFINITY;
  if (type === 'REPOSITORY') {
    return {
      repositoryCount: repos.filter((repo) => Date.parse(repo.pushedAt) >= sinceMs).length,
      issueCount: 0,
    };
  }
  return {
    repositoryCount: 0,
    issueCount: repos.reduce(
      (sum, repo) =>
        sum +
        (search.threads === 'pulls' ? repo.pulls : repo.issues).filter(
          (thread) => Date.parse(thread.updatedAt) >= sinceMs,
        ).length,
      0,
    ),
  };
}
