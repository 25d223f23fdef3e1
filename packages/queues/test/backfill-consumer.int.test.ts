import { waitFor } from '@gse/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import {
  BACKFILL_MESSAGE_VERSION,
  decodeBackfillMessage,
  encodeBackfillMessage,
  parseDeadLetterHeaders,
  type BackfillHandler,
  type BackfillMessage,
} from '../src/index.js';
import {
  createBackfillHarness,
  TEST_BACKFILL,
  TEST_DELAYS_MS,
  type BackfillHarness,
} from './backfill-harness.js';

let harness: BackfillHarness;
beforeEach(async () => {
  harness = await createBackfillHarness();
});
afterEach(async () => {
  await harness.cleanup();
});

const message = (id: string, extra: Partial<BackfillMessage> = {}): BackfillMessage => ({
  version: BACKFILL_MESSAGE_VERSION,
  id,
  org: 'acme',
  repo: 'web',
  resource: 'all',
  window: { fromMs: 1_000, toMs: 2_000 },
  reason: 'github_unavailable',
  attempt: 1,
  firstEnqueuedAtMs: Date.now(),
  ...extra,
});

async function publish(...messages: BackfillMessage[]): Promise<void> {
  for (const body of messages) {
    await harness.amqp.publishRaw(harness.amqp.topology.mainQueue, encodeBackfillMessage(body));
  }
}

/** Splits an org-wide window into `repos` (ids `<parent>.<repo>`), fills the rest; notes each. */
const splitInto =
  (repos: readonly string[], handled: string[]): BackfillHandler =>
  (incoming) => {
    handled.push(`${incoming.id}:${incoming.repo ?? '*'}`);
    if (incoming.repo !== undefined) return Promise.resolve({ kind: 'done' });
    return Promise.resolve({
      kind: 'fanned_out',
      messages: repos.map((repo) => ({ ...incoming, id: `${incoming.id}.${repo}`, repo })),
    });
  };

const dlqDepth = (): Promise<number> => harness.amqp.depth(harness.amqp.topology.dlq);

