import { App, Octokit } from 'octokit';

import {
  createGitHubSimulator,
  generateDataset,
  type GitHubSimulator,
  type GitHubSimulatorOptions,
  type SimDataset,
} from '../src/index.js';

/** The instant the test datasets' history ends: now, so app JWTs signed by octokit are valid. */
export function standardDataset(): SimDataset {
  return generateDataset({ seed: 42, generatedAtMs: Date.now() });
}

/** A started simulator on an ephemeral port; the caller stops it in `afterAll`. */
export async function startSimulator(
  options: Partial<GitHubSimulatorOptions> = {},
): Promise<GitHubSimulator> {
  const simulator = createGitHubSimulator({
    dataset: options.dataset ?? standardDataset(),
    ...options,
  });
  await simulator.start();
  return simulator;
}

/**
 * octokit without its retry and throttling plugins, so a test sees each response GitHub (the
 * simulator) sent rather than octokit's recovery from it.
 */
export function plainOctokitClass(baseUrl: string): typeof Octokit {
  return Octokit.defaults({
    baseUrl,
    retry: { enabled: false },
    throttle: { enabled: false },
  });
}

/** The org's App credentials (ids and private key) as the simulator generated them. */
export function credentialsFor(
  simulator: GitHubSimulator,
  org: string,
): GitHubSimulator['apps'][number] {
  const credentials = simulator.apps.find((candidate) => candidate.org === org);
  if (!credentials) throw new Error(`no app for org ${org}`);
  return credentials;
}

/** An `@octokit/app` App for an org's credentials, talking to the simulator. */
export function appFor(
  simulator: GitHubSimulator,
  org: string,
  OctokitClass: typeof Octokit = plainOctokitClass(simulator.url),
): App {
  const credentials = credentialsFor(simulator, org);
  // `baseUrl` given to App itself is ignored (TOOLCHAIN.md pitfall 5): it must come via Octokit.
  return new App({
    appId: credentials.appId,
    privateKey: credentials.privateKeyPem,
    Octokit: OctokitClass,
  });
}

/** An octokit authenticated as the org's installation, as `@octokit/app` hands it out. */
export async function installationOctokit(
  simulator: GitHubSimulator,
  org: string,
  OctokitClass: typeof Octokit = plainOctokitClass(simulator.url),
): Promise<Octokit> {
  const { installationId } = credentialsFor(simulator, org);
  return appFor(simulator, org, OctokitClass).getInstallationOctokit(installationId);
}

/** A fresh installation token for an org, minted through the App JWT flow. */
export async function mintToken(simulator: GitHubSimulator, org: string): Promise<string> {
  const credentials = credentialsFor(simulator, org);
  const { data } = await appFor(simulator, org).octokit.request(
    'POST /app/installations/{installation_id}/access_tokens',
    { installation_id: credentials.installationId },
  );
  return data.token;
}

/** A raw GET with an installation token, for assertions on status, headers and body. */
export async function getWithToken(
  simulator: GitHubSimulator,
  path: string,
  token: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; body: unknown }> {
  const response = await fetch(`${simulator.url}${path}`, {
    headers: { authorization: `token ${token}`, accept: 'application/vnd.github+json', ...headers },
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: text === '' ? undefined : (JSON.parse(text) as unknown),
  };
}

/**
 * A call to the simulator's HTTP control API under `/_sim`. A string body is sent as it is,
 * so a test can send malformed JSON; anything else is sent as JSON.
 */
export async function callControl(
  simulator: GitHubSimulator,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${simulator.url}/_sim${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  return { status: response.status, body: await response.json() };
}
