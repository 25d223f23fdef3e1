import { createHash } from 'node:crypto';

import { toErrorMessage } from '@gse/logging';
import { decodeTraceCarrier, type TraceCarrier } from '@gse/tracing';
import { z } from 'zod';

import { BACKFILL_RESOURCES, type BackfillResource } from './backfill-request.js';

/** The schema version this code writes and reads; a message of another version is invalid. */
export const BACKFILL_MESSAGE_VERSION = 1;

/** What `type` says on every backfill message RabbitMQ carries. */
export const BACKFILL_MESSAGE_TYPE = 'gh.backfill.window.v1';

/** Longest error text kept in a message or header; GitHub error bodies can be long. */
export const MAX_ERROR_LENGTH = 1000;

/**
 * One backfill window on the wire (JSON, version 1): what to re-read, why, and its history
 * on the retry ladder. The id stays the same on every attempt and in the DLQ.
 */
export interface BackfillMessage {
  readonly version: typeof BACKFILL_MESSAGE_VERSION;
  /** `[A-Za-z0-9._-]`, at most 128 characters (ids also name Redis members). */
  readonly id: string;
  readonly org: string;
  /** Absent: every repo of the org. */
  readonly repo?: string;
  /**
   * GitHub's id of `repo`, when the producer knew it: the worker reads the repo under the
   * name it has now (a rename since the message was queued) and drops the window of a repo
   * that left. Absent in messages of earlier releases: `repo` is then read as named.
   */
  readonly repoId?: number;
  readonly resource: BackfillResource;
  /** `[fromMs, toMs]`, epoch ms, `fromMs < toMs`. */
  readonly window: { readonly fromMs: number; readonly toMs: number };
  /** Why the window is missing (`github_unavailable`, `github_unhealthy`, `manual`, …). */
  readonly reason: string;
  /** The attempt this delivery is: 1 for the first, n + 1 after n failures. */
  readonly attempt: number;
  /** When the window was first handed to backfill (epoch ms); `backfill.max_message_age` counts from here. */
  readonly firstEnqueuedAtMs: number;
  /** The error of the first failed attempt (or the producer's), at most {@link MAX_ERROR_LENGTH}. */
  readonly firstError?: string;
  /** The error of the latest failed attempt. */
  readonly lastError?: string;
  /**
   * The span that asked for the window (a repo job, an org cycle): kept through the outbox,
   * retries and splits, and sent as the W3C `traceparent`/`tracestate` AMQP headers.
   */
  readonly trace?: TraceCarrier;
}

const NAME = /^[A-Za-z0-9._-]{1,100}$/;
const ID = /^[A-Za-z0-9._-]{1,128}$/;
// Reasons are metric label values: a small snake_case vocabulary.
const REASON = /^[a-z][a-z0-9_]{0,63}$/;
const epochMs = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

const messageSchema = z
  .strictObject({
    version: z.literal(BACKFILL_MESSAGE_VERSION),
    id: z.string().regex(ID),
    org: z.string().regex(NAME),
    repo: z.string().regex(NAME).optional(),
    repoId: z.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional(),
    resource: z.enum(BACKFILL_RESOURCES),
    window: z.strictObject({ fromMs: epochMs, toMs: epochMs }),
    reason: z.string().regex(REASON),
    attempt: z.number().int().min(1).max(1000),
    firstEnqueuedAtMs: epochMs,
    firstError: z.string().max(MAX_ERROR_LENGTH).optional(),
    lastError: z.string().max(MAX_ERROR_LENGTH).optional(),
    trace: z
      .unknown()
      .transform((value) => decodeTraceCarrier(value))
      .optional(),
  })
  .refine((message) => message.window.fromMs < message.window.toMs, {
    error: 'window.fromMs must be before window.toMs',
    path: ['window'],
  })
  .refine((message) => message.repoId === undefined || message.repo !== undefined, {
    error: 'repoId needs a repo',
    path: ['repoId'],
  });

/** What {@link decodeBackfillMessage} makes of a message body. */
export type DecodedBackfillMessage =
  | { readonly ok: true; readonly message: BackfillMessage }
  | { readonly ok: false; readonly error: string };

