import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { freePort, isListening, startOwnRabbitMqNode, startOwnRedisServer } from '../src/index.js';

describe('startOwnRedisServer', () => {
  it('serves on the asked port, keeps data over a restart and leaves nothing behind', async () => {
    const port = await freePort();
    const server = await startOwnRedisServer({ port });
    expect(server.port).toBe(port);
    await server.client.set('kept', 'yes');
    await server.stop();
    expect(await isListening('127.0.0.1', port)).toBe(false);
    await server.start();
    expect(await server.client.get('kept')).toBe('yes');
    await server.dispose();
    expect(await isListening('127.0.0.1', port)).toBe(false);
  });
});

describe('startOwnRabbitMqNode', () => {
  it('serves AMQP on the asked port under its own node name and goes without a trace', async () => {
    const port = await freePort();
    const node = await startOwnRabbitMqNode({ port });
    expect(node.url).toBe(`amqp://guest:guest@127.0.0.1:${port}`);
    expect(node.nodeName).toMatch(/^gse-[0-9a-f]{8}@localhost$/);
    expect(await isListening('127.0.0.1', port)).toBe(true);
    const status = await node.rabbitmqctl('status', '--formatter', 'json');
    const listeners = (JSON.parse(status) as { listeners: { port: number }[] }).listeners;
    expect(listeners.map((listener) => listener.port)).toContain(port);
    const dataDir = JSON.parse(status) as { data_directory: string };
    expect(dataDir.data_directory.startsWith(tmpdir())).toBe(true);
    await node.dispose();
    expect(await isListening('127.0.0.1', port)).toBe(false);
    expect(existsSync(join(dataDir.data_directory, '..'))).toBe(false);
  });
});
