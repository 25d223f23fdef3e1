import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import { DEMO_GITHUB_SIM_PORT } from '@gse/config';
import { waitFor } from '@gse/testing';
import { describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
// The demo config's fixed addresses: the gateway's public port and each service's probe port.
const DEMO_PORTS = [8080, 9101, 9102, 9103, 9104];

async function answers(url: string): Promise<boolean> {
  try {
    return (await fetch(url)).ok;
  } catch {
    return false;
  }
}

describe('pnpm start (tools/src/fleet.ts)', () => {
  it('runs the simulator and the four services in demo mode and stops them all on SIGINT', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, INIT_CWD: '/nonexistent' };
    delete env['GITHUB_STATS_CONFIG'];
    const fleet = spawn(
      process.execPath,
      ['--import', 'tsx', '--conditions=@gse/source', 'tools/src/fleet.ts'],
      {
        cwd: repoRoot,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    fleet.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    fleet.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    const exited = new Promise<number | null>((resolve) => fleet.on('exit', resolve));
    try {
      await waitFor(
        async () =>
          (
            await Promise.all(DEMO_PORTS.map((port) => answers(`http://127.0.0.1:${port}/livez`)))
          ).every(Boolean),
        { timeoutMs: 30_000, description: 'every demo service answering /livez' },
      );
      expect(await answers(`http://127.0.0.1:${DEMO_GITHUB_SIM_PORT}/meta`)).toBe(true);
      expect(output).toContain('[fleet] no config found: demo mode with the GitHub simulator');
    } finally {
      fleet.kill('SIGINT');
    }
    expect(await exited).toBe(0);
    for (const name of [
      'github-sim',
      'scheduler',
      'scraper-worker',
      'backfill-worker',
      'metrics-gateway',
    ]) {
      expect(output).toMatch(new RegExp(`\\[${name}\\] +exited \\(code 0\\)`));
    }
  });
});
