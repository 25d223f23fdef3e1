/**
 * Benchmark child: one metrics gateway on the benchmark's Redis key prefix, as `main.ts`
 * would run it (config file, logger, service), driven over IPC by render.bench.ts, which
 * does the scraping, so this process's peak RSS is the gateway's own.
 */
import { Writable } from 'node:stream';

import { createLogger } from '@gse/logging';

import { createMetricsGateway } from '../src/app.js';
import { writeGatewayConfig } from '../test/gateway-config-file.js';
import { maxRssMiB, type ChildMessage, type ParentMessage } from './bench-child.js';

const [keyPrefix = ''] = process.argv.slice(2);
const send = (message: ChildMessage): void => {
  process.send?.(message);
};

const addresses = new Map<string, { host: string; port: number }>();
const logStream = new Writable({
  write(chunk: Buffer, _encoding, done) {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (!line.includes('"http server listening"')) continue;
      const entry = JSON.parse(line) as { server: string; host: string; port: number };
      addresses.set(entry.server, { host: entry.host, port: entry.port });
    }
    done();
  },
});
const file = await writeGatewayConfig({
  keyPrefix,
  // Long enough that every scrape after the first reuses its snapshot.
  refreshInterval: '10m',
});
const gateway = createMetricsGateway(
  {
    config: file.config,
    logger: createLogger({
      service: 'metrics-gateway',
      version: '0',
      level: 'info',
      stream: logStream,
    }),
  },
  { readTimeoutMs: 120_000 },
);
await gateway.start();
process.on('message', (message: ParentMessage) => {
  if (message === 'rss') {
    send({ kind: 'rss', maxRssMiB: maxRssMiB() });
    return;
  }
  void gateway
    .stop()
    .then(() => file.remove())
    .then(() => {
      process.disconnect();
    });
});
const publicAddress = addresses.get('public');
const probeAddress = addresses.get('probe');
if (!publicAddress || !probeAddress) throw new Error('the gateway did not log its addresses');
send({ kind: 'ready', publicAddress, probeAddress });
