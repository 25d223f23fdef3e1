import { ACTIVITY_WINDOW_MS } from '@gse/activity';
import {
  decodeOrgActivity,
  decodeRateLimits,
  GitHubResponseError,
  ORG_ACTIVITY_QUERY,
  toOrgActivityVariables,
  type GitHubClient,
} from '@gse/github';

import type { InstallationLimits, OrgActivity } from './org-cost-plan.js';

/** What `plan` learnt about an org and its installation. */
export interface OrgProbe {
  readonly activity: OrgActivity;
  readonly limits: InstallationLimits;
  /** Every repo of the org the installation sees, archived ones included. */
  readonly reposVisible: number;
  /** Requests the probe sent, and the GraphQL points they cost. */
  readonly requests: number;
  readonly graphqlPoints: number;
}

/**
 * Asks GitHub (or the simulator) about `org` with two requests: `ORG_ACTIVITY_QUERY` (1
 * GraphQL point: the repos a cycle scrapes, how many were pushed to and how many PRs were
 * updated in the last 24 h and in `retentionMs`, the issues updated in the last 24 h, and
 * the GraphQL budget) and the free
 * `GET /rate_limit` (the REST budget, 5,000 to 15,000 an hour).
 */
export async function probeOrgActivity(
  client: GitHubClient,
  org: string,
  at: { readonly nowMs: number; readonly retentionMs: number },
): Promise<OrgProbe> {
  const data = await client.graphql(
    ORG_ACTIVITY_QUERY,
    toOrgActivityVariables(org, { ...at, dayMs: ACTIVITY_WINDOW_MS }),
    decodeOrgActivity,
  );
  if (!data.organization) {
    throw new GitHubResponseError(
      'POST',
      '/graphql OrgActivity',
      200,
      `organization ${org} is not visible to the installation`,
    );
  }
  const rest = await client.getJson('GET /rate_limit', undefined, decodeRateLimits);
  if (rest.status !== 200) {
    throw new GitHubResponseError('GET', '/rate_limit', rest.status, 'expected a body');
  }
  return {
    activity: {
      repos: data.repos.repositoryCount,
      reposPushedDay: data.reposPushedDay.repositoryCount,
      reposPushedRetention: data.reposPushedRetention.repositoryCount,
      pullsUpdatedDay: data.pullsUpdatedDay.issueCount,
      pullsUpdatedRetention: data.pullsUpdatedRetention.issueCount,
      issuesUpdatedDay: data.issuesUpdatedDay.issueCount,
    },
    limits: {
      restPerHour: rest.data.resources.core.limit,
      graphqlPointsPerHour: data.rateLimit.limit,
    },
    reposVisible: data.organization.repositories.totalCount,
    requests: 2,
    graphqlPoints: data.rateLimit.cost,
  };
}
