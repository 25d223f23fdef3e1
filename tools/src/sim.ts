/**
 * `pnpm sim`: the GitHub simulator as a process, for the demo fleet and for poking at by hand.
 * Generates the standard dataset ending now, writes each org's App key where the demo
 * config reads it, prints what a client needs, and stops cleanly on SIGINT/SIGTERM.
 */
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import { DEMO_GITHUB_SIM_PORT, demoKeysDir } from '@gse/config';
import {
  createCopilotWorld,
  createGitHubSimulator,
  generateAppKeyPair,
  generateDataset,
  STANDARD_COPILOT_ENTERPRISE,
} from '@gse/github-sim';
import { toErrorMessage } from '@gse/logging';

const DEFAULT_KEYS_DIR = demoKeysDir(tmpdir());

const USAGE = `Usage: pnpm sim [--port ${DEMO_GITHUB_SIM_PORT}] [--host 127.0.0.1] [--seed 42] [--keys-dir DIR]
  --keys-dir  where <org>.pem App keys are written
              (default ${DEFAULT_KEYS_DIR}, where the demo config reads them)`;

function parseIntegerFlag(name: string, raw: string, min: number, max: number): number {
  const value = Number(raw);
  if (!/^-?\d+$/.test(raw) || value < min || value > max) {
    throw new Error(`--${name} must be an integer from ${min} to ${max}; got ${raw}`);
  }
  return value;
}

function readFlags(argv: readonly string[]): {
  port: number;
  host: string;
  seed: number;
  keysDir: string;
} {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      port: { type: 'string', default: String(DEMO_GITHUB_SIM_PORT) },
      host: { type: 'string', default: '127.0.0.1' },
      seed: { type: 'string', default: '42' },
      'keys-dir': { type: 'string', default: DEFAULT_KEYS_DIR },
      help: { type: 'boolean', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  return {
    port: parseIntegerFlag('port', values.port, 0, 65_535),
    host: values.host,
    seed: parseIntegerFlag('seed', values.seed, -(2 ** 31), 2 ** 31 - 1),
    keysDir: values['keys-dir'],
  };
}

async function main(): Promise<void> {
  let flags: ReturnType<typeof readFlags>;
  try {
    // `pnpm sim -- --port 1` passes the `--` through; parseArgs would take it as a positional.
    flags = readFlags(process.argv.slice(2).filter((arg) => arg !== '--'));
  } catch (error) {
    process.stderr.write(`${toErrorMessage(error)}\n${USAGE}\n`);
    process.exit(2);
  }
  const dataset = generateDataset({ seed: flags.seed, generatedAtMs: Date.now() });
  // Copilot reports of both orgs and of their enterprise (demo mode reads them all).
  const world = createCopilotWorld(dataset, {
    seed: flags.seed,
    orgs: dataset.orgs.map((org) => org.login),
    enterprise: STANDARD_COPILOT_ENTERPRISE,
  });
  const simulator = createGitHubSimulator({
    dataset,
    host: flags.host,
    port: flags.port,
    copilot: { world, enterpriseKeyPair: generateAppKeyPair(STANDARD_COPILOT_ENTERPRISE.appId) },
  });
  await simulator.start();
  const keys = await simulator.writeKeys(flags.keysDir);
  const enterprise = simulator.enterpriseApp;
  if (enterprise) {
    const privateKeyPath = join(flags.keysDir, `${enterprise.enterprise}.pem`);
    await writeFile(privateKeyPath, enterprise.privateKeyPem, { mode: 0o600 });
    keys.push({
      org: `enterprise ${enterprise.enterprise}`,
      appId: enterprise.appId,
      installationId: enterprise.installationId,
      privateKeyPath,
    });
  }

  const lines = [
    `GitHub simulator listening at ${simulator.url} (seed ${flags.seed})`,
    ...keys.map(
      (key) =>
        `  org ${key.org}: app id ${key.appId}, installation id ${key.installationId}, private key ${key.privateKeyPath}`,
    ),
    `Control API: ${simulator.url}/_sim/ (packages/github-sim/README.md). Ctrl-C stops it.`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);

  let stopping = false;
  const shutdown = (signal: NodeJS.Signals): void => {
    if (stopping) {
      process.stderr.write(`${signal} again: exiting now\n`);
      process.exit(1);
    }
    stopping = true;
    simulator.stop().then(
      () => {
        process.stdout.write(`GitHub simulator stopped (${signal})\n`);
        process.exit(0);
      },
      (error: unknown) => {
        process.stderr.write(`GitHub simulator failed to stop: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

await main();
