// `npm start` / `npm test` run this first, with nothing but Node.js on the machine: it makes
// the clone runnable and is quick when there is nothing to do. Plain JavaScript without
// dependencies, because nothing is installed yet when it runs.
//
//   node tools/setup/setup.mjs [--test-tools]
//
// 1. checks the Node.js version against `engines`;
// 2. the pinned pnpm (`packageManager`) into `.cache/pnpm@<version>`, no global install;
// 3. the dependencies from the lockfile (`pnpm install --frozen-lockfile`);
// 4. `node_modules/.bin/pnpm`, so turbo and every `npm run <script>` find that pnpm;
// 5. with --test-tools, the Debian tools the tests drive: apt-get when running as root,
//    otherwise one line naming the install command, and exit 1.
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const rootPackage = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));

/** command on PATH (or in /usr/sbin) → Debian package that provides it. */
const TEST_TOOLS = {
  // Brokers of a test's own (restart, data loss, alarms) and of the run where none answers.
  'redis-server': 'redis-server',
  'rabbitmq-server': 'rabbitmq-server',
  promtool: 'prometheus',
  'docker-compose': 'docker-compose',
  yamllint: 'yamllint',
  kubectl: 'kubectl',
  // The status page's browser test (playwright-core drives it; Playwright's own download cannot run here).
  chromium: 'chromium',
};

function fail(message) {
  process.stderr.write(`setup: ${message}\n`);
  process.exit(1);
}

function say(message) {
  process.stdout.write(`setup: ${message}\n`);
}

/** The environment without what npm or pnpm set for the script running us (pnpm would read `npm_config_*`). */
function cleanEnv() {
  return Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !/^npm_(config|lifecycle|package)_/i.test(name)),
  );
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, {
    cwd: repoRoot,
    env: cleanEnv(),
    stdio: 'inherit',
    ...options,
  });
  if (result.error) fail(`${command}: ${result.error.message}`);
  if (result.status !== 0) fail(`\`${command} ${args.join(' ')}\` failed (exit ${result.status})`);
}

function output(command, args) {
  const result = spawnSync(command, args, { cwd: repoRoot, env: cleanEnv(), encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

function checkNode() {
  const [major, minor] = process.versions.node.split('.').map(Number);
  // package.json "engines": ">=20.19 <21 || >=22" (require(esm) and the octokit/hono ESM builds).
  const supported = (major === 20 && minor >= 19) || major >= 22;
  if (!supported) {
    fail(`Node.js ${process.versions.node} is not supported: use ${rootPackage.engines.node}`);
  }
}

/** The pinned pnpm's executable, installed from the npm registry on first use. */
function ensurePnpm() {
  const [name, version] = String(rootPackage.packageManager).split('@');
  if (name !== 'pnpm' || !version) fail(`package.json packageManager must be pnpm@<version>`);
  const prefix = join(repoRoot, '.cache', `pnpm@${version}`);
  const pnpm = join(prefix, 'node_modules', '.bin', 'pnpm');
  if (existsSync(pnpm) && output(pnpm, ['--version']) === version) return pnpm;
  say(`installing pnpm@${version} into ${relative(repoRoot, prefix)}`);
  mkdirSync(prefix, { recursive: true });
  run('npm', [
    'install',
    '--prefix',
    prefix,
    '--no-save',
    '--no-package-lock',
    '--no-audit',
    '--no-fund',
    '--loglevel=error',
    `pnpm@${version}`,
  ]);
  if (output(pnpm, ['--version']) !== version) fail(`pnpm@${version} did not install at ${pnpm}`);
  return pnpm;
}

function linkPnpm(pnpm) {
  const link = join(repoRoot, 'node_modules', '.bin', 'pnpm');
  const target = relative(dirname(link), pnpm);
  mkdirSync(dirname(link), { recursive: true });
  if (existsSync(link) || isDanglingLink(link)) rmSync(link);
  symlinkSync(target, link);
}

function isDanglingLink(path) {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

function hasCommand(command) {
  return (
    output('sh', ['-c', `command -v ${command} || test -x /usr/sbin/${command}`]) !== undefined
  );
}

function ensureTestTools() {
  const missing = Object.entries(TEST_TOOLS)
    .filter(([command]) => !hasCommand(command))
    .map(([, debianPackage]) => debianPackage);
  if (missing.length === 0) return;
  // --no-install-recommends: otherwise apt pulls in docker.io, containerd and node-exporter.
  const install = ['install', '-y', '-qq', '--no-install-recommends', ...missing];
  const isRoot = process.getuid?.() === 0;
  const hasApt = hasCommand('apt-get');
  if (!isRoot || !hasApt) {
    fail(
      `the tests need ${missing.join(', ')}: install them with \`sudo apt-get install --no-install-recommends ${missing.join(' ')}\` (Debian/Ubuntu), then run the tests again`,
    );
  }
  say(`installing the test tools ${missing.join(', ')} with apt-get`);
  const aptEnv = { ...cleanEnv(), DEBIAN_FRONTEND: 'noninteractive' };
  run('apt-get', ['update', '-qq'], { env: aptEnv });
  run('apt-get', install, { env: aptEnv });
}

checkNode();
const pnpm = ensurePnpm();
run(pnpm, ['install', '--frozen-lockfile', '--reporter=silent']);
linkPnpm(pnpm);
if (process.argv.includes('--test-tools')) ensureTestTools();
