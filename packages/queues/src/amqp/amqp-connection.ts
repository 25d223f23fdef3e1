import { type Logger, toErrorMessage } from '@gse/logging';
import {
  connect,
  type ChannelModel,
  type ConfirmChannel,
  type RecoveringChannelModel,
} from 'amqplib';

/** RabbitMQ is not connected right now; the caller keeps its work and tries later. */
export class AmqpUnavailableError extends Error {
  override readonly name = 'AmqpUnavailableError';
}

export interface AmqpConnectionOptions {
  /** `amqp.url`. Secret (it may carry credentials): never logged. */
  readonly url: string;
  /** Shown in RabbitMQ's connection list (`connection_name`), e.g. `backfill-worker`. */
  readonly connectionName: string;
  readonly logger: Logger;
  /**
   * Runs on every (re)connection before the connection counts as up: declare the topology,
   * open channels, start consumers. If it throws, the connection is closed and retried.
   */
  readonly setup: (model: ChannelModel) => Promise<void>;
  /** Called with `true` once connected (after `setup`), `false` when the connection drops. */
  readonly onStateChange?: (connected: boolean) => void;
  /**
   * Called when RabbitMQ blocks the connection (`connection.blocked`: a memory or disk alarm;
   * it stops reading what the connection publishes) and unblocks it, and with `false` when a
   * blocked connection drops (a new one starts unblocked; RabbitMQ blocks it again if needed).
   */
  readonly onBlockedChange?: (blocked: boolean) => void;
  /** First reconnect delay (100 ms), doubling with 20 % jitter up to `maxReconnectDelayMs` (5 s). */
  readonly initialReconnectDelayMs?: number;
  readonly maxReconnectDelayMs?: number;
}

/** A RabbitMQ connection that reconnects by itself, forever, with backoff. */
export interface AmqpConnection {
  /** Whether the connection is up and `setup` has run on it. */
  readonly connected: boolean;
  /** Whether RabbitMQ has blocked this connection's publishes (a resource alarm). */
  readonly blocked: boolean;
  /** Starts connecting; resolves at once (the first connection may come later). Idempotent. */
  start(): Promise<void>;
  /** Resolves once connected; rejects with `signal.reason` if `signal` aborts first. */
  waitForConnect(signal?: AbortSignal): Promise<void>;
  /**
   * Opens a short-lived confirm channel on the current connection for `use`, and closes it
   * after (which hands back any message `use` got and did not settle).
   *
   * @throws AmqpUnavailableError while disconnected.
   */
  withChannel<T>(use: (channel: ConfirmChannel) => Promise<T>): Promise<T>;
  /** Stops reconnecting and closes the connection. Idempotent. */
  close(): Promise<void>;
}

/**
 * Creates a reconnecting connection on amqplib's recovery (`connect(url, { recovery })`):
 * amqplib re-opens the TCP connection, and `setup` rebuilds what lives on it (channels die
 * with their connection). Until `start()`, nothing connects.
 */
