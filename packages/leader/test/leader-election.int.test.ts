import { Writable } from 'node:stream';

import { createLogger } from '@gse/logging';
import { createRedisFixture, waitFor, type RedisFixture } from '@gse/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { LeadershipEndedError } from '../src/index.js';
import {
  createLeaderElection,
  createLeaderLock,
  type LeaderElection,
  type LeaderRedis,
  type Leadership,
} from '../src/index.js';

const LEASE_MS = 1000;
const RENEW_DEADLINE_MS = 600;
const RETRY_MS = 100;

const logger = createLogger({
  service: 'leader-test',
  version: '0',
  level: 'error',
  stream: new Writable({
    write: (_chunk, _encoding, done) => {
      done();
    },
  }),
});

let fixture: RedisFixture;
let lockKey: string;
let fencingKey: string;
const elections: LeaderElection[] = [];

beforeEach(async () => {
  fixture = await createRedisFixture();
  lockKey = `${fixture.keyPrefix}:leader:lock`;
  fencingKey = `${fixture.keyPrefix}:leader:fencing-token`;
});

afterEach(async () => {
  await Promise.all(elections.splice(0).map((election) => election.stop()));
  await fixture.cleanup();
});

/** A campaigner whose terms are recorded; `redis` defaults to the fixture's connection. */
function campaigner(redis: LeaderRedis = fixture.redis): {
  election: LeaderElection;
  terms: Leadership[];
  ended: LeadershipEndedError[];
} {
  const terms: Leadership[] = [];
  const ended: LeadershipEndedError[] = [];
  const election = createLeaderElection({
    lock: createLeaderLock({ redis, lockKey, fencingKey, leaseDurationMs: LEASE_MS }),
    renewDeadlineMs: RENEW_DEADLINE_MS,
    retryPeriodMs: RETRY_MS,
    logger,
    onElected: (leadership) => {
      terms.push(leadership);
      return new Promise((resolve) => {
        leadership.signal.addEventListener('abort', () => {
          ended.push(leadership.signal.reason as LeadershipEndedError);
          resolve();
        });
      });
    },
  });
  elections.push(election);
  election.start();
  return { election, terms, ended };
}

const leaders = (...all: LeaderElection[]): string[] =>
  all.filter((election) => election.current() !== undefined).map((e) => e.ownerId);

