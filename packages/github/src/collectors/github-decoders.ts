import type { z } from 'zod';

import type { Decode } from '../github-client.js';
import {
  commitDetailSchema,
  commitListSchema,
  contributorStatsSchema,
  commentListSchema,
  pullListSchema,
  rateLimitsSchema,
  reviewListSchema,
  userByIdSchema,
  type CommitDetail,
  type CommitListItem,
  type ContributorStats,
  type Comment,
  type PullListItem,
  type RateLimits,
  type Review,
  type UserById,
} from './github-payloads.js';
import { orgActivityDataSchema, type OrgActivityData } from '../graphql/org-activity-query.js';
import { repoChangesDataSchema, type RepoChangesData } from '../graphql/repo-changes-query.js';

/**
 * A decoder for the client: the parsed body, or a TypeError naming the first bad field by
 * its JSON path (`[3].commit.committer.date: expected an ISO-8601 timestamp`), which the
 * client turns into a `GitHubResponseError` naming the endpoint.
 */
export function toDecoder<T>(schema: z.ZodType<T>): Decode<T> {
  return (data) => {
    const result = schema.safeParse(data);
    if (result.success) return result.data;
    const issue = result.error.issues[0];
    const path = (issue?.path ?? [])
      .map((part) => (typeof part === 'number' ? `[${part}]` : `.${String(part)}`))
      .join('')
      .replace(/^\./, '');
    const problems = result.error.issues.length;
    throw new TypeError(
      `${path || 'body'}: ${issue?.message ?? 'invalid'}${problems > 1 ? ` (and ${problems - 1} more problems)` : ''}`,
    );
  };
}

export const decodeCommitList: Decode<readonly CommitListItem[]> = toDecoder(commitListSchema);
export const decodeCommitDetail: Decode<CommitDetail> = toDecoder(commitDetailSchema);
export const decodePullList: Decode<readonly PullListItem[]> = toDecoder(pullListSchema);
export const decodeReviewList: Decode<readonly Review[]> = toDecoder(reviewListSchema);
export const decodeCommentList: Decode<readonly Comment[]> = toDecoder(commentListSchema);
export const decodeContributorStats: Decode<ContributorStats> = toDecoder(contributorStatsSchema);
export const decodeUserById: Decode<UserById> = toDecoder(userByIdSchema);
export const decodeRepoChanges: Decode<RepoChangesData> = toDecoder(repoChangesDataSchema);
export const decodeRateLimits: Decode<RateLimits> = toDecoder(rateLimitsSchema);
export const decodeOrgActivity: Decode<OrgActivityData> = toDecoder(orgActivityDataSchema);
