import type { BackfillMessage } from './backfill-message.js';

/** Why a message sits in the dead-letter queue (a metric label and the `x-gse-dlq-reason` header). */
export type DeadLetterReason =
  /** Failed on its first attempt and after every delay of `backfill.requeue_delays`. */
  | 'retries_exhausted'
  /** Failed once more than `backfill.max_message_age` after it was first enqueued. */
  | 'max_age'
  /** GitHub refused for good (401 after a token renewal, 403, 404, 422): retrying cannot help. */
  | 'github_rejected'
  /** Not JSON, or not a valid version-1 message. */
  | 'invalid_message'
  /**
   * Handed back `x-delivery-limit` times without an ack (it killed or wedged each worker
   * that took it): dead-lettered by RabbitMQ itself, so it is read from `x-death`, and no
   * worker counts it in `gh_exporter_backfill_jobs_dead_lettered_total`.
   */
  | 'delivery_limit';

/** Where a failed attempt goes next. */
export type BackfillFailureDecision =
  | {
      readonly kind: 'retry';
      /** Index into `backfill.requeue_delays` (and the topology's retry queues). */
      readonly delayIndex: number;
      readonly delayMs: number;
    }
  | { readonly kind: 'dead_letter'; readonly reason: DeadLetterReason };

/**
 * The retry ladder: attempt n (1-based) that failed waits `requeueDelaysMs[n - 1]` in its
 * retry queue, then runs again as attempt n + 1; after the last delay, or once the message
 * is older than `maxMessageAgeMs`, it goes to the DLQ. So a window is tried
 * `requeueDelaysMs.length + 1` times at most. A permanent refusal skips the ladder.
 */
export function decideBackfillFailure(input: {
  readonly message: BackfillMessage;
  readonly requeueDelaysMs: readonly number[];
  readonly maxMessageAgeMs: number;
  readonly nowMs: number;
  readonly permanent: boolean;
}): BackfillFailureDecision {
  const { message, requeueDelaysMs } = input;
  if (input.permanent) return { kind: 'dead_letter', reason: 'github_rejected' };
  if (input.nowMs - message.firstEnqueuedAtMs >= input.maxMessageAgeMs) {
    return { kind: 'dead_letter', reason: 'max_age' };
  }
  const delayIndex = message.attempt - 1;
  const delayMs = requeueDelaysMs[delayIndex];
  if (delayMs === undefined) return { kind: 'dead_letter', reason: 'retries_exhausted' };
  return { kind: 'retry', delayIndex, delayMs };
}
