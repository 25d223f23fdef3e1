import type {
  AddCommitInput,
  addIssueComment,
  addReview,
  addReviewComment,
  openPull,
} from '../dataset/index.js';
import type { SimReviewState } from '../model.js';
import {
  ControlInputError,
  readBoolean,
  readBody,
  readInteger,
  readOneOf,
  readString,
  requireString,
  type ControlBody,
} from './control-input.js';

export type OpenPullInput = Parameters<typeof openPull>[2];
export type AddReviewInput = Parameters<typeof addReview>[3];
export type AddIssueCommentInput = Parameters<typeof addIssueComment>[3];
export type AddReviewCommentInput = Parameters<typeof addReviewComment>[3];

const REVIEW_STATES: readonly SimReviewState[] = [
  'APPROVED',
  'CHANGES_REQUESTED',
  'COMMENTED',
  'DISMISSED',
  'PENDING',
];

/** `atMs` of an event body: when it happened (epoch ms); the simulator's clock when absent. */
export function readAtMs(body: ControlBody): number | undefined {
  return readInteger(body, 'atMs', { min: 0 });
}

function omitUndefined<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as T;
}

/** `authorLogin` is required and may be `null`: an unlinked author is a case worth injecting. */
export function parseCommitEvent(value: unknown): {
  input: AddCommitInput;
  atMs: number | undefined;
} {
  const body = readBody(value, [
    'authorLogin',
    'authorEmail',
    'authorName',
    'committerLogin',
    'branch',
    'additions',
    'deletions',
    'message',
    'authorDateMs',
    'atMs',
  ]);
  const authorLogin = body['authorLogin'];
  if (authorLogin !== null && (typeof authorLogin !== 'string' || authorLogin.length === 0)) {
    throw new ControlInputError('authorLogin is required: a login, or null for an unlinked author');
  }
  if (authorLogin === null && body['authorEmail'] === undefined) {
    throw new ControlInputError('an unlinked commit (authorLogin null) needs authorEmail');
  }
  const committerLogin = body['committerLogin'];
  if (
    committerLogin !== undefined &&
    committerLogin !== null &&
    typeof committerLogin !== 'string'
  ) {
    throw new ControlInputError('committerLogin must be a login or null');
  }
  const input = omitUndefined({
    authorLogin,
    authorEmail: readString(body, 'authorEmail'),
    authorName: readString(body, 'authorName'),
    committerLogin,
    branch: readString(body, 'branch'),
    additions: readInteger(body, 'additions', { min: 0 }),
    deletions: readInteger(body, 'deletions', { min: 0 }),
    message: readString(body, 'message'),
    authorDateMs: readInteger(body, 'authorDateMs', { min: 0 }),
  }) as AddCommitInput;
  return { input, atMs: readAtMs(body) };
}

export function parsePullEvent(value: unknown): { input: OpenPullInput; atMs: number | undefined } {
  const body = readBody(value, ['user', 'title', 'draft', 'atMs']);
  const input = omitUndefined({
    user: requireString(body, 'user'),
    title: readString(body, 'title'),
    draft: readBoolean(body, 'draft'),
  }) as OpenPullInput;
  return { input, atMs: readAtMs(body) };
}

export function parseMergeEvent(value: unknown): { mergedBy: string; atMs: number | undefined } {
  const body = readBody(value, ['mergedBy', 'atMs']);
  return { mergedBy: requireString(body, 'mergedBy'), atMs: readAtMs(body) };
}

export function parseReviewEvent(value: unknown): {
  input: AddReviewInput;
  atMs: number | undefined;
} {
  const body = readBody(value, ['user', 'state', 'body', 'atMs']);
  const state = readOneOf(body, 'state', REVIEW_STATES);
  if (state === undefined)
    throw new ControlInputError(`state is required: ${REVIEW_STATES.join(', ')}`);
  const text = body['body'];
  if (text !== undefined && typeof text !== 'string')
    throw new ControlInputError('body must be a string');
  const input = omitUndefined({
    user: requireString(body, 'user'),
    state,
    body: text,
  }) as AddReviewInput;
  return { input, atMs: readAtMs(body) };
}

export function parseCommentEvent(value: unknown): {
  input: AddIssueCommentInput;
  atMs: number | undefined;
} {
  const body = readBody(value, ['user', 'body', 'atMs']);
  const text = body['body'];
  if (text !== undefined && typeof text !== 'string')
    throw new ControlInputError('body must be a string');
  const input = omitUndefined({
    user: requireString(body, 'user'),
    body: text,
  }) as AddIssueCommentInput;
  return { input, atMs: readAtMs(body) };
}

/** An issue transfer: the target repo of the same org, and when. */
export function parseTransferEvent(value: unknown): { toRepo: string; atMs: number | undefined } {
  const body = readBody(value, ['toRepo', 'atMs']);
  return { toRepo: requireString(body, 'toRepo'), atMs: readAtMs(body) };
}
