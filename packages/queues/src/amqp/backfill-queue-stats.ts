import type { BackfillStateStore } from '../backfill-state.js';
import type { AmqpConnection } from './amqp-connection.js';
import { backfillQueues, type BackfillTopology } from './backfill-topology.js';

/** One queue's depth and age, for `gh_exporter_backfill_queue_messages` and `…_oldest_message_age_seconds`. */
export interface BackfillQueueStats {
  readonly queue: string;
  /** Ready messages (RabbitMQ's `message_count`: not those a consumer holds unacked). */
  readonly messages: number;
  /** How long the oldest message has been in the queue; 0 when it is empty. */
  readonly oldestMessageAgeSeconds: number;
}

/**
 * Reads every backfill queue's depth from RabbitMQ (`queue.declare` passive) and the age of
 * its oldest message from the Redis age index the producer and consumer keep
 * (`recordQueueMoves`). AMQP has no way to look at a queue's head without taking the
 * message (`basic.get` + requeue marks it redelivered and, with a consumer attached, can
 * reorder it), and the management API may be absent, so the index is the source:
 * - main queue: the oldest entry already due (a retried message is dated when its delay ends);
 * - retry queue: the oldest entry younger than its delay (older ones left by TTL);
 * - DLQ: the oldest entry.
 * Each read reconciles the index with the depth, so a queue purged or emptied by hand reports
 * the truth at the next read and its stale entries are gone: the index never holds more due
 * entries than the queue holds ready messages. A message a worker is handling is not ready:
 * its entry may be dropped then, and it counts again from its next move.
 *
 * @throws AmqpUnavailableError while RabbitMQ is away.
 */
export async function readBackfillQueueStats(input: {
  readonly connection: AmqpConnection;
  readonly topology: BackfillTopology;
  readonly state: BackfillStateStore;
  readonly nowMs: number;
}): Promise<BackfillQueueStats[]> {
  const { topology, state, nowMs } = input;
  const queues = backfillQueues(topology);
  const depths = await input.connection.withChannel(async (channel) => {
    const counts: number[] = [];
    for (const queue of queues) counts.push((await channel.checkQueue(queue)).messageCount);
    return counts;
  });
  const delayOf = new Map(topology.retryQueues.map((retry) => [retry.name, retry.delayMs]));
  const stats: BackfillQueueStats[] = [];
  for (const [index, queue] of queues.entries()) {
    const messages = depths[index] ?? 0;
    const delayMs = delayOf.get(queue);
    const oldestMs = await state.oldestInQueue(queue, {
      notAfterMs: nowMs,
      messages,
      ...(delayMs === undefined ? {} : { notBeforeMs: nowMs - delayMs }),
    });
    stats.push({
      queue,
      messages,
      oldestMessageAgeSeconds: oldestMs === undefined ? 0 : Math.max(0, nowMs - oldestMs) / 1000,
    });
  }
  return stats;
}
