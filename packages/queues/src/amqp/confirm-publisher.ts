import { randomUUID } from 'node:crypto';
import { once } from 'node:events';

import { markSpanFailed, SpanKind, withSpan } from '@gse/tracing';
import type { ConfirmChannel } from 'amqplib';

import { AmqpUnavailableError } from './amqp-connection.js';

/** A message for one queue of the backfill topology. */
export interface OutgoingMessage {
  /** The queue's name: the routing key on the backfill exchange. */
  readonly queue: string;
  readonly content: Buffer;
  readonly messageId: string;
  /** Goes out as the AMQP `timestamp` property, in whole seconds. */
  readonly timestampMs: number;
  readonly type: string;
  readonly headers?: Readonly<Record<string, string | number>>;
}

/** RabbitMQ could not route a message to any queue (the queue is gone). */
export class UnroutableMessageError extends Error {
  override readonly name = 'UnroutableMessageError';
}

export type PublishResult = { readonly ok: true } | { readonly ok: false; readonly error: Error };

/** The error of the first failed publish, if any. */
export function firstPublishError(results: readonly PublishResult[]): Error | undefined {
  for (const result of results) if (!result.ok) return result.error;
  return undefined;
}

/**
 * Publishes on a confirm channel and waits for the broker: `ok` only once RabbitMQ has taken
 * responsibility for the message (persisted, for a durable queue). Messages are persistent
 * and mandatory, so a message no queue takes is reported instead of vanishing.
 */
export interface ConfirmPublisher {
  /** The channel of the current connection (from the connection's `setup`), or none while down. */
  attach(channel: ConfirmChannel | undefined): void;
  /** Publishes in order; one result per message. Never rejects. */
  publish(messages: readonly OutgoingMessage[]): Promise<PublishResult[]>;
}

export function createConfirmPublisher(options: {
  readonly exchange: string;
  /** The AMQP `app_id` of every message, e.g. `backfill-worker`. */
  readonly appId: string;
}): ConfirmPublisher {
  let current: ConfirmChannel | undefined;
  const returned = new Set<string>();

  function publishOne(
    channel: ConfirmChannel,
    message: OutgoingMessage,
  ): {
    readonly confirmed: Promise<PublishResult>;
    readonly buffered: boolean;
  } {
    const correlationId = randomUUID();
    let buffered = true;
    const confirmed = new Promise<PublishResult>((resolve) => {
      try {
        buffered = channel.publish(
          options.exchange,
          message.queue,
          message.content,
          {
            persistent: true,
            mandatory: true,
            contentType: 'application/json',
            messageId: message.messageId,
            correlationId,
            timestamp: Math.floor(message.timestampMs / 1000),
            type: message.type,
            appId: options.appId,
            headers: message.headers ?? {},
          },
          (error: unknown) => {
            // RabbitMQ sends basic.return before the ack of an unroutable mandatory message.
            if (returned.delete(correlationId)) {
              resolve({
                ok: false,
                error: new UnroutableMessageError(`no queue took the message for ${message.queue}`),
              });
            } else if (error) {
              resolve({ ok: false, error: toError(error) });
            } else {
              resolve({ ok: true });
            }
          },
        );
      } catch (error) {
        resolve({ ok: false, error: toError(error) });
      }
    });
    return { confirmed, buffered };
  }

  return {
    attach: (channel) => {
      current = channel;
      channel?.on('close', () => {
        if (current === channel) current = undefined;
      });
      channel?.on('return', (message: { properties: { correlationId?: unknown } }) => {
        const { correlationId } = message.properties;
        if (typeof correlationId === 'string') returned.add(correlationId);
      });
    },
    publish: (messages) =>
      withSpan(
        'amqp publish',
        {
          detail: true,
          kind: SpanKind.PRODUCER,
          attributes: {
            'messaging.system': 'rabbitmq',
            'messaging.operation.name': 'publish',
            'messaging.batch.message_count': messages.length,
          },
        },
        async (span) => {
          const channel = current;
          if (!channel) {
            const error = new AmqpUnavailableError('RabbitMQ is not connected');
            markSpanFailed(span, error);
            return messages.map(() => ({ ok: false, error }));
          }
          const confirmations: Promise<PublishResult>[] = [];
          for (const message of messages) {
            const { confirmed, buffered } = publishOne(channel, message);
            confirmations.push(confirmed);
            // The channel's buffer is full: wait until it drains (or the channel dies).
            if (!buffered) await drainedOrClosed(channel);
          }
          const results = await Promise.all(confirmations);
          const failure = firstPublishError(results);
          if (failure) markSpanFailed(span, failure);
          return results;
        },
      ),
  };
}

async function drainedOrClosed(channel: ConfirmChannel): Promise<void> {
  const done = new AbortController();
  const { signal } = done;
  // `once` rejects on an 'error' event: the channel is dead then, which ends the wait too.
  await Promise.race([
    once(channel, 'drain', { signal }),
    once(channel, 'close', { signal }),
  ]).catch(() => undefined);
  done.abort();
}

function toError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
