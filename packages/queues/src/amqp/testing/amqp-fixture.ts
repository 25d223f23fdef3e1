import { randomUUID } from 'node:crypto';

import { connect, type ChannelModel, type ConfirmChannel, type GetMessage } from 'amqplib';

import {
  backfillQueues,
  toBackfillTopology,
  type AmqpNames,
  type BackfillTopology,
} from '../backfill-topology.js';

/** The machine's shared RabbitMQ that tests use (`npm test` starts one there if none answers). */
export const TEST_AMQP_URL = 'amqp://guest:guest@127.0.0.1:5672';

/** Backfill queue names of one test on the shared RabbitMQ, and a connection to look inside. */
export interface AmqpFixture {
  readonly url: string;
  /** `test-<uuid>.backfill`, `….jobs`, `….dlq`: unique per fixture. */
  readonly names: AmqpNames;
  readonly topology: BackfillTopology;
  /** Ready messages of a queue (0 if it does not exist yet). */
  depth(queue: string): Promise<number>;
  /** Takes every ready message off a queue (acked: they are gone). */
  drain(queue: string): Promise<GetMessage[]>;
  /** Publishes a raw body to a queue of the topology, bypassing every check. */
  publishRaw(
    queue: string,
    content: Buffer | string,
    properties?: {
      readonly messageId?: string;
      readonly headers?: Readonly<Record<string, string | number>>;
    },
  ): Promise<void>;
  /** Deletes the exchange and every queue of the topology, and disconnects. */
  cleanup(): Promise<void>;
}

/** Unique backfill names on the machine's RabbitMQ; the code under test declares them. */
export async function createAmqpFixture(options: {
  readonly requeueDelaysMs: readonly number[];
  readonly url?: string;
}): Promise<AmqpFixture> {
  const url = options.url ?? TEST_AMQP_URL;
  const prefix = `test-${randomUUID()}`;
  const names = {
    exchange: `${prefix}.backfill`,
    queue: `${prefix}.jobs`,
    dlq: `${prefix}.dlq`,
  };
  const topology = toBackfillTopology(names, options.requeueDelaysMs);
  let model: ChannelModel | undefined;
  let channel: ConfirmChannel | undefined;

  // Reopened on demand: a test may restart RabbitMQ under it.
  async function open(): Promise<ConfirmChannel> {
    if (channel) return channel;
    model = await connect(url, { clientProperties: { connection_name: `fixture ${prefix}` } });
    model.on('error', () => undefined);
    model.on('close', () => {
      model = undefined;
      channel = undefined;
    });
    const opened = await model.createConfirmChannel();
    opened.on('error', () => undefined);
    opened.on('close', () => {
      if (channel === opened) channel = undefined;
    });
    channel = opened;
    return opened;
  }

  // Fail here, not in the test, when RabbitMQ is not running.
  await open();
  return {
    url,
    names,
    topology,
    depth: async (queue) => {
      await open();
      // A passive declare of a missing queue closes its channel: use a scratch one.
      const scratch = await model?.createChannel();
      if (!scratch) return 0;
      scratch.on('error', () => undefined);
      try {
        return (await scratch.checkQueue(queue)).messageCount;
      } catch {
        return 0;
      } finally {
        await scratch.close().catch(() => undefined);
      }
    },
    drain: async (queue) => {
      const opened = await open();
      const messages: GetMessage[] = [];
      for (;;) {
        const message = await opened.get(queue, { noAck: true });
        if (message === false) return messages;
        messages.push(message);
      }
    },
    publishRaw: async (queue, content, properties = {}) => {
      const opened = await open();
      opened.publish(names.exchange, queue, Buffer.from(content), {
        persistent: true,
        ...(properties.messageId === undefined ? {} : { messageId: properties.messageId }),
        headers: properties.headers ?? {},
      });
      await opened.waitForConfirms();
    },
    cleanup: async () => {
      const opened = await open();
      for (const queue of backfillQueues(topology)) await opened.deleteQueue(queue);
      await opened.deleteExchange(names.exchange);
      await model?.close();
    },
  };
}
