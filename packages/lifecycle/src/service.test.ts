import { describe, expect, it } from 'vitest';

import type { ListenAddress } from './http-server.js';
import { createService, type ServiceOptions, type ServiceScope } from './service.js';
import {
  type CapturedLogger,
  createCapturedLogger,
  httpGet,
  settledTcpHandles,
} from '@gse/testing';

function setup(start?: ServiceOptions['start'], shutdownTimeoutMs = 1000) {
  const captured = createCapturedLogger();
  const service = createService({
    logger: captured.logger,
    probe: { host: '127.0.0.1', port: 0 },
    shutdownTimeoutMs,
    ...(start ? { start } : {}),
  });
  return { service, ...captured };
}

/** The addresses the probe servers of a run logged, in order. */
function probeAddresses({ lines }: CapturedLogger): ListenAddress[] {
  return lines()
    .filter((line) => line['message'] === 'http server listening' && line['server'] === 'probe')
    .map((line) => ({ host: String(line['host']), port: Number(line['port']) }));
}

function lifecycleMessages({ messages }: CapturedLogger): string[] {
  return messages().filter((message) => message.startsWith('service '));
}

/** A promise and the function that settles it, to hold start code at a chosen point. */
function gate(): { opened: Promise<void>; open: () => void } {
  let open: () => void = () => undefined;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

describe('createService', () => {
  it('stops without having started', async () => {
    const captured = setup();
    await captured.service.stop();
    await captured.service.stop();
    expect(captured.lines()).toEqual([]);
  });

  it('serves its probes while running, and nothing once stopped', async () => {
    const before = await settledTcpHandles();
    const captured = setup();
    await captured.service.start();
    const [address] = probeAddresses(captured);
    if (!address) throw new Error('probe server did not log its address');

    expect(await httpGet(address, '/livez')).toMatchObject({ status: 200 });
    expect(await httpGet(address, '/readyz')).toMatchObject({
      status: 200,
      body: '{"ready":true,"checks":[{"name":"startup","ok":true}]}',
    });
    const metrics = await httpGet(address, '/metrics');
    expect(metrics.body).toContain('process_cpu_seconds_total');

    await captured.service.stop();
    await expect(httpGet(address, '/livez')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    expect(await settledTcpHandles(before)).toEqual(before);
  });

  it('starts and stops twice, each call idempotent, leaving no handle open', async () => {
    const before = await settledTcpHandles();
    const captured = setup();
    for (let round = 0; round < 2; round += 1) {
      await Promise.all([captured.service.start(), captured.service.start()]);
      await Promise.all([captured.service.stop(), captured.service.stop()]);
    }
    expect(lifecycleMessages(captured)).toEqual([
      'service started',
      'service stopped',
      'service started',
      'service stopped',
    ]);
    expect(probeAddresses(captured)).toHaveLength(2);
    expect(await settledTcpHandles(before)).toEqual(before);
  });

  it('answers /livez but not /readyz until its start code finished', async () => {
    const { opened, open } = gate();
    const captured = setup(() => opened);
    const starting = captured.service.start();
    const address = await waitForProbe(captured);

    expect(await httpGet(address, '/livez')).toMatchObject({ status: 200 });
    expect(await httpGet(address, '/readyz')).toMatchObject({
      status: 503,
      body: '{"ready":false,"checks":[{"name":"startup","ok":false,"reason":"starting"}]}',
    });
    open();
    await starting;
    expect(await httpGet(address, '/readyz')).toMatchObject({ status: 200 });
    await captured.service.stop();
  });

  it('closes what start code opened in reverse order, the probe server last, not ready first', async () => {
    const closed: string[] = [];
    const readyzDuringStop: number[] = [];
    const captured = setup((scope: ServiceScope) => {
      scope.defer('redis', () => {
        closed.push('redis');
      });
      scope.defer('worker', async () => {
        closed.push('worker');
        const [address] = probeAddresses(captured);
        if (address) readyzDuringStop.push((await httpGet(address, '/readyz')).status);
      });
    });
    await captured.service.start();
    await captured.service.stop();

    expect(closed).toEqual(['worker', 'redis']);
    expect(readyzDuringStop).toEqual([503]);
    const stepsDone = captured
      .lines()
      .filter((line) => line['message'] === 'shutdown step done')
      .map((line) => line['step']);
    expect(stepsDone).toEqual(['worker', 'redis', 'probe server']);
  });

  it('closes what it opened when start code fails, then stop has nothing to do', async () => {
    const before = await settledTcpHandles();
    const closed: string[] = [];
    const captured = setup((scope) => {
      scope.defer('redis', () => {
        closed.push('redis');
      });
      throw new Error('redis unreachable');
    });

    await expect(captured.service.start()).rejects.toThrow('redis unreachable');
    expect(closed).toEqual(['redis']);
    expect(await settledTcpHandles(before)).toEqual(before);
    await captured.service.stop();
    expect(lifecycleMessages(captured)).toEqual([]);
  });

  it('aborts start code that is still waiting when stop is called', async () => {
    const captured = setup(
      (scope) =>
        new Promise<void>((_resolve, reject) => {
          scope.signal.addEventListener('abort', () => {
            reject(scope.signal.reason as Error);
          });
        }),
    );
    const starting = captured.service.start();
    await waitForProbe(captured);
    await captured.service.stop();
    await expect(starting).rejects.toThrow('service is stopping');
    expect(lifecycleMessages(captured)).toEqual(['service stopped']);
  });

  it('rejects stop naming a failed closer, and still closes the rest', async () => {
    const before = await settledTcpHandles();
    const captured = setup((scope) => {
      scope.defer('consumer', () => Promise.reject(new Error('channel closed')));
    });
    await captured.service.start();
    await expect(captured.service.stop()).rejects.toMatchObject({
      name: 'ShutdownError',
      failures: [{ step: 'consumer', error: new Error('channel closed') }],
    });
    expect(await settledTcpHandles(before)).toEqual(before);
  });
});

/** Waits for the probe server's listening line; the start call under test is still pending. */
async function waitForProbe(captured: CapturedLogger): Promise<ListenAddress> {
  const deadline = Date.now() + 2000;
  for (;;) {
    const [address] = probeAddresses(captured);
    if (address) return address;
    if (Date.now() > deadline) throw new Error('probe server did not start listening');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
