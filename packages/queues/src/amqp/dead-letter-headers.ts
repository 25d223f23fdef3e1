import type { DeadLetterReason } from '../backfill-ladder.js';
import { truncateError } from '../backfill-message.js';

/** Why, when and after how many attempts a message landed in the DLQ: its AMQP headers. */
export interface DeadLetterInfo {
  readonly reason: DeadLetterReason;
  /** Attempts made (0 for an invalid message, which never ran). */
  readonly attempts: number;
  readonly firstError: string | undefined;
  readonly lastError: string | undefined;
  /** The queue the message came from. */
  readonly sourceQueue: string;
  /** When it was dead-lettered, epoch ms. */
  readonly atMs: number;
}

/** The header names, `x-gse-*`. */
export const DEAD_LETTER_HEADERS = {
  reason: 'x-gse-dlq-reason',
  attempts: 'x-gse-attempts',
  firstError: 'x-gse-first-error',
  lastError: 'x-gse-last-error',
  sourceQueue: 'x-gse-source-queue',
  at: 'x-gse-dead-lettered-at',
} as const;

const REASONS: readonly DeadLetterReason[] = [
  'retries_exhausted',
  'max_age',
  'github_rejected',
  'invalid_message',
  'delivery_limit',
];

export function toDeadLetterHeaders(info: DeadLetterInfo): Record<string, string | number> {
  return {
    [DEAD_LETTER_HEADERS.reason]: info.reason,
    [DEAD_LETTER_HEADERS.attempts]: info.attempts,
    ...(info.firstError === undefined
      ? {}
      : { [DEAD_LETTER_HEADERS.firstError]: truncateError(info.firstError) }),
    ...(info.lastError === undefined
      ? {}
      : { [DEAD_LETTER_HEADERS.lastError]: truncateError(info.lastError) }),
    [DEAD_LETTER_HEADERS.sourceQueue]: info.sourceQueue,
    [DEAD_LETTER_HEADERS.at]: new Date(info.atMs).toISOString(),
  };
}

/**
 * Reads the headers back: ours, else RabbitMQ's `x-death` when its latest death is the main
 * queue's delivery limit; `undefined` when neither put the message there.
 */
export function parseDeadLetterHeaders(
  headers: Readonly<Record<string, unknown>> | undefined,
): DeadLetterInfo | undefined {
  const reason = headers?.[DEAD_LETTER_HEADERS.reason];
  if (typeof reason !== 'string' || !REASONS.includes(reason as DeadLetterReason)) {
    return parseDeliveryLimitDeath(headers?.['x-death']);
  }
  const text = (name: string): string | undefined => {
    const value = headers?.[name];
    return typeof value === 'string' ? value : undefined;
  };
  const attempts = Number(headers?.[DEAD_LETTER_HEADERS.attempts]);
  const atMs = Date.parse(text(DEAD_LETTER_HEADERS.at) ?? '');
  return {
    reason: reason as DeadLetterReason,
    attempts: Number.isFinite(attempts) ? attempts : 0,
    firstError: text(DEAD_LETTER_HEADERS.firstError),
    lastError: text(DEAD_LETTER_HEADERS.lastError),
    sourceQueue: text(DEAD_LETTER_HEADERS.sourceQueue) ?? '',
    atMs: Number.isFinite(atMs) ? atMs : 0,
  };
}

/**
 * RabbitMQ's `x-death` (newest death first) when the newest is `delivery_limit`. It says
 * nothing of the ladder: `attempts` is 0 and the body's `attempt` tells.
 */
function parseDeliveryLimitDeath(xDeath: unknown): DeadLetterInfo | undefined {
  if (!Array.isArray(xDeath)) return undefined;
  const latest: unknown = xDeath[0];
  if (typeof latest !== 'object' || latest === null) return undefined;
  const death = latest as { reason?: unknown; queue?: unknown; time?: unknown };
  if (death.reason !== 'delivery_limit') return undefined;
  const seconds = toTimestampSeconds(death.time);
  return {
    reason: 'delivery_limit',
    attempts: 0,
    firstError: undefined,
    lastError: undefined,
    sourceQueue: typeof death.queue === 'string' ? death.queue : '',
    atMs: seconds === undefined ? 0 : seconds * 1000,
  };
}

// amqplib decodes an AMQP timestamp as `{ '!': 'timestamp', value: seconds }`.
function toTimestampSeconds(time: unknown): number | undefined {
  if (typeof time === 'number') return time;
  if (typeof time === 'object' && time !== null && 'value' in time) {
    const { value } = time;
    if (typeof value === 'number') return value;
  }
  return undefined;
}
