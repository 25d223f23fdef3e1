/**
 * `pnpm backfill -- <command>`: an operator's hands on the backfill queues. Enqueue a window
 * by hand (neither deduped nor capped), and list, inspect and requeue what sits in the
 * dead-letter queue. Reads the fleet config like the services (`$GITHUB_STATS_CONFIG`, else
 * `config/local.yaml`, else demo mode) for `amqp.*` and `store.*`. Exit codes: 0 done,
 * 1 failed (e.g. RabbitMQ unreachable), 2 bad usage or config.
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';

import { loadConfig, type Config } from '@gse/config';
import { createLogger, toErrorMessage } from '@gse/logging';
import {
  BACKFILL_MESSAGE_VERSION,
  BACKFILL_RESOURCES,
  createAmqpConnection,
  declareBackfillTopology,
  encodeBackfillMessage,
  listDeadLetters,
  publishBackfillMessages,
  requeueDeadLetters,
  toBackfillTopology,
  type BackfillMessage,
  type BackfillOperationsContext,
  type DeadLetter,
} from '@gse/queues';
import { createRedisBackfillState, createRedisConnection } from '@gse/store';

const USAGE = `Usage:
  pnpm backfill -- enqueue --org ORG [--repo REPO] [--resource RESOURCE] --from TIME --to TIME [--reason REASON]
  pnpm backfill -- dlq list [--limit 20] [--json]
  pnpm backfill -- dlq inspect ID
  pnpm backfill -- dlq requeue ID... | --all

  enqueue      publish one window to the main backfill queue (without --repo: every repo of the org)
  RESOURCE     ${BACKFILL_RESOURCES.join(', ')} (default ${BACKFILL_RESOURCES[0]})
  TIME         ISO 8601 (2026-11-01T00:00:00Z) or epoch milliseconds
  REASON       a snake_case label (default manual)
  dlq list     the oldest dead letters, without removing them
  dlq inspect  one dead letter in full (JSON)
  dlq requeue  move dead letters back to the main queue as fresh attempts`;

const CONNECT_TIMEOUT_MS = 10_000;

class UsageError extends Error {}

type Command =
  | {
      readonly kind: 'enqueue';
      readonly message: Omit<BackfillMessage, 'id' | 'firstEnqueuedAtMs'>;
    }
  | { readonly kind: 'list'; readonly limit: number; readonly json: boolean }
  | { readonly kind: 'inspect'; readonly id: string }
  | { readonly kind: 'requeue'; readonly select: { ids: string[] } | { all: true } }
  | { readonly kind: 'help' };

function parseCommand(argv: readonly string[]): Command {
  const { values, positionals } = parseArgs({
    args: [...argv],
    options: {
      org: { type: 'string' },
      repo: { type: 'string' },
      resource: { type: 'string', default: BACKFILL_RESOURCES[0] },
      from: { type: 'string' },
      to: { type: 'string' },
      reason: { type: 'string', default: 'manual' },
      limit: { type: 'string', default: '20' },
      json: { type: 'boolean', default: false },
      all: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    strict: true,
    allowPositionals: true,
  });
  const [command, subcommand, ...rest] = positionals;
  if (values.help || command === undefined) return { kind: 'help' };
  if (command === 'enqueue') {
    if (subcommand !== undefined) throw new UsageError(`enqueue takes no argument: ${subcommand}`);
    if (values.org === undefined) throw new UsageError('enqueue needs --org');
    const resource = BACKFILL_RESOURCES.find((known) => known === values.resource);
    if (!resource) {
      throw new UsageError(`--resource must be one of ${BACKFILL_RESOURCES.join(', ')}`);
    }
    const message: Omit<BackfillMessage, 'id' | 'firstEnqueuedAtMs'> = {
      version: BACKFILL_MESSAGE_VERSION,
      org: values.org,
      ...(values.repo === undefined ? {} : { repo: values.repo }),
      resource,
      window: { fromMs: parseTime('from', values.from), toMs: parseTime('to', values.to) },
      reason: values.reason,
      attempt: 1,
    };
    try {
      encodeBackfillMessage({ ...message, id: 'check', firstEnqueuedAtMs: 0 });
    } catch (error) {
      throw new UsageError(toErrorMessage(error));
    }
    return { kind: 'enqueue', message };
  }
  if (command !== 'dlq') throw new UsageError(`unknown command: ${command}`);
  if (subcommand === 'list') {
    const limit = Number(values.limit);
    if (!Number.isSafeInteger(limit) || limit < 1) {
      throw new UsageError(`--limit must be a positive integer; got ${values.limit}`);
    }
    return { kind: 'list', limit, json: values.json };
  }
  if (subcommand === 'inspect') {
    const [id] = rest;
    if (id === undefined || rest.length > 1) throw new UsageError('dlq inspect takes one ID');
    return { kind: 'inspect', id };
  }
  if (subcommand === 'requeue') {
    if (values.all === rest.length > 0)
      throw new UsageError('dlq requeue takes either IDs or --all');
    return { kind: 'requeue', select: values.all ? { all: true } : { ids: rest } };
  }
  throw new UsageError(`unknown dlq command: ${subcommand ?? '(none)'}`);
}

function parseTime(flag: string, raw: string | undefined): number {
  if (raw === undefined) throw new UsageError(`enqueue needs --${flag}`);
  const ms = /^\d+$/.test(raw) ? Number(raw) : Date.parse(raw);
  if (!Number.isSafeInteger(ms) || ms < 0) {
    throw new UsageError(`--${flag} must be ISO 8601 or epoch milliseconds; got ${raw}`);
  }
  return ms;
}

function renderLetter(letter: DeadLetter): string {
  const where = letter.message
    ? `${letter.message.org}/${letter.message.repo ?? '*'} ${letter.message.resource} ` +
      `${new Date(letter.message.window.fromMs).toISOString()}..${new Date(letter.message.window.toMs).toISOString()}`
    : `unreadable: ${letter.invalid ?? ''}`;
  const info = letter.info
    ? `${letter.info.reason} after ${letter.info.attempts} attempt(s) at ${new Date(letter.info.atMs).toISOString()}; last error: ${letter.info.lastError ?? '-'}`
    : 'no dead-letter headers';
  return `${letter.id || '(no id)'}  ${where}\n    ${info}`;
}

async function run(command: Exclude<Command, { kind: 'help' }>, config: Config): Promise<number> {
  const logger = createLogger({
    service: 'backfill-cli',
    version: '0',
    level: 'warn',
    stream: process.stderr,
  });
  const topology = toBackfillTopology(config.amqp, config.backfill.requeueDelaysMs);
  const connection = createAmqpConnection({
    url: config.amqp.url,
    connectionName: 'backfill-cli',
    logger,
    setup: async (model) => {
      const channel = await model.createChannel();
      await declareBackfillTopology(channel, topology);
      await channel.close();
    },
  });
  const redis = createRedisConnection(config.store, {
    connectionName: 'backfill-cli',
    role: 'request',
  });
  try {
    await redis.connect();
    await connection.start();
    await connection.waitForConnect(AbortSignal.timeout(CONNECT_TIMEOUT_MS)).catch(() => {
      throw new Error(`RabbitMQ did not answer within ${CONNECT_TIMEOUT_MS / 1000} s`);
    });
    const context: BackfillOperationsContext = {
      connection,
      topology,
      state: createRedisBackfillState({ redis, keyPrefix: config.store.keyPrefix }),
      appId: 'backfill-cli',
      nowMs: Date.now(),
    };
    return await execute(command, context);
  } finally {
    await connection.close();
    redis.disconnect();
  }
}

async function execute(
  command: Exclude<Command, { kind: 'help' }>,
  context: BackfillOperationsContext,
): Promise<number> {
  const out = (text: string): void => {
    process.stdout.write(`${text}\n`);
  };
  switch (command.kind) {
    case 'enqueue': {
      const message: BackfillMessage = {
        ...command.message,
        id: randomUUID(),
        firstEnqueuedAtMs: context.nowMs,
      };
      await publishBackfillMessages(context, [message]);
      out(`enqueued ${message.id} to ${context.topology.mainQueue}`);
      return 0;
    }
    case 'list': {
      const { total, letters } = await listDeadLetters(context, command.limit);
      if (command.json) out(JSON.stringify({ total, letters }, null, 2));
      else {
        out(
          `${total} message(s) in ${context.topology.dlq}${total > letters.length ? `; the oldest ${letters.length}:` : ':'}`,
        );
        for (const letter of letters) out(renderLetter(letter));
      }
      return 0;
    }
    case 'inspect': {
      const { letters } = await listDeadLetters(context, Number.MAX_SAFE_INTEGER);
      const letter = letters.find((candidate) => candidate.id === command.id);
      if (!letter) {
        process.stderr.write(`no message ${command.id} in ${context.topology.dlq}\n`);
        return 1;
      }
      out(JSON.stringify(letter, null, 2));
      return 0;
    }
    case 'requeue': {
      const { requeued, skipped } = await requeueDeadLetters(context, command.select);
      out(
        `requeued ${requeued.length} message(s) to ${context.topology.mainQueue}${requeued.length > 0 ? `: ${requeued.join(', ')}` : ''}`,
      );
      if (skipped.length > 0) {
        out(
          `left ${skipped.length} unreadable message(s) in ${context.topology.dlq}: ${skipped.map((id) => id || '(no id)').join(', ')}`,
        );
      }
      const missing =
        'ids' in command.select
          ? command.select.ids.filter((id) => !requeued.includes(id) && !skipped.includes(id))
          : [];
      if (missing.length > 0) {
        process.stderr.write(`not in ${context.topology.dlq}: ${missing.join(', ')}\n`);
        return 1;
      }
      return 0;
    }
  }
}

async function main(): Promise<number> {
  let command: Command;
  let config: Config;
  try {
    // `pnpm backfill -- dlq list` passes the `--` through; parseArgs would take it as a positional.
    command = parseCommand(process.argv.slice(2).filter((arg) => arg !== '--'));
    if (command.kind === 'help') {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    ({ config } = loadConfig({ env: process.env, cwd: process.env['INIT_CWD'] ?? process.cwd() }));
  } catch (error) {
    process.stderr.write(`${toErrorMessage(error)}\n${USAGE}\n`);
    return 2;
  }
  try {
    return await run(command, config);
  } catch (error) {
    process.stderr.write(`backfill: ${toErrorMessage(error)}\n`);
    return 1;
  }
}

process.exitCode = await main();
