/**
 * `npm test` / `pnpm test`, after `tools/setup/setup.mjs`: every workspace package's unit and
 * integration tests through turbo. With `--e2e` (`npm run test:e2e`) the end-to-end tests
 * (`*.e2e.test.ts`, vitest's `e2e` project) instead, with `--faults` (`npm run test:faults`)
 * the fault and load tests (`*.fault.test.ts`, the `faults` project). All against Redis and
 * RabbitMQ on their default loopback ports (the addresses every test uses): where one does
 * not answer, it is started for the run from the machine's server and stopped afterwards
 * (see `local-brokers.ts`); a broker that answers is used as it is. Other arguments go to
 * turbo or vitest (`npm test -- --filter=@gse/store`). Exits with their code.
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

const args = process.argv.slice(2);
const project = ['faults', 'e2e'].find((name) => args.includes(`--${name}`));
const command = project
  ? ['vitest', 'run', '--project', project, ...args.filter((arg) => arg !== `--${project}`)]
  : ['turbo', 'run', 'test', '--concurrency=1', ...args];
const [executable = 'turbo', ...commandArgs] = command;
const tests = spawn(executable, commandArgs, { stdio: 'inherit' });
// Ctrl-C reaches the tests from the terminal; a signal sent to this process alone is passed
// on. Either way the brokers started here are stopped once the tests have ended.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => tests.kill(signal));
}
const [code, signal] = (await once(tests, 'exit')) as [number | null, NodeJS.Signals | null];
await brokers.stop();
process.exitCode = code ?? (signal === null ? 1 : 128);
