import type { ChannelModel, ConfirmChannel, GetMessage } from 'amqplib';

import type { BackfillStateStore, QueueMove } from '../backfill-state.js';
import type { BackfillTopology, RetryQueue } from './backfill-topology.js';
import {
  createConfirmPublisher,
  firstPublishError,
  type ConfirmPublisher,
} from './confirm-publisher.js';

/** What one drain moved, per legacy queue that existed. */
export interface LegacyDrainSummary {
  /** Legacy queue → messages moved out of it. */
  readonly moved: Readonly<Record<string, number>>;
  /** Legacy queues deleted because they were empty. */
  readonly deleted: readonly string[];
}

/**
 * Moves what the classic queues of topology version 1 still hold into the quorum queues
 * that replace them, then deletes each one found empty: retry queues first (into the retry
 * queue of the same delay, so a retry keeps its pause), then the main queue (RabbitMQ's TTL
 * may have sent retries there meanwhile), then the DLQ (headers kept, so the reason stays).
 * Each message is published with confirms before it is acked: a crash in between leaves a
 * duplicate, never a loss. Idempotent and cheap when nothing is left (one passive declare
 * per queue on a scratch channel), so a worker runs it on every connection and now and then:
 * a replica of the previous version may still declare and fill the classic queues during a
 * rolling update. The age index follows each message and forgets each deleted queue.
 */
export async function drainLegacyBackfillQueues(
  model: ChannelModel,
  topology: BackfillTopology,
  state: BackfillStateStore,
  options: { readonly appId: string; readonly now?: () => number },
): Promise<LegacyDrainSummary> {
  const now = options.now ?? Date.now;
  const { legacy } = topology;
  const plan: { readonly from: string; readonly to: string; readonly delayMs?: number }[] = [
    ...legacy.retryQueues.map((retry, index) => toRetryPlan(retry, topology.retryQueues[index])),
    { from: legacy.mainQueue, to: topology.mainQueue },
    { from: legacy.dlq, to: topology.dlq },
  ];
  const moved: Record<string, number> = {};
  const deleted: string[] = [];
  for (const step of plan) {
    if (!(await queueExists(model, step.from))) continue;
    const channel = await model.createConfirmChannel();
    try {
      const publisher = createConfirmPublisher({
        exchange: topology.exchange,
        appId: options.appId,
      });
      publisher.attach(channel);
      moved[step.from] = await moveAll(channel, publisher, state, {
        ...step,
        legacyMainQueue: legacy.mainQueue,
        mainQueue: topology.mainQueue,
        now,
      });
      // ifEmpty: a replica of the previous version may have published since the last get.
      const { messageCount } = await channel.checkQueue(step.from);
      if (messageCount === 0) {
        await channel.deleteQueue(step.from, { ifEmpty: true });
        await state.forgetQueueAges(step.from);
        deleted.push(step.from);
      }
    } finally {
      await channel.close().catch(() => undefined);
    }
  }
  return { moved, deleted };
}

function toRetryPlan(
  legacyRetry: RetryQueue,
  retry: RetryQueue | undefined,
): { readonly from: string; readonly to: string; readonly delayMs: number } {
  if (!retry) throw new Error(`no retry queue replaces ${legacyRetry.name}`);
  return { from: legacyRetry.name, to: retry.name, delayMs: retry.delayMs };
}

async function moveAll(
  channel: ConfirmChannel,
  publisher: ConfirmPublisher,
  state: BackfillStateStore,
  step: {
    readonly from: string;
    readonly to: string;
    readonly delayMs?: number;
    readonly legacyMainQueue: string;
    readonly mainQueue: string;
    readonly now: () => number;
  },
): Promise<number> {
  let count = 0;
  for (;;) {
    const raw = await channel.get(step.from, { noAck: false });
    if (raw === false) return count;
    const atMs = step.now();
    const failure = firstPublishError(await publisher.publish([toOutgoing(raw, step.to, atMs)]));
    if (failure) throw failure;
    channel.ack(raw);
    count += 1;
    const id = toMessageId(raw);
    if (id === undefined) continue;
    const moves: QueueMove[] = [
      {
        id,
        leave: step.from,
        enter: [
          { queue: step.to, atMs },
          ...(step.delayMs === undefined
            ? []
            : [{ queue: step.mainQueue, atMs: atMs + step.delayMs }]),
        ],
      },
    ];
    // A legacy retry was also indexed in the legacy main queue, dated when its delay ends.
    if (step.delayMs !== undefined) moves.push({ id, leave: step.legacyMainQueue });
    await state.recordQueueMoves(moves);
  }
}

function toOutgoing(
  raw: GetMessage,
  queue: string,
  atMs: number,
): Parameters<ConfirmPublisher['publish']>[0][number] {
  const { properties } = raw;
  const headers: Record<string, string | number> = {};
  for (const [name, value] of Object.entries(properties.headers ?? {})) {
    // Our own `x-gse-*` headers are strings and numbers; RabbitMQ's `x-death` tables are
    // about the classic queues, which are going away.
    if (typeof value === 'string' || typeof value === 'number') headers[name] = value;
  }
  const timestamp: unknown = properties.timestamp;
  return {
    queue,
    content: raw.content,
    messageId: toMessageId(raw) ?? '',
    timestampMs: typeof timestamp === 'number' ? timestamp * 1000 : atMs,
    type: typeof properties.type === 'string' ? properties.type : 'unknown',
    headers,
  };
}

function toMessageId(raw: GetMessage): string | undefined {
  const id: unknown = raw.properties.messageId;
  return typeof id === 'string' && id.length > 0 ? id : undefined;
}

/** A passive declare of a missing queue closes its channel: a scratch channel takes that. */
async function queueExists(model: ChannelModel, queue: string): Promise<boolean> {
  const scratch = await model.createChannel();
  scratch.on('error', () => undefined);
  try {
    await scratch.checkQueue(queue);
    return true;
  } catch (error) {
    if (isNotFound(error)) return false;
    throw error;
  } finally {
    await scratch.close().catch(() => undefined);
  }
}

function isNotFound(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === 404;
}