/** Reads a message body; anything but a valid version-1 message is `ok: false` with why. */
export function decodeBackfillMessage(content: Buffer | string): DecodedBackfillMessage {
  let json: unknown;
  try {
    json = JSON.parse(typeof content === 'string' ? content : content.toString('utf8'));
  } catch (error) {
    return { ok: false, error: `not JSON: ${toErrorMessage(error)}` };
  }
  const parsed = messageSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map(
      (issue) => `${issue.path.join('.') || '(message)'}: ${issue.message}`,
    );
    return { ok: false, error: truncateError(`wrong schema: ${issues.join('; ')}`) };
  }
  return { ok: true, message: parsed.data };
}

/**
 * The body of a message, after checking it against the schema: a producer bug fails here,
 * at the publisher, instead of in the DLQ.
 *
 * @throws TypeError naming what is wrong.
 */
export function encodeBackfillMessage(message: BackfillMessage): Buffer {
  const parsed = messageSchema.safeParse(message);
  if (!parsed.success) {
    const [issue] = parsed.error.issues;
    const where = issue?.path.join('.') || '(message)';
    throw new TypeError(`invalid backfill message: ${where}: ${issue?.message ?? ''}`);
  }
  return Buffer.from(JSON.stringify(parsed.data));
}

/** Whether `reason` may label a metric and travel in a message. */
export const isBackfillReason = (reason: string): boolean => REASON.test(reason);

/** Whether `name` is a name an org or a repo can have in a message. */
export const isBackfillName = (name: string): boolean => NAME.test(name);

/** What a window's org, repo and resource are, as dedup and coalescing compare them. */
interface BackfillWindowScope {
  readonly org: string;
  readonly repo?: string | undefined;
  readonly repoId?: number | undefined;
  readonly resource: BackfillResource;
}

/**
 * The repo a window is for, as dedup and coalescing compare windows: its GitHub id when the
 * producer knew it (`#<id>`: no name has a `#`), so a window queued under a repo's old name
 * and one under its new name are the same window, and a new repo that took the old name is
 * another; else its name; `*` for the whole org.
 */
export function toBackfillRepoIdentity(scope: {
  readonly repo?: string | undefined;
  readonly repoId?: number | undefined;
}): string {
  if (scope.repo === undefined) return '*';
  return scope.repoId === undefined ? scope.repo : `#${scope.repoId}`;
}

/**
 * The identity of a window for dedup: org, repo (by id when known, or the whole org),
 * resource and range. Hex, 32 characters; the Redis key of its dedup marker is built from it.
 */
export function toBackfillDedupDigest(
  message: BackfillWindowScope & {
    readonly window: { readonly fromMs: number; readonly toMs: number };
  },
): string {
  const identity = [
    message.org,
    toBackfillRepoIdentity(message),
    message.resource,
    message.window.fromMs,
    message.window.toMs,
  ].join('\n');
  return createHash('sha256').update(identity).digest('hex').slice(0, 32);
}

/**
 * The dedup digests of the windows that contain this one: the same range for the whole org
 * (a skipped cycle), and for a single resource also every resource of its repo, and of its
 * org. A window is not queued while one of them is pending: the org-wide window of a slot
 * subsumes the per-repo windows of the same slot.
 */
export function toBackfillCoveringDigests(
  message: BackfillWindowScope & {
    readonly window: { readonly fromMs: number; readonly toMs: number };
  },
): string[] {
  const { org, window } = message;
  const covering: { repo?: string; repoId?: number; resource: BackfillResource }[] = [];
  if (message.repo !== undefined && message.resource !== 'all') {
    const repo = {
      repo: message.repo,
      ...(message.repoId === undefined ? {} : { repoId: message.repoId }),
    };
    covering.push({ ...repo, resource: 'all' }, { resource: message.resource });
  }
  if (message.repo !== undefined || message.resource !== 'all') covering.push({ resource: 'all' });
  return covering.map((entry) => toBackfillDedupDigest({ org, window, ...entry }));
}

/** An error text short enough for a message or a header. */
export function truncateError(text: string): string {
  return text.length <= MAX_ERROR_LENGTH ? text : `${text.slice(0, MAX_ERROR_LENGTH - 1)}…`;
}

/**
 * The W3C trace context headers of a message's AMQP publish (`traceparent`, `tracestate`),
 * from its `trace`; none without one.
 */
export function toTraceHeaders(message: Pick<BackfillMessage, 'trace'>): Record<string, string> {
  const { trace } = message;
  if (trace === undefined) return {};
  return trace.tracestate === undefined
    ? { traceparent: trace.traceparent }
    : { traceparent: trace.traceparent, tracestate: trace.tracestate };
}