describe('leader election on a Redis lock', () => {
  it('lets exactly one of two campaigners lead, and hands over with a higher fencing token on stop', async () => {
    const a = campaigner();
    const b = campaigner();
    const [first] = await waitFor(
      () => {
        const leading = leaders(a.election, b.election);
        return leading.length > 0 && leading;
      },
      { timeoutMs: 5000, description: 'a leader' },
    );
    // Several renewal periods later there is still exactly the one leader.
    await waitFor(() => a.terms.length + b.terms.length === 1 && leaders(a.election, b.election), {
      timeoutMs: 5000,
    });
    expect(await fixture.redis.get(lockKey)).toBe(first);

    const [leader, follower] = first === a.election.ownerId ? [a, b] : [b, a];
    const startedAt = Date.now();
    await leader.election.stop();
    expect(leader.ended.map((error) => error.endedBy)).toEqual(['election stopping']);
    await waitFor(() => follower.election.current(), { timeoutMs: 5000, description: 'handover' });
    // Released on stop: the follower did not wait for the lease to run out.
    expect(Date.now() - startedAt).toBeLessThan(LEASE_MS);
    expect(follower.terms.map((term) => term.fencingToken)).toEqual([
      (leader.terms[0]?.fencingToken ?? 0) + 1,
    ]);
  });

  it('takes over from a holder that died without releasing within lease + retry period', async () => {
    const dead = createLeaderLock({
      redis: fixture.redis,
      lockKey,
      fencingKey,
      leaseDurationMs: LEASE_MS,
    });
    expect(await dead.tryAcquire()).toBe(1);
    const acquiredAt = Date.now();
    const { election, terms } = campaigner();
    await waitFor(() => election.current(), { timeoutMs: 5000, description: 'takeover' });
    const elapsed = Date.now() - acquiredAt;
    expect(elapsed).toBeGreaterThanOrEqual(LEASE_MS - 50);
    expect(elapsed).toBeLessThanOrEqual(LEASE_MS + RETRY_MS + 150);
    expect(terms.map((term) => term.fencingToken)).toEqual([2]);
  });

  it('steps down before its lease expires when renewals hang past the renew deadline', async () => {
    let hang = false;
    let answered = 0;
    const stalling: LeaderRedis = {
      eval: async (...args) => {
        if (hang) return new Promise<never>(() => undefined);
        const reply = await fixture.redis.eval(...args);
        answered += 1;
        return reply;
      },
    };
    const { election, terms, ended } = campaigner(stalling);
    const term = await waitFor(() => terms[0], { timeoutMs: 5000, description: 'leading' });
    // One renewal answers (acquire + renew), then every later one hangs.
    await waitFor(() => answered >= 2, { timeoutMs: 2000, intervalMs: 5 });
    hang = true;
    const hungAt = Date.now();
    await waitFor(() => term.signal.aborted, { timeoutMs: 5000, intervalMs: 5 });
    const ttlAtStepDown = await fixture.redis.pttl(lockKey);
    expect(ended.map((error) => error.endedBy)).toEqual(['renew deadline passed']);
    expect(Date.now() - hungAt).toBeLessThan(RENEW_DEADLINE_MS + 50);
    // The old leader stopped while its lease still ran: nobody else could have led yet.
    expect(ttlAtStepDown).toBeGreaterThan(0);
    expect(await fixture.redis.get(lockKey)).toBe(election.ownerId);
    expect(await term.hsetIfLeader(`${fixture.keyPrefix}:state`, { a: '1' })).toBe(false);
  });

  it('steps down at its next renewal when the lock was taken over, leaving the new holder alone', async () => {
    const { terms, ended } = campaigner();
    const term = await waitFor(() => terms[0], { timeoutMs: 5000, description: 'leading' });
    const state = `${fixture.keyPrefix}:state`;
    expect(await term.hsetIfLeader(state, { org: '1' })).toBe(true);
    await fixture.redis.set(lockKey, 'intruder', 'PX', 10_000);
    await waitFor(() => term.signal.aborted, { timeoutMs: 2000 });
    expect(ended.map((error) => error.endedBy)).toEqual(['lock lost']);
    expect(await term.hsetIfLeader(state, { org: '2' })).toBe(false);
    const lock = createLeaderLock({
      redis: fixture.redis,
      lockKey,
      fencingKey,
      leaseDurationMs: LEASE_MS,
    });
    expect(await lock.hsetIfHolder(state, { org: '3' })).toBe(false);
    expect(await fixture.redis.hgetall(state)).toEqual({ org: '1' });
    expect(await fixture.redis.get(lockKey)).toBe('intruder');
  });

  it('stops idempotently, without a start too, and releases the lock it held', async () => {
    const idle = createLeaderElection({
      lock: createLeaderLock({
        redis: fixture.redis,
        lockKey,
        fencingKey,
        leaseDurationMs: LEASE_MS,
      }),
      renewDeadlineMs: RENEW_DEADLINE_MS,
      retryPeriodMs: RETRY_MS,
      logger,
      onElected: () => Promise.resolve(),
    });
    await idle.stop();
    await idle.stop();
    expect(idle.isCampaigning()).toBe(false);

    const { election } = campaigner();
    await waitFor(() => election.current(), { timeoutMs: 5000 });
    expect(election.isCampaigning()).toBe(true);
    await Promise.all([election.stop(), election.stop()]);
    expect(election.isCampaigning()).toBe(false);
    expect(election.current()).toBeUndefined();
    expect(await fixture.redis.exists(lockKey)).toBe(0);
  });
});
