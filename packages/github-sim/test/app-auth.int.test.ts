import { sign } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { GitHubSimulator } from '../src/index.js';
import { credentialsFor, getWithToken, mintToken, startSimulator } from './sim-fixture.js';

function signJwt(privateKeyPem: string, payload: Record<string, unknown>, alg = 'RS256'): string {
  const encode = (value: unknown): string =>
    Buffer.from(JSON.stringify(value)).toString('base64url');
  const unsigned = `${encode({ alg, typ: 'JWT' })}.${encode(payload)}`;
  const signature = sign('RSA-SHA256', Buffer.from(unsigned), privateKeyPem).toString('base64url');
  return `${unsigned}.${signature}`;
}

const HOUR_MS = 3_600_000;

describe('GitHub App authentication', () => {
  let simulator: GitHubSimulator;
  let clockMs = Date.now();
  const nowSeconds = (): number => Math.floor(clockMs / 1000);

  const keyOf = (org: string): string => credentialsFor(simulator, org).privateKeyPem;
  const getApp = async (jwt: string): Promise<{ status: number; body: unknown }> => {
    const response = await fetch(`${simulator.url}/app`, {
      headers: { authorization: `Bearer ${jwt}` },
    });
    return { status: response.status, body: await response.json() };
  };
  const rejection = (message: string): unknown => ({
    message,
    documentation_url: 'https://docs.github.com/rest',
    status: '401',
  });

  beforeAll(async () => {
    simulator = await startSimulator({ now: () => clockMs, tokenLifetimeMs: HOUR_MS });
  });
  afterAll(async () => {
    await simulator.stop();
  });

  it('accepts a valid RS256 JWT, also with iat up to 60 s ahead of the clock', async () => {
    const iat = nowSeconds() + 59;
    const result = await getApp(signJwt(keyOf('acme'), { iss: 101, iat, exp: iat + 600 }));
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({ id: 101, slug: expect.any(String) as unknown });
  });

  it.each([
    [
      'iat too far ahead',
      { iss: 101, iat: 61, exp: 600 },
      "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued.",
    ],
    [
      'exp in the past',
      { iss: 101, iat: -700, exp: -100 },
      "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires.",
    ],
    [
      'exp − iat over 10 min',
      { iss: 101, iat: -30, exp: 571 },
      "'Expiration time' claim ('exp') is too far in the future.",
    ],
    [
      'unknown issuer',
      { iss: 999, iat: -30, exp: 570 },
      "'Issuer' claim ('iss') must be an Integer",
    ],
  ])('rejects a JWT with %s', async (_name, claims, message) => {
    const payload = {
      iss: claims.iss,
      iat: nowSeconds() + claims.iat,
      exp: nowSeconds() + claims.exp,
    };
    const result = await getApp(signJwt(keyOf('acme'), payload));
    expect(result).toEqual({ status: 401, body: rejection(message) });
  });

  it('rejects a JWT signed with another App key, a non-RS256 one, and garbage', async () => {
    const claims = { iss: 101, iat: nowSeconds() - 30, exp: nowSeconds() + 570 };
    const undecodable = { status: 401, body: rejection('A JSON web token could not be decoded') };
    expect(await getApp(signJwt(keyOf('globex'), claims))).toEqual(undecodable);
    expect(await getApp(signJwt(keyOf('acme'), claims, 'RS512'))).toEqual(undecodable);
    expect(await getApp('not.a.jwt')).toEqual(undecodable);
  });

  it('mints tokens only for the App own installation, expiring after the configured lifetime', async () => {
    const jwt = signJwt(keyOf('acme'), {
      iss: 101,
      iat: nowSeconds() - 30,
      exp: nowSeconds() + 570,
    });
    const mint = (installationId: number): Promise<Response> =>
      fetch(`${simulator.url}/app/installations/${installationId}/access_tokens`, {
        method: 'POST',
        headers: { authorization: `Bearer ${jwt}` },
      });
    expect((await mint(1002)).status).toBe(404);
    const minted = await mint(1001);
    expect(minted.status).toBe(201);
    const body = (await minted.json()) as { token: string; expires_at: string };
    expect(body.expires_at).toBe(
      new Date(Math.floor((clockMs + HOUR_MS) / 1000) * 1000).toISOString().replace('.000Z', 'Z'),
    );

    expect((await getWithToken(simulator, '/repos/acme/web', body.token)).status).toBe(200);
    clockMs += HOUR_MS;
    const expired = await getWithToken(simulator, '/repos/acme/web', body.token);
    expect(expired).toMatchObject({ status: 401, body: rejection('Bad credentials') });
    clockMs = Date.now();
  });

  it('answers 401 for a token on another org, 404 for an org that does not exist', async () => {
    const token = await mintToken(simulator, 'acme');
    const badCredentials = { status: 401, body: rejection('Bad credentials') };
    expect(await getWithToken(simulator, '/repos/globex/storefront', token)).toMatchObject(
      badCredentials,
    );
    expect(await getWithToken(simulator, '/orgs/GLOBEX/repos', token)).toMatchObject(
      badCredentials,
    );
    expect((await getWithToken(simulator, '/repos/ACME/Web', token)).status).toBe(200);
    expect((await getWithToken(simulator, '/repos/initech/web', token)).status).toBe(404);
  });

  it('keeps App JWTs and installation tokens to their own endpoints', async () => {
    const token = await mintToken(simulator, 'acme');
    const withToken = await fetch(`${simulator.url}/app`, {
      headers: { authorization: `token ${token}` },
    });
    expect(withToken.status).toBe(401);
    const jwt = signJwt(keyOf('acme'), {
      iss: 101,
      iat: nowSeconds() - 30,
      exp: nowSeconds() + 570,
    });
    expect((await getWithToken(simulator, '/repos/acme/web', jwt)).status).toBe(401);
    const anonymous = await fetch(`${simulator.url}/repos/acme/web`);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ message: 'Requires authentication' });
  });

  it('serves /meta without credentials, on the anonymous limit', async () => {
    const response = await fetch(`${simulator.url}/meta`);
    expect(response.status).toBe(200);
    expect(response.headers.get('x-ratelimit-limit')).toBe('60');
  });

  it('counts a rejected token against the installation it belonged to', async () => {
    simulator.resetCounters();
    const token = await mintToken(simulator, 'globex');
    simulator.expireTokens('globex');
    expect((await getWithToken(simulator, '/repos/globex/storefront', token)).status).toBe(401);
    expect(
      simulator.counters().installations['1002']?.endpoints['GET /repos/{owner}/{repo}'],
    ).toEqual({
      total: 1,
      counted: 0,
      notModified: 0,
      byStatus: { '401': 1 },
    });
  });
});