describe('backfill consumer', () => {
  it('acks a filled window once; nothing is left anywhere', async () => {
    const seen: string[] = [];
    await harness.consumer((incoming) => {
      seen.push(incoming.id);
      return Promise.resolve({ kind: 'done' });
    });
    await publish(message('m-1'), message('m-2', { repo: 'api' }));
    await waitFor(() => harness.counts.get('processed acme processed') === 2, {
      timeoutMs: 5000,
      description: 'both messages processed',
    });
    expect(seen.sort()).toEqual(['m-1', 'm-2']);
    expect(await harness.amqp.depth(harness.amqp.topology.mainQueue)).toBe(0);
    expect(await dlqDepth()).toBe(0);
  });

  it('walks every retry delay, re-running each attempt, then dead-letters with the history', async () => {
    const attempts: { attempt: number; atMs: number }[] = [];
    await harness.consumer((incoming) => {
      attempts.push({ attempt: incoming.attempt, atMs: Date.now() });
      return Promise.resolve({
        kind: 'failed',
        reason: 'github_unavailable',
        error: `HTTP 503 on attempt ${incoming.attempt}`,
        permanent: false,
      });
    });
    await publish(message('doomed'));
    await waitFor(async () => (await dlqDepth()) === 1, {
      timeoutMs: 5000,
      description: 'the message in the DLQ',
    });
    // The consumer counts a dead letter once RabbitMQ confirmed it, a moment after it shows.
    await waitFor(() => harness.counts.get('dead_lettered acme retries_exhausted') === 1, {
      timeoutMs: 5000,
      description: 'the dead letter counted',
    });

    expect(attempts.map((entry) => entry.attempt)).toEqual([1, 2, 3]);
    const gaps = attempts.slice(1).map((entry, index) => entry.atMs - (attempts[index]?.atMs ?? 0));
    TEST_DELAYS_MS.forEach((delayMs, index) => {
      expect(gaps[index]).toBeGreaterThanOrEqual(delayMs - 20);
    });
    const [dead] = await harness.amqp.drain(harness.amqp.topology.dlq);
    expect(parseDeadLetterHeaders(dead?.properties.headers)).toMatchObject({
      reason: 'retries_exhausted',
      attempts: 3,
      firstError: 'HTTP 503 on attempt 1',
      lastError: 'HTTP 503 on attempt 3',
      sourceQueue: harness.amqp.topology.mainQueue,
    });
    expect(decodeBackfillMessage(dead?.content ?? '')).toMatchObject({
      ok: true,
      message: { id: 'doomed', attempt: 3, firstError: 'HTTP 503 on attempt 1' },
    });
    expect(harness.counts.get('retried acme github_unavailable')).toBe(2);
    expect(harness.counts.get('dead_lettered acme retries_exhausted')).toBe(1);
    for (const queue of [
      harness.amqp.topology.mainQueue,
      ...harness.amqp.topology.retryQueues.map((retry) => retry.name),
    ]) {
      expect(await harness.amqp.depth(queue)).toBe(0);
    }
  });

  it('dead-letters garbage as invalid_message at once and keeps consuming', async () => {
    const handled: string[] = [];
    await harness.consumer((incoming) => {
      handled.push(incoming.id);
      return Promise.resolve({ kind: 'done' });
    });
    await harness.amqp.publishRaw(harness.amqp.topology.mainQueue, 'not json at all');
    await harness.amqp.publishRaw(
      harness.amqp.topology.mainQueue,
      JSON.stringify({ version: 1, org: 'acme', id: 'half' }),
    );
    await publish(message('fine'));
    await waitFor(
      () => handled.length === 1 && harness.counts.get('dead_lettered acme invalid_message') === 1,
      {
        timeoutMs: 5000,
        description: 'garbage dead-lettered, the valid message handled',
      },
    );
    await waitFor(
      async () =>
        (await dlqDepth()) === 2 &&
        harness.counts.get('dead_lettered unknown invalid_message') === 1,
      { timeoutMs: 5000, description: 'both garbage messages dead-lettered and counted' },
    );

    const dead = await harness.amqp.drain(harness.amqp.topology.dlq);
    expect(dead.map((raw) => raw.content.toString())).toEqual([
      'not json at all',
      JSON.stringify({ version: 1, org: 'acme', id: 'half' }),
    ]);
    const infos = dead.map((raw) => parseDeadLetterHeaders(raw.properties.headers));
    expect(infos.map((info) => [info?.reason, info?.attempts])).toEqual([
      ['invalid_message', 0],
      ['invalid_message', 0],
    ]);
    expect(infos[0]?.lastError).toMatch(/^not JSON: /);
    expect(infos[1]?.lastError).toMatch(/^wrong schema: /);
    expect(dead.every((raw) => typeof raw.properties.messageId === 'string')).toBe(true);
    expect(handled).toEqual(['fine']);
    expect(harness.counts.get('dead_lettered unknown invalid_message')).toBe(1);
  });

  it('dead-letters a permanent refusal and a message past max age without retrying', async () => {
    let calls = 0;
    await harness.consumer(
      (incoming) => {
        calls += 1;
        return Promise.resolve({
          kind: 'failed',
          reason: incoming.id === 'gone' ? 'github_rejected' : 'github_unavailable',
          error: 'nope',
          permanent: incoming.id === 'gone',
        });
      },
      { backfill: { ...TEST_BACKFILL, maxMessageAgeMs: 10_000 } },
    );
    await publish(message('gone'), message('stale', { firstEnqueuedAtMs: Date.now() - 10_000 }));
    await waitFor(async () => (await dlqDepth()) === 2, { timeoutMs: 5000 });
    const reasons = (await harness.amqp.drain(harness.amqp.topology.dlq)).map(
      (raw) => parseDeadLetterHeaders(raw.properties.headers)?.reason,
    );
    expect(reasons.sort()).toEqual(['github_rejected', 'max_age']);
    expect(calls).toBe(2);
  });

  it('publishes the messages an org-wide window fans out to, then acks it', async () => {
    const handled: string[] = [];
    await harness.consumer(splitInto(['web', 'api'], handled));
    const orgWide: BackfillMessage = { ...message('org'), repo: undefined };
    await harness.amqp.publishRaw(
      harness.amqp.topology.mainQueue,
      JSON.stringify(orgWide, (key, value: unknown) => (key === 'repo' ? undefined : value)),
    );
    // Counted once acked, a moment after the handler returns.
    await waitFor(
      () => handled.length === 3 && harness.counts.get('processed acme processed') === 3,
      { timeoutMs: 5000, description: 'three windows handled and counted' },
    );
    expect(handled.sort()).toEqual(['org.api:api', 'org.web:web', 'org:*']);
  });

  // Before: the org-wide window was split into every repo, next to the repo's own window
  // of the same slot, and both re-read it.
  it('drops the share of an org-wide window whose repo has its own window of the slot pending', async () => {
    const window = { fromMs: 60_000, toMs: 120_000 };
    await harness
      .outbox()
      .enqueue([
        { org: 'acme', repo: 'web', resource: 'all', ...window, reason: 'github_unhealthy' },
      ]);
    const handled: string[] = [];
    await harness.consumer(splitInto(['api', 'web'], handled));
    await publish(message('org', { repo: undefined, window, reason: 'github_unhealthy' }));
    await waitFor(() => harness.counts.get('processed acme processed') === 2, {
      timeoutMs: 5000,
      description: 'the org window and the api window handled',
    });
    expect(handled).toEqual(['org:*', 'org.api:api']);
    // The marker api's window set is gone with it: a later miss of api enqueues again.
    expect(
      await harness
        .outbox()
        .enqueue([
          { org: 'acme', repo: 'api', resource: 'all', ...window, reason: 'github_unhealthy' },
        ]),
    ).toEqual({ stored: 1, deduped: 0, capped: 0 });
  });

  it('hands an in-flight message back on close, and redelivers it to the next consumer', async () => {
    let started = false;
    const waitsForShutdown: BackfillHandler = (_incoming, context) =>
      new Promise((_resolve, reject) => {
        started = true;
        context.signal.addEventListener('abort', () => {
          reject(context.signal.reason as Error);
        });
      });
    const first = await harness.consumer(waitsForShutdown);
    await publish(message('handed-back'));
    await waitFor(() => started, { timeoutMs: 5000 });
    await first.close();
    // A quorum queue applies the return through its Raft log: ready again shortly after.
    await waitFor(async () => (await harness.amqp.depth(harness.amqp.topology.mainQueue)) === 1, {
      timeoutMs: 5000,
      description: 'the message is back in the main queue',
    });

    const redelivered: boolean[] = [];
    await harness.consumer((_incoming, context) => {
      redelivered.push(context.redelivered);
      return Promise.resolve({ kind: 'done' });
    });
    await waitFor(() => redelivered.length === 1, { timeoutMs: 5000 });
    expect(redelivered).toEqual([true]);
  });
});
