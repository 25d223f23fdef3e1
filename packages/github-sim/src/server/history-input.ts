import type { AddReviewsInput, ForcePushInput } from '../dataset/index.js';
import type { SimReviewState } from '../model.js';
import {
  ControlInputError,
  readBody,
  readOneOf,
  requireInteger,
  requireString,
} from './control-input.js';
import { parseCommitEvent, readAtMs } from './event-input.js';

/** Review states a submitted review can have (a PENDING one is not submitted). */
const SUBMITTED_STATES: readonly Exclude<SimReviewState, 'PENDING'>[] = [
  'APPROVED',
  'CHANGES_REQUESTED',
  'COMMENTED',
  'DISMISSED',
];

/** Reviews one bulk call may add: enough for several pages of 100. */
const MAX_BULK_REVIEWS = 1000;

/** `{ dropCommits, commits: [commit bodies without atMs or branch], atMs? }`. */
export function parseForcePushEvent(value: unknown): {
  input: ForcePushInput;
  atMs: number | undefined;
} {
  const body = readBody(value, ['dropCommits', 'commits', 'atMs']);
  const dropCommits = requireInteger(body, 'dropCommits', { min: 1 });
  const commits = body['commits'] ?? [];
  if (!Array.isArray(commits)) throw new ControlInputError('commits must be an array');
  const parsed = commits.map((commit: unknown, index) => {
    const { input, atMs } = parseCommitEvent(commit);
    if (atMs !== undefined || input.branch !== undefined) {
      throw new ControlInputError(
        `commits[${index}]: a force-pushed commit takes the push's atMs and the default branch`,
      );
    }
    return input;
  });
  return { input: { dropCommits, commits: parsed }, atMs: readAtMs(body) };
}

/** `{ count, users: [logins], state?, atMs? }`. */
export function parseReviewsEvent(value: unknown): {
  input: AddReviewsInput;
  atMs: number | undefined;
} {
  const body = readBody(value, ['count', 'users', 'state', 'atMs']);
  const count = requireInteger(body, 'count', { min: 1, max: MAX_BULK_REVIEWS });
  const users = body['users'];
  if (
    !Array.isArray(users) ||
    users.length === 0 ||
    !users.every((user): user is string => typeof user === 'string' && user.length > 0)
  ) {
    throw new ControlInputError('users must be a non-empty array of logins');
  }
  const state = readOneOf(body, 'state', SUBMITTED_STATES);
  return {
    input: { count, users, ...(state === undefined ? {} : { state }) },
    atMs: readAtMs(body),
  };
}

/** `{ user, state }` of a review submitted in the second of the PR's last update. */
export function parseUpdateSecondReviewEvent(value: unknown): {
  user: string;
  state: Exclude<SimReviewState, 'PENDING'>;
} {
  const body = readBody(value, ['user', 'state']);
  const state = readOneOf(body, 'state', SUBMITTED_STATES);
  if (state === undefined) {
    throw new ControlInputError(`state is required: ${SUBMITTED_STATES.join(', ')}`);
  }
  return { user: requireString(body, 'user'), state };
}
