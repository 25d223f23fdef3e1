import { freePort, isListening } from '@gse/testing';
import { describe, expect, it } from 'vitest';

import { ensureBrokers } from '../src/local-brokers.js';

describe('ensureBrokers', () => {
  it("with an operator's config starts nothing and names each address that does not answer", async () => {
    const [redisPort, amqpPort] = [await freePort(), await freePort()];
    await expect(
      ensureBrokers(
        {
          redis: { host: '127.0.0.1', port: redisPort },
          amqpUrl: `amqp://guest:guest@127.0.0.1:${amqpPort}`,
        },
        { mayStart: false },
      ),
    ).rejects.toThrow(
      [
        `Redis does not answer at 127.0.0.1:${redisPort} (store.redis_addr): start it (\`docker compose up redis rabbitmq\` on a laptop) or point store.redis_addr at it; with an operator's config nothing is started here`,
        `RabbitMQ does not answer at 127.0.0.1:${amqpPort} (amqp.url): start it (\`docker compose up redis rabbitmq\` on a laptop) or point amqp.url at it; with an operator's config nothing is started here`,
      ].join('\n'),
    );
    expect(await isListening('127.0.0.1', redisPort)).toBe(false);
    expect(await isListening('127.0.0.1', amqpPort)).toBe(false);
  });

  it('in demo mode refuses to start a broker it could not reach anyway', async () => {
    const amqpPort = await freePort();
    await expect(
      ensureBrokers(
        {
          redis: { host: '127.0.0.1', port: 6379 },
          amqpUrl: `amqp://gse:secret@127.0.0.1:${amqpPort}`,
        },
        { mayStart: true },
      ),
    ).rejects.toThrow(
      `RabbitMQ does not answer at 127.0.0.1:${amqpPort} (amqp.url): only a loopback address with RabbitMQ's default guest account can be started here`,
    );
    expect(await isListening('127.0.0.1', amqpPort)).toBe(false);
  });

  it('uses brokers that answer as they are', async () => {
    const brokers = await ensureBrokers(
      { redis: { host: '127.0.0.1', port: 6379 }, amqpUrl: 'amqp://guest:guest@127.0.0.1:5672' },
      { mayStart: true },
    );
    expect(brokers.started).toEqual([]);
    await brokers.stop();
    expect(await isListening('127.0.0.1', 6379)).toBe(true);
  });
});
