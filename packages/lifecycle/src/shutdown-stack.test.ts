import { describe, expect, it } from 'vitest';

import { createShutdownStack, ShutdownError } from './shutdown-stack.js';
import { createCapturedLogger } from '@gse/testing';

function createStack(timeoutMs = 1000) {
  const captured = createCapturedLogger();
  return { ...captured, stack: createShutdownStack({ logger: captured.logger, timeoutMs }) };
}

describe('createShutdownStack', () => {
  it('runs steps last-pushed first, one at a time', async () => {
    const { stack } = createStack();
    const events: string[] = [];
    for (const name of ['redis', 'queue', 'consumer']) {
      stack.push(name, async () => {
        events.push(`${name} begin`);
        await Promise.resolve();
        events.push(`${name} end`);
      });
    }
    await stack.close();
    expect(events).toEqual([
      'consumer begin',
      'consumer end',
      'queue begin',
      'queue end',
      'redis begin',
      'redis end',
    ]);
  });

  it('keeps going when a step fails and reports every failure at the end', async () => {
    const { stack, lines } = createStack();
    const ran: string[] = [];
    stack.push('redis', () => {
      ran.push('redis');
    });
    stack.push('amqp', () => {
      ran.push('amqp');
      throw new Error('channel closed');
    });
    stack.push('worker', () => {
      ran.push('worker');
      return Promise.reject(new Error('lock lost'));
    });

    const error = await stack.close().then(
      () => undefined,
      (caught: unknown) => caught,
    );

    expect(ran).toEqual(['worker', 'amqp', 'redis']);
    expect(error).toBeInstanceOf(ShutdownError);
    const shutdownError = error as ShutdownError;
    expect(shutdownError.failures.map((failure) => failure.step)).toEqual(['worker', 'amqp']);
    expect(shutdownError.pendingSteps).toEqual([]);
    expect(shutdownError.message).toBe(
      'shutdown incomplete: worker failed: lock lost; amqp failed: channel closed',
    );
    const failedSteps = lines()
      .filter((line) => line['message'] === 'shutdown step failed')
      .map((line) => line['step']);
    expect(failedSteps).toEqual(['worker', 'amqp']);
  });

  it('runs each step once however often close() is called', async () => {
    const { stack } = createStack();
    let runs = 0;
    stack.push('server', () => {
      runs += 1;
    });
    const first = stack.close();
    const second = stack.close();
    expect(second).toBe(first);
    await Promise.all([first, second, stack.close()]);
    expect(runs).toBe(1);
  });

  it('refuses a step once closing began, so nothing opened late goes unclosed', async () => {
    const { stack } = createStack();
    await stack.close();
    expect(() => {
      stack.push('late', () => undefined);
    }).toThrow('shutdown already started; cannot add step "late"');
  });

  it('gives up at the deadline, naming the hung step and those not run', async () => {
    const { stack, lines } = createStack(50);
    const ran: string[] = [];
    let releaseHung: () => void = () => undefined;
    stack.push('connection', () => {
      ran.push('connection');
    });
    stack.push('queue', () => {
      ran.push('queue');
    });
    stack.push('hung worker', () => {
      ran.push('hung worker');
      return new Promise<void>((resolve) => {
        releaseHung = resolve;
      });
    });

    const startedAt = Date.now();
    await expect(stack.close()).rejects.toMatchObject({
      name: 'ShutdownError',
      pendingSteps: ['hung worker', 'queue', 'connection'],
      message: 'shutdown incomplete: deadline passed before: hung worker, queue, connection',
    });
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(45);
    expect(lines().find((line) => line['message'] === 'shutdown deadline passed')).toMatchObject({
      timeoutMs: 50,
      pendingSteps: ['hung worker', 'queue', 'connection'],
    });

    releaseHung();
    // Let the released step's continuation run: it must not start the remaining steps.
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(ran).toEqual(['hung worker']);
  });

  it('closes an empty stack at once', async () => {
    const { stack } = createStack();
    await expect(stack.close()).resolves.toBeUndefined();
  });
});
