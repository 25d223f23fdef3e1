import { once } from 'node:events';
import { createServer, type AddressInfo, type Server } from 'node:net';

import { waitFor } from '@gse/testing';
import { afterEach, describe, expect, it } from 'vitest';

import { createFleetFixture, type FleetFixture } from './fleet-fixture.js';

// docs/decisions/0011-amqp-only-in-the-backfill-worker.md: RabbitMQ blocking publishers in an
// alarm (or being away) must never hold up scheduling or scraping, so only the backfill worker
// talks AMQP. `amqp.url` here points at a TCP listener that counts who connects to it.

let fixture: FleetFixture | undefined;
let listener: Server | undefined;
afterEach(async () => {
  await fixture?.cleanup();
  fixture = undefined;
  listener?.close();
  listener = undefined;
});

async function readyz(address: { host: string; port: number }): Promise<{
  readonly status: number;
  readonly body: { ready: boolean; checks: { name: string; ok: boolean }[] };
}> {
  const response = await fetch(`http://${address.host}:${address.port}/readyz`);
  return { status: response.status, body: (await response.json()) as never };
}

describe('scheduler and scraper worker without RabbitMQ', () => {
  it('become ready and open no AMQP connection, even to a configured amqp.url', async () => {
    let connections = 0;
    listener = createServer((socket) => {
      connections += 1;
      socket.destroy();
    });
    listener.listen(0, '127.0.0.1');
    await once(listener, 'listening');
    const { port } = listener.address() as AddressInfo;
    const fleet = (fixture = await createFleetFixture({
      orgs: { acme: {} },
      config: { amqp: { url: `amqp://guest:guest@127.0.0.1:${port}` } },
    }));

    const expectedChecks = {
      scheduler: ['startup', 'redis', 'leader election'],
      'scraper-worker': ['startup', 'redis', 'workers'],
    };
    for (const service of ['scheduler', 'scraper-worker'] as const) {
      const address = await fleet.spawn(service).addressOf('probe');
      await waitFor(async () => (await readyz(address)).status === 200, {
        timeoutMs: 20_000,
        description: `${service} ready`,
      });
      const { body } = await readyz(address);
      expect(body.ready).toBe(true);
      expect(body.checks.map((check) => check.name)).toEqual(expectedChecks[service]);
    }
    // Both ran a full start (the scheduler led and scheduled, the worker took jobs) with
    // amqp.url set: not one TCP connection reached it.
    expect(connections).toBe(0);
  });
});
