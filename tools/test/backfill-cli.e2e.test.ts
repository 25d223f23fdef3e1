import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import {
  BACKFILL_MESSAGE_VERSION,
  DEAD_LETTER_HEADERS,
  decodeBackfillMessage,
  encodeBackfillMessage,
  type BackfillMessage,
} from '@gse/queues';
import { createAmqpFixture, type AmqpFixture } from '@gse/queues/testing';
import { createRedisFixture, type RedisFixture } from '@gse/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const toolsDir = fileURLToPath(new URL('..', import.meta.url));

let amqp: AmqpFixture;
let redis: RedisFixture;
let dir: string;
let configPath: string;

beforeAll(async () => {
  amqp = await createAmqpFixture({ requeueDelaysMs: [60_000] });
  redis = await createRedisFixture();
  dir = await mkdtemp(join(tmpdir(), 'gse-backfill-cli-'));
  const keyPath = join(dir, 'app.pem');
  await writeFile(keyPath, 'placeholder: the CLI does not call GitHub\n');
  configPath = join(dir, 'config.yaml');
  await writeFile(
    configPath,
    [
      'github:',
      '  orgs:',
      '    - org: acme',
      '      app_id: 1',
      '      installation_id: 1',
      `      private_key_path: ${JSON.stringify(keyPath)}`,
      '      scrape_interval: 5m',
      'backfill:',
      '  requeue_delays: [1m]',
      'amqp:',
      `  exchange: ${amqp.names.exchange}`,
      `  queue: ${amqp.names.queue}`,
      `  dlq: ${amqp.names.dlq}`,
      'store:',
      `  key_prefix: ${redis.keyPrefix}`,
    ].join('\n'),
  );
});

afterAll(async () => {
  await amqp.cleanup();
  await redis.cleanup();
  await rm(dir, { recursive: true, force: true });
});

/** Runs `pnpm backfill -- …` as pnpm would (the `--` passed through), for its exit code and output. */
async function backfill(
  ...args: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      ['--import', 'tsx', '--conditions=@gse/source', 'src/backfill-cli.ts', '--', ...args],
      { cwd: toolsDir, env: { ...process.env, GITHUB_STATS_CONFIG: configPath }, timeout: 30_000 },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

const deadLetter = (id: string, repo: string): BackfillMessage => ({
  version: BACKFILL_MESSAGE_VERSION,
  id,
  org: 'acme',
  repo,
  resource: 'pulls',
  window: { fromMs: Date.parse('2026-11-01T00:00:00Z'), toMs: Date.parse('2026-11-02T00:00:00Z') },
  reason: 'github_unavailable',
  attempt: 5,
  firstEnqueuedAtMs: 1_000,
  lastError: 'HTTP 502',
});

describe('pnpm backfill', () => {
  it('enqueues a window by hand', async () => {
    const result = await backfill(
      'enqueue',
      '--org',
      'acme',
      '--repo',
      'web',
      '--resource',
      'commits',
      '--from',
      '2026-11-01T00:00:00Z',
      '--to',
      '2026-11-01T06:00:00Z',
    );
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const [raw, ...rest] = await amqp.drain(amqp.topology.mainQueue);
    expect(rest).toEqual([]);
    const decoded = decodeBackfillMessage(raw?.content ?? '');
    expect(decoded).toMatchObject({
      ok: true,
      message: {
        org: 'acme',
        repo: 'web',
        resource: 'commits',
        window: {
          fromMs: Date.parse('2026-11-01T00:00:00Z'),
          toMs: Date.parse('2026-11-01T06:00:00Z'),
        },
        reason: 'manual',
        attempt: 1,
      },
    });
    expect(result.stdout).toBe(
      `enqueued ${decoded.ok ? decoded.message.id : ''} to ${amqp.topology.mainQueue}\n`,
    );
  });

  it('lists, inspects and requeues dead letters', async () => {
    const headers = {
      [DEAD_LETTER_HEADERS.reason]: 'retries_exhausted',
      [DEAD_LETTER_HEADERS.attempts]: 5,
      [DEAD_LETTER_HEADERS.firstError]: 'HTTP 503',
      [DEAD_LETTER_HEADERS.lastError]: 'HTTP 502',
      [DEAD_LETTER_HEADERS.sourceQueue]: amqp.topology.mainQueue,
      [DEAD_LETTER_HEADERS.at]: '2026-11-02T10:00:00.000Z',
    };
    for (const [id, repo] of [
      ['dead-1', 'web'],
      ['dead-2', 'api'],
    ] as const) {
      await amqp.publishRaw(amqp.topology.dlq, encodeBackfillMessage(deadLetter(id, repo)), {
        messageId: id,
        headers,
      });
    }
    await amqp.publishRaw(amqp.topology.dlq, 'garbage', {
      messageId: 'junk',
      headers: {
        [DEAD_LETTER_HEADERS.reason]: 'invalid_message',
        [DEAD_LETTER_HEADERS.attempts]: 0,
      },
    });

    const listed = await backfill('dlq', 'list', '--limit', '2');
    expect(listed.code).toBe(0);
    expect(listed.stdout.split('\n')).toEqual([
      `3 message(s) in ${amqp.topology.dlq}; the oldest 2:`,
      'dead-1  acme/web pulls 2026-11-01T00:00:00.000Z..2026-11-02T00:00:00.000Z',
      '    retries_exhausted after 5 attempt(s) at 2026-11-02T10:00:00.000Z; last error: HTTP 502',
      'dead-2  acme/api pulls 2026-11-01T00:00:00.000Z..2026-11-02T00:00:00.000Z',
      '    retries_exhausted after 5 attempt(s) at 2026-11-02T10:00:00.000Z; last error: HTTP 502',
      '',
    ]);

    const inspected = await backfill('dlq', 'inspect', 'junk');
    expect(inspected.code).toBe(0);
    expect(JSON.parse(inspected.stdout)).toMatchObject({
      id: 'junk',
      body: 'garbage',
      info: { reason: 'invalid_message', attempts: 0 },
    });

    const requeued = await backfill('dlq', 'requeue', 'dead-2', 'nowhere');
    expect(requeued).toMatchObject({
      code: 1,
      stdout: `requeued 1 message(s) to ${amqp.topology.mainQueue}: dead-2\n`,
      stderr: `not in ${amqp.topology.dlq}: nowhere\n`,
    });
    const back = (await amqp.drain(amqp.topology.mainQueue)).map((raw) =>
      decodeBackfillMessage(raw.content),
    );
    expect(
      back.map((entry) => (entry.ok ? [entry.message.id, entry.message.attempt] : [])),
    ).toEqual([['dead-2', 1]]);
    expect(await amqp.depth(amqp.topology.dlq)).toBe(2);
  });
});
