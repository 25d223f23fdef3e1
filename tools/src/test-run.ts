/**
 * `npm test` / `pnpm test`, after `tools/setup/setup.mjs`: every workspace package's tests
 * through turbo, one package at a time, against Redis and RabbitMQ on their default loopback
 * ports (the addresses every test uses). Where one does not answer, it is started for the run
 * from the machine's server and stopped afterwards (see `local-brokers.ts`); a broker that
 * answers is used as it is. Extra arguments go to `turbo run test`
 * (`npm test -- --filter=@gse/store`). Exits with turbo's code.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';

import { parseHostPort } from '@gse/config';
import { TEST_AMQP_URL } from '@gse/queues/testing';
import { TEST_REDIS_URL } from '@gse/testing';

import { ensureBrokers } from './local-brokers.js';

const brokers = await ensureBrokers(
  { redis: parseHostPort(new URL(TEST_REDIS_URL).host), amqpUrl: TEST_AMQP_URL },
  { mayStart: true },
);
for (const started of brokers.started) process.stdout.write(`[test] started ${started}\n`);

const turbo = spawn('turbo', ['run', 'test', '--concurrency=1', ...process.argv.slice(2)], {
  stdio: 'inherit',
});
// Ctrl-C reaches turbo from the terminal; a signal sent to this process alone is passed on.
// Either way the brokers started here are stopped once turbo has ended.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => turbo.kill(signal));
}
const [code, signal] = (await once(turbo, 'exit')) as [number | null, NodeJS.Signals | null];
await brokers.stop();
process.exitCode = code ?? (signal === null ? 1 : 128);
