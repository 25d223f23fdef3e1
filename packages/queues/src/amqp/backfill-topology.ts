import type { Channel } from 'amqplib';

/** The `amqp.*` names (DESIGN.md §6). */
export interface AmqpNames {
  /** `amqp.exchange` (`gh.backfill`). */
  readonly exchange: string;
  /** `amqp.queue` (`gh.backfill.jobs`). */
  readonly queue: string;
  /** `amqp.dlq` (`gh.backfill.dlq`). */
  readonly dlq: string;
}

/** A retry queue: messages wait `delayMs` in it, then go back to the main queue. */
export interface RetryQueue {
  readonly name: string;
  readonly delayMs: number;
}

/**
 * Every exchange and queue of the backfill contract. Each queue is bound to the exchange
 * with its own name as routing key, so publishing to a queue means publishing to the
 * exchange with that queue's name.
 */
export interface BackfillTopology {
  readonly exchange: string;
  readonly mainQueue: string;
  /** One per `backfill.requeue_delays` entry, in that order. */
  readonly retryQueues: readonly RetryQueue[];
  readonly dlq: string;
}

/**
 * The topology for the config. A retry queue is named for its delay
 * (`gh.backfill.jobs.retry.5m`): RabbitMQ refuses to re-declare a queue with another TTL, so
 * a changed delay gets a new queue instead of failing every worker's start.
 */
export function toBackfillTopology(
  names: AmqpNames,
  requeueDelaysMs: readonly number[],
): BackfillTopology {
  if (requeueDelaysMs.length === 0)
    throw new RangeError('backfill needs at least one requeue delay');
  requeueDelaysMs.forEach((delayMs, index) => {
    if (!Number.isSafeInteger(delayMs) || delayMs < 1) {
      throw new RangeError(
        `requeue delay ${index} must be a positive integer of ms, got ${delayMs}`,
      );
    }
  });
  return {
    exchange: names.exchange,
    mainQueue: names.queue,
    retryQueues: requeueDelaysMs.map((delayMs) => ({
      name: `${names.queue}.retry.${formatDelay(delayMs)}`,
      delayMs,
    })),
    dlq: names.dlq,
  };
}

/** Every queue of the topology: main, retries in order, DLQ. */
export function backfillQueues(topology: BackfillTopology): string[] {
  return [topology.mainQueue, ...topology.retryQueues.map((queue) => queue.name), topology.dlq];
}

/**
 * Declares the topology; idempotent, so every process runs it on every (re)connection.
 * Durable exchange and queues. A retry queue's per-queue TTL (`x-message-ttl`) with
 * dead-lettering to the exchange under the main queue's name sends each message back after
 * its delay; one queue per delay because RabbitMQ only expires messages at the head of a
 * queue, so a shared queue with per-message TTLs would hold short delays behind long ones.
 */
export async function declareBackfillTopology(
  channel: Channel,
  topology: BackfillTopology,
): Promise<void> {
  await channel.assertExchange(topology.exchange, 'direct', { durable: true });
  await channel.assertQueue(topology.mainQueue, { durable: true });
  await channel.bindQueue(topology.mainQueue, topology.exchange, topology.mainQueue);
  for (const retry of topology.retryQueues) {
    await channel.assertQueue(retry.name, {
      durable: true,
      messageTtl: retry.delayMs,
      deadLetterExchange: topology.exchange,
      deadLetterRoutingKey: topology.mainQueue,
    });
    await channel.bindQueue(retry.name, topology.exchange, retry.name);
  }
  await channel.assertQueue(topology.dlq, { durable: true });
  await channel.bindQueue(topology.dlq, topology.exchange, topology.dlq);
}

function formatDelay(delayMs: number): string {
  for (const [unitMs, unit] of [
    [3_600_000, 'h'],
    [60_000, 'm'],
    [1000, 's'],
  ] as const) {
    if (delayMs % unitMs === 0) return `${delayMs / unitMs}${unit}`;
  }
  return `${delayMs}ms`;
}