export function createAmqpConnection(options: AmqpConnectionOptions): AmqpConnection {
  const { logger } = options;
  let model: ChannelModel | undefined;
  let recovering: RecoveringChannelModel | undefined;
  let starting: Promise<void> | undefined;
  let closed = false;
  let blocked = false;
  const waiters = new Set<() => void>();
  /** Rejects what `withChannel` awaits when the connection goes: amqplib may never settle it. */
  const onLost = new Set<(error: Error) => void>();

  const setBlocked = (next: boolean): void => {
    if (blocked === next) return;
    blocked = next;
    options.onBlockedChange?.(next);
  };

  const setState = (next: ChannelModel | undefined): void => {
    const changed = (model === undefined) !== (next === undefined);
    model = next;
    if (!next) setBlocked(false);
    if (!changed) return;
    options.onStateChange?.(next !== undefined);
    if (next) for (const wake of waiters) wake();
    else for (const reject of onLost) reject(new AmqpUnavailableError('RabbitMQ connection lost'));
  };

  async function open(): Promise<void> {
    const connection = await connect(options.url, {
      clientProperties: { connection_name: options.connectionName },
      recovery: {
        waitForConnect: false,
        initialDelay: options.initialReconnectDelayMs ?? 100,
        maxDelay: options.maxReconnectDelayMs ?? 5000,
        maxRetries: Infinity,
        setup: async (next: ChannelModel) => {
          // Errors on the connection also close it: the recovery's `disconnect` handles them.
          next.on('error', () => undefined);
          await options.setup(next);
        },
      },
    });
    recovering = connection;
    connection.on('connect', (next: ChannelModel) => {
      logger.info('amqp connected', { connection: options.connectionName });
      setState(next);
    });
    connection.on('disconnect', (error: Error) => {
      logger.warn('amqp connection lost; reconnecting', {
        connection: options.connectionName,
        error: error.message,
      });
      setState(undefined);
    });
    connection.on('connect-failed', (error: Error) => {
      logger.warn('amqp connection attempt failed', {
        connection: options.connectionName,
        error: error.message,
      });
    });
    connection.on('error', (error: Error) => {
      logger.warn('amqp connection error', {
        connection: options.connectionName,
        error: error.message,
      });
    });
    connection.on('blocked', (reason: string) => {
      logger.warn('amqp connection blocked by the broker', {
        connection: options.connectionName,
        reason,
      });
      setBlocked(true);
    });
    connection.on('unblocked', () => {
      logger.info('amqp connection unblocked by the broker', {
        connection: options.connectionName,
      });
      setBlocked(false);
    });
    if (closed) await connection.close();
  }

  return {
    get connected() {
      return model !== undefined;
    },
    get blocked() {
      return blocked;
    },
    start: () => {
      if (closed) return Promise.reject(new Error('the AMQP connection is closed'));
      starting ??= open();
      return starting;
    },
    waitForConnect: (signal) => {
      if (model) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const onAbort = (): void => {
          waiters.delete(wake);
          reject(signal?.reason as Error);
        };
        const wake = (): void => {
          waiters.delete(wake);
          signal?.removeEventListener('abort', onAbort);
          resolve();
        };
        if (signal?.aborted) {
          onAbort();
          return;
        }
        waiters.add(wake);
        signal?.addEventListener('abort', onAbort, { once: true });
      });
    },
    withChannel: async (use) => {
      const current = model;
      if (!current) throw new AmqpUnavailableError('RabbitMQ is not connected');
      let reject: (error: Error) => void = () => undefined;
      const lost = new Promise<never>((_resolve, rejectLost) => {
        reject = rejectLost;
      });
      lost.catch(() => undefined);
      onLost.add(reject);
      let channel: ConfirmChannel | undefined;
      try {
        channel = await Promise.race([current.createConfirmChannel(), lost]);
        // A failed operation (e.g. checking a queue that does not exist) rejects its promise;
        // the channel's own 'error' event would otherwise crash the process.
        channel.on('error', () => undefined);
        return await Promise.race([use(channel), lost]);
      } finally {
        const opened = channel;
        if (opened && model === current) {
          await Promise.race([opened.close(), lost]).catch((error: unknown) => {
            logger.debug('amqp channel already closed', { error: toErrorMessage(error) });
          });
        }
        onLost.delete(reject);
      }
    },
    close: async () => {
      if (closed) return;
      closed = true;
      await starting?.catch(() => undefined);
      const connection = recovering;
      recovering = undefined;
      setState(undefined);
      await connection?.close();
    },
  };
}

/**
 * Ties a long-lived channel to its connection: a channel RabbitMQ closes on its own (a
 * channel error) leaves the connection up, so amqplib would not reconnect and the channel's
 * consumer or publisher would be gone for good. Closing the connection makes the recovery
 * reconnect and run `setup` again. (When the connection is what closed, this is a no-op.)
 */
export function reconnectOnChannelClose(model: ChannelModel, channel: ConfirmChannel): void {
  channel.on('close', () => {
    model.close().catch(() => undefined);
  });
}
