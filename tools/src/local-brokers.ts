import type { HostPort } from '@gse/config';
import {
  isListening,
  startOwnRabbitMqNode,
  startOwnRedisServer,
  type OwnRabbitMqNode,
  type OwnRedisServer,
} from '@gse/testing';

/** Where the fleet expects its brokers: the config's `store.redis_addr` and `amqp.url`. */
export interface BrokerAddresses {
  readonly redis: HostPort;
  readonly amqpUrl: string;
}

/** Brokers this process started; `stop()` stops them and deletes their data. */
export interface LocalBrokers {
  /** What was started, e.g. `['redis-server on 127.0.0.1:6390']`; empty when both answered. */
  readonly started: readonly string[];
  stop(): Promise<void>;
}

export interface EnsureBrokersOptions {
  /**
   * Demo mode and the test run: start a missing broker from the machine's `redis-server` /
   * `rabbitmq-server` on the configured loopback port. With an operator's config: never
   * start anything, fail naming the address.
   */
  readonly mayStart: boolean;
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);
// The broker a demo starts knows only RabbitMQ's default account.
const EMBEDDED_AMQP_USER = 'guest:guest';

/**
 * Makes sure Redis and RabbitMQ answer where the config points. A broker that answers is
 * used as it is, never touched.
 *
 * @throws Error naming the broker, its address and the config key, when one does not answer
 *   and may not (or cannot: not loopback, not RabbitMQ's guest account) be started here.
 */
export async function ensureBrokers(
  addresses: BrokerAddresses,
  options: EnsureBrokersOptions,
): Promise<LocalBrokers> {
  const amqp = parseAmqpAddress(addresses.amqpUrl);
  const redisAnswers = await isListening(addresses.redis.host, addresses.redis.port);
  const amqpAnswers = await isListening(amqp.host, amqp.port);

  const refusals = [
    redisAnswers
      ? undefined
      : refusal(options.mayStart, {
          broker: 'Redis',
          where: `${addresses.redis.host}:${addresses.redis.port}`,
          key: 'store.redis_addr',
          canStartHere: LOOPBACK_HOSTS.has(addresses.redis.host),
        }),
    amqpAnswers
      ? undefined
      : refusal(options.mayStart, {
          broker: 'RabbitMQ',
          where: `${amqp.host}:${amqp.port}`,
          key: 'amqp.url',
          canStartHere: LOOPBACK_HOSTS.has(amqp.host) && amqp.userInfo === EMBEDDED_AMQP_USER,
        }),
  ].filter((line) => line !== undefined);
  if (refusals.length > 0) throw new Error(refusals.join('\n'));

  const started: string[] = [];
  let redis: OwnRedisServer | undefined;
  let rabbitmq: OwnRabbitMqNode | undefined;
  const stop = async (): Promise<void> => {
    await Promise.all([redis?.dispose(), rabbitmq?.dispose()]);
  };
  try {
    if (!redisAnswers) {
      redis = await startOwnRedisServer({ port: addresses.redis.port });
      started.push(`redis-server on 127.0.0.1:${addresses.redis.port}`);
    }
    if (!amqpAnswers) {
      rabbitmq = await startOwnRabbitMqNode({ port: amqp.port });
      started.push(`rabbitmq-server ${rabbitmq.nodeName} on 127.0.0.1:${amqp.port}`);
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { started, stop };
}

/** Why a broker that does not answer cannot be had; `undefined` when it may be started. */
function refusal(
  mayStart: boolean,
  broker: { broker: string; where: string; key: string; canStartHere: boolean },
): string | undefined {
  const missing = `${broker.broker} does not answer at ${broker.where} (${broker.key})`;
  if (!mayStart) {
    return `${missing}: start it (\`docker compose up redis rabbitmq\` on a laptop) or point ${broker.key} at it; with an operator's config nothing is started here`;
  }
  if (!broker.canStartHere) {
    return `${missing}: only a loopback address with RabbitMQ's default guest account can be started here`;
  }
  return undefined;
}

function parseAmqpAddress(url: string): { host: string; port: number; userInfo: string } {
  const parsed = new URL(url);
  const defaultPort = parsed.protocol === 'amqps:' ? 5671 : 5672;
  return {
    host: parsed.hostname,
    port: parsed.port === '' ? defaultPort : Number(parsed.port),
    userInfo: `${decodeURIComponent(parsed.username)}:${decodeURIComponent(parsed.password)}`,
  };
}
