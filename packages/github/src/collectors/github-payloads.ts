import { z } from 'zod';

/**
 * The fields of GitHub's REST responses that the collectors read, validated at the edge.
 * Anything else GitHub sends is ignored (objects are not strict), so a new GitHub field never
 * breaks a scrape, but a missing or mistyped one we rely on does, naming the field.
 */

const isoTimestamp = z.string().refine((value) => Number.isFinite(Date.parse(value)), {
  error: 'expected an ISO-8601 timestamp',
});

// The id survives a rename: users are identified by it (DESIGN.md §5).
const userId = z.number().int().positive();

// A deleted account comes back as `null` (GitHub shows it as "ghost").
const account = z.object({ login: z.string().min(1), id: userId.optional() }).nullable();

/** "Get a user using their ID" (`GET /user/{account_id}`): the account's login now. */
export const userByIdSchema = z.object({ login: z.string().min(1), id: userId });
export type UserById = z.infer<typeof userByIdSchema>;

const gitIdentity = z
  .object({ name: z.string().nullish(), email: z.string().nullish(), date: isoTimestamp })
  .nullable();

export const commitListItemSchema = z.object({
  sha: z.string().min(7),
  commit: z.object({ author: gitIdentity, committer: gitIdentity }),
  // null for an unlinked author; GitHub has been seen to send `{}` for some, read alike.
  author: z.object({ login: z.string().min(1).optional(), id: userId.optional() }).nullable(),
  // More than one parent: a merge commit, which GitHub's statistics leave out.
  parents: z.array(z.object({ sha: z.string().min(7) })),
});
export type CommitListItem = z.infer<typeof commitListItemSchema>;
export const commitListSchema = z.array(commitListItemSchema);

export const commitDetailSchema = commitListItemSchema.extend({
  stats: z.object({ additions: z.number().int().min(0), deletions: z.number().int().min(0) }),
});
export type CommitDetail = z.infer<typeof commitDetailSchema>;

export const pullListItemSchema = z.object({
  number: z.number().int().positive(),
  user: account,
  created_at: isoTimestamp,
  updated_at: isoTimestamp,
  merged_at: isoTimestamp.nullable(),
});
export type PullListItem = z.infer<typeof pullListItemSchema>;
export const pullListSchema = z.array(pullListItemSchema);

export const reviewSchema = z.object({
  id: z.number().int().positive(),
  user: account,
  state: z.string(),
  // Absent while a review is PENDING.
  submitted_at: isoTimestamp.nullish(),
});
export type Review = z.infer<typeof reviewSchema>;
export const reviewListSchema = z.array(reviewSchema);

/** A comment of a repo-wide comment list: issue conversation and PR review (diff) comments alike. */
export const commentSchema = z.object({
  id: z.number().int().positive(),
  user: account,
  created_at: isoTimestamp,
  updated_at: isoTimestamp,
});
export type Comment = z.infer<typeof commentSchema>;
export const commentListSchema = z.array(commentSchema);

export const contributorStatsSchema = z.array(
  z.object({
    author: account,
    total: z.number().int().min(0),
    weeks: z.array(
      z.object({
        w: z.number().int(),
        a: z.number().int().min(0),
        d: z.number().int().min(0),
        c: z.number().int().min(0),
      }),
    ),
  }),
);
export type ContributorStats = z.infer<typeof contributorStatsSchema>;

/** `GET /rate_limit`: the installation's REST primary budget (`core`), free to ask. */
export const rateLimitsSchema = z.object({
  resources: z.object({
    core: z.object({
      limit: z.number().int().min(0),
      remaining: z.number().int().min(0),
      reset: z.number().int().min(0),
    }),
  }),
});
export type RateLimits = z.infer<typeof rateLimitsSchema>;
