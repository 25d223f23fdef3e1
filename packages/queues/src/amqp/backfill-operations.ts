import type { ConfirmChannel, GetMessage } from 'amqplib';

import {
  BACKFILL_MESSAGE_TYPE,
  decodeBackfillMessage,
  encodeBackfillMessage,
  type BackfillMessage,
} from '../backfill-message.js';
import type { BackfillStateStore } from '../backfill-state.js';
import type { AmqpConnection } from './amqp-connection.js';
import type { BackfillTopology } from './backfill-topology.js';
import {
  createConfirmPublisher,
  firstPublishError,
  type ConfirmPublisher,
} from './confirm-publisher.js';
import { parseDeadLetterHeaders, type DeadLetterInfo } from './dead-letter-headers.js';

/** A message in the DLQ as an operator sees it. */
export interface DeadLetter {
  /** The AMQP `message_id` (the backfill message's id, or one given to an unreadable message). */
  readonly id: string;
  /** The body; `message` when it is a valid backfill message. */
  readonly body: string;
  readonly message: BackfillMessage | undefined;
  /** Why the body is not a valid message, when it is not. */
  readonly invalid: string | undefined;
  /** The `x-gse-*` headers; `undefined` if something else put the message there. */
  readonly info: DeadLetterInfo | undefined;
}

/** What an operator's action on the backfill queues needs. */
export interface BackfillOperationsContext {
  /** Connected (`start()` and `waitForConnect()` first). */
  readonly connection: AmqpConnection;
  readonly topology: BackfillTopology;
  readonly state: BackfillStateStore;
  /** The AMQP `app_id` of what is published, e.g. `backfill-cli`. */
  readonly appId: string;
  readonly nowMs: number;
}

/**
 * Publishes messages straight to the main queue with confirms: an operator's window is
 * neither deduped nor capped.
 *
 * @throws Error when RabbitMQ does not confirm one (some may have been published).
 */
export async function publishBackfillMessages(
  context: BackfillOperationsContext,
  messages: readonly BackfillMessage[],
): Promise<void> {
  await context.connection.withChannel(async (channel) => {
    await publishToMain(context, attachPublisher(context, channel), messages);
  });
}

/**
 * The first `limit` messages of the DLQ, oldest first, and the DLQ's depth. Every message is
 * taken with `basic.get` and handed back, in order, so they stay as they were: a quorum
 * queue puts a returned message behind the others, so handing back only the first `limit`
 * would move them to the end. That marks them redelivered, which nothing reads in the DLQ
 * (it has no consumer).
 */
export async function listDeadLetters(
  context: BackfillOperationsContext,
  limit: number,
): Promise<{ readonly total: number; readonly letters: DeadLetter[] }> {
  return context.connection.withChannel(async (channel) => {
    const { messageCount: total } = await channel.checkQueue(context.topology.dlq);
    const letters: DeadLetter[] = [];
    for (let taken = 0; taken < total; taken += 1) {
      const raw = await channel.get(context.topology.dlq, { noAck: false });
      if (raw === false) break;
      if (letters.length < limit) letters.push(toDeadLetter(raw));
    }
    channel.nackAll(true);
    return { total, letters };
  });
}

/**
 * Moves dead letters back to the main queue as fresh messages (attempt 1, enqueued now,
 * same id, errors kept): each is published with confirms and only then removed from the
 * DLQ, so a failure in between leaves a duplicate, never a loss. Unreadable messages cannot
 * run and are left where they are (`skipped`).
 */
export async function requeueDeadLetters(
  context: BackfillOperationsContext,
  select: { readonly ids: readonly string[] } | { readonly all: true },
): Promise<{ readonly requeued: string[]; readonly skipped: string[] }> {
  const wanted = 'ids' in select ? new Set(select.ids) : undefined;
  return context.connection.withChannel(async (channel) => {
    const publisher = attachPublisher(context, channel);
    const requeued: string[] = [];
    const skipped: string[] = [];
    for (;;) {
      const raw = await channel.get(context.topology.dlq, { noAck: false });
      if (raw === false) break;
      const letter = toDeadLetter(raw);
      if (wanted && !wanted.has(letter.id)) continue;
      if (!letter.message) {
        skipped.push(letter.id);
        continue;
      }
      await publishToMain(context, publisher, [
        { ...letter.message, attempt: 1, firstEnqueuedAtMs: context.nowMs },
      ]);
      channel.ack(raw);
      await context.state.recordQueueMoves([{ id: letter.id, leave: context.topology.dlq }]);
      requeued.push(letter.id);
    }
    channel.nackAll(true);
    return { requeued, skipped };
  });
}

function attachPublisher(
  context: BackfillOperationsContext,
  channel: ConfirmChannel,
): ConfirmPublisher {
  const publisher = createConfirmPublisher({
    exchange: context.topology.exchange,
    appId: context.appId,
  });
  publisher.attach(channel);
  return publisher;
}

async function publishToMain(
  context: BackfillOperationsContext,
  publisher: ConfirmPublisher,
  messages: readonly BackfillMessage[],
): Promise<void> {
  const results = await publisher.publish(
    messages.map((message) => ({
      queue: context.topology.mainQueue,
      content: encodeBackfillMessage(message),
      messageId: message.id,
      timestampMs: context.nowMs,
      type: BACKFILL_MESSAGE_TYPE,
    })),
  );
  const failure = firstPublishError(results);
  if (failure) throw failure;
  await context.state.recordQueueMoves(
    messages.map((message) => ({
      id: message.id,
      enter: [{ queue: context.topology.mainQueue, atMs: context.nowMs }],
    })),
  );
}

function toDeadLetter(raw: GetMessage): DeadLetter {
  const body = raw.content.toString('utf8');
  const decoded = decodeBackfillMessage(raw.content);
  const messageId: unknown = raw.properties.messageId;
  return {
    id: typeof messageId === 'string' ? messageId : '',
    body,
    message: decoded.ok ? decoded.message : undefined,
    invalid: decoded.ok ? undefined : decoded.error,
    info: parseDeadLetterHeaders(raw.properties.headers),
  };
}
