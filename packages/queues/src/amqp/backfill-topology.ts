import type { Channel } from 'amqplib';

/** The `amqp.*` names (DESIGN.md §6). */
export interface AmqpNames {
  /** `amqp.exchange` (`gh.backfill`). */
  readonly exchange: string;
  /** `amqp.queue` (`gh.backfill.jobs`): the main queue is this name plus {@link BACKFILL_TOPOLOGY_SUFFIX}. */
  readonly queue: string;
  /** `amqp.dlq` (`gh.backfill.dlq`), also suffixed. */
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
  /**
   * The main queue's `x-delivery-limit`: RabbitMQ dead-letters a message to the DLQ (reason
   * `delivery_limit` in its `x-death` header) once it was handed back this many times
   * without an ack: a message that kills or wedges every worker that takes it.
   */
  readonly deliveryLimit: number;
  /** The classic queues of topology version 1 (the configured names as they are), drained once. */
  readonly legacy: {
    readonly mainQueue: string;
    readonly retryQueues: readonly RetryQueue[];
    readonly dlq: string;
  };
}

/**
 * The suffix of every queue of this topology version. Version 1 used the configured names
 * for classic queues, and RabbitMQ refuses to re-declare a queue with another type
 * (`PRECONDITION_FAILED - inequivalent arg 'x-queue-type'`), so the quorum queues of
 * version 2 get new names and the classic ones are drained (docs/decisions/0012-quorum-backfill-queues.md).
 */
export const BACKFILL_TOPOLOGY_SUFFIX = '.v2';

/**
 * Deliveries before RabbitMQ gives up on a message. Each graceful hand-back (a shutdown, a
 * publish RabbitMQ refused) counts too, so this leaves room for several rollouts while a
 * window is in flight; a poison message still reaches the DLQ within minutes.
 */
export const DEFAULT_DELIVERY_LIMIT = 10;

/**
 * The topology for the config: `gh.backfill.jobs.v2`, `gh.backfill.jobs.v2.retry.5m`, …,
 * `gh.backfill.dlq.v2`. A retry queue is named for its delay: RabbitMQ refuses to re-declare a queue with another TTL, so
 * a changed delay gets a new queue instead of failing every worker's start.
 */
export function toBackfillTopology(
  names: AmqpNames,
  requeueDelaysMs: readonly number[],
  options: { readonly deliveryLimit?: number } = {},
): BackfillTopology {
  const deliveryLimit = options.deliveryLimit ?? DEFAULT_DELIVERY_LIMIT;
  if (!Number.isSafeInteger(deliveryLimit) || deliveryLimit < 1) {
    throw new RangeError(`the delivery limit must be a positive integer, got ${deliveryLimit}`);
  }
  if (requeueDelaysMs.length === 0)
    throw new RangeError('backfill needs at least one requeue delay');
  requeueDelaysMs.forEach((delayMs, index) => {
    if (!Number.isSafeInteger(delayMs) || delayMs < 1) {
      throw new RangeError(
        `requeue delay ${index} must be a positive integer of ms, got ${delayMs}`,
      );
    }
  });
  const retryQueuesOf = (mainQueue: string): RetryQueue[] =>
    requeueDelaysMs.map((delayMs) => ({
      name: `${mainQueue}.retry.${formatDelay(delayMs)}`,
      delayMs,
    }));
  const mainQueue = `${names.queue}${BACKFILL_TOPOLOGY_SUFFIX}`;
  return {
    exchange: names.exchange,
    mainQueue,
    retryQueues: retryQueuesOf(mainQueue),
    dlq: `${names.dlq}${BACKFILL_TOPOLOGY_SUFFIX}`,
    deliveryLimit,
    legacy: { mainQueue: names.queue, retryQueues: retryQueuesOf(names.queue), dlq: names.dlq },
  };
}

/** Every queue of the topology: main, retries in order, DLQ (not the legacy ones). */
export function backfillQueues(topology: BackfillTopology): string[] {
  return [topology.mainQueue, ...topology.retryQueues.map((queue) => queue.name), topology.dlq];
}

/**
 * Declares the topology; idempotent, so every process runs it on every (re)connection.
 * A durable exchange and quorum queues only (replicated, and the main queue's delivery
 * limit exists only for quorum queues); RabbitMQ ≥ 3.10 gives quorum queues per-queue TTL
 * and at-least-once dead-lettering, which the retry queues need. A retry queue's TTL
 * (`x-message-ttl`) with dead-lettering to the exchange under the main queue's name sends
 * each message back after its delay; one queue per delay because RabbitMQ only expires
 * messages at the head of a queue, so a shared queue with per-message TTLs would hold short
 * delays behind long ones. `at-least-once` dead-lettering (which needs `reject-publish`
 * overflow; no length limit is set, so it never rejects) keeps a message in its queue until
 * the target confirms it, where the default would drop it if the target refused.
 */
export async function declareBackfillTopology(
  channel: Channel,
  topology: BackfillTopology,
): Promise<void> {
  const deadLetterTo = (queue: string): Record<string, string> => ({
    'x-dead-letter-exchange': topology.exchange,
    'x-dead-letter-routing-key': queue,
    'x-dead-letter-strategy': 'at-least-once',
    'x-overflow': 'reject-publish',
  });
  await channel.assertExchange(topology.exchange, 'direct', { durable: true });
  await channel.assertQueue(topology.mainQueue, {
    durable: true,
    arguments: {
      ...QUORUM,
      'x-delivery-limit': topology.deliveryLimit,
      ...deadLetterTo(topology.dlq),
    },
  });
  await channel.bindQueue(topology.mainQueue, topology.exchange, topology.mainQueue);
  for (const retry of topology.retryQueues) {
    await channel.assertQueue(retry.name, {
      durable: true,
      arguments: {
        ...QUORUM,
        'x-message-ttl': retry.delayMs,
        ...deadLetterTo(topology.mainQueue),
      },
    });
    await channel.bindQueue(retry.name, topology.exchange, retry.name);
  }
  await channel.assertQueue(topology.dlq, { durable: true, arguments: QUORUM });
  await channel.bindQueue(topology.dlq, topology.exchange, topology.dlq);
}

const QUORUM = { 'x-queue-type': 'quorum' } as const;

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
