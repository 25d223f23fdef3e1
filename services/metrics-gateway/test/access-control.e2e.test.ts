import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { createRedisFixture, type RedisFixture } from '@gse/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { request, startGateway, type RunningGateway } from './gateway-fixture.js';
import { activityFrom, writeSeries } from './series-fixture.js';

const run = promisify(execFile);
const basic = (user: string, password: string): string =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe('access control and TLS of the public endpoint', () => {
  let fixture: RedisFixture;
  const cleanups: (() => Promise<void>)[] = [];
  const open = async (serverYaml: string[]): Promise<RunningGateway> => {
    const gateway = await startGateway({ keyPrefix: fixture.keyPrefix, serverYaml });
    cleanups.push(() => gateway.stop());
    return gateway;
  };

  beforeEach(async () => {
    fixture = await createRedisFixture();
    await writeSeries(fixture.redis, fixture.keyPrefix, [
      { org: 'acme', repo: 'api', user: 'ann', activity: activityFrom(1) },
    ]);
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    await fixture.cleanup();
  });

  it('asks for the bearer token on /metrics only', async () => {
    const gateway = await open(['auth:', '  bearer_token: s3cret-token']);
    const refused = await gateway.get('/metrics');
    expect([refused.status, refused.headers['www-authenticate'], refused.body]).toEqual([
      401,
      'Bearer realm="metrics"',
      'unauthorized\n',
    ]);
    expect(
      (await gateway.get('/metrics', { headers: { authorization: 'Bearer wrong' } })).status,
    ).toBe(401);
    const allowed = await gateway.get('/metrics', {
      headers: { authorization: 'Bearer s3cret-token' },
    });
    expect(allowed.status).toBe(200);
    expect(allowed.body).toContain('gh_activity_commits_24h{org="acme",repo="api",user="ann"} 1');
    // Probes stay open for the kubelet; /healthz answers 503 here (no leader has published).
    for (const path of ['/livez', '/readyz', '/healthz']) {
      expect((await gateway.get(path)).status, path).not.toBe(401);
    }
    const health = await gateway.get('/healthz');
    expect(health.body.includes('s3cret-token')).toBe(false);
  });

  it('takes basic auth, or either credential when both are configured', async () => {
    const gateway = await open([
      'auth:',
      '  bearer_token: s3cret-token',
      '  basic_username: prometheus',
      '  basic_password: pass:word',
    ]);
    const refused = await gateway.get('/metrics', {
      headers: { authorization: basic('prometheus', 'nope') },
    });
    expect([refused.status, refused.headers['www-authenticate']]).toEqual([
      401,
      'Bearer realm="metrics", Basic realm="metrics", charset="UTF-8"',
    ]);
    for (const authorization of [basic('prometheus', 'pass:word'), 'Bearer s3cret-token']) {
      expect((await gateway.get('/metrics', { headers: { authorization } })).status).toBe(200);
    }
  });

  it('serves HTTPS when a certificate is configured', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gse-tls-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const certPath = join(dir, 'cert.pem');
    const keyPath = join(dir, 'key.pem');
    await run('openssl', [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      keyPath,
      '-out',
      certPath,
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=DNS:localhost,IP:127.0.0.1',
    ]);
    const gateway = await open(['tls:', `  cert_path: ${certPath}`, `  key_path: ${keyPath}`]);
    const ca = await readFile(certPath, 'utf8');
    const reply = await gateway.get('/metrics', { ca });
    expect(reply.status).toBe(200);
    expect(reply.body).toContain('gh_activity_commits_24h{org="acme",repo="api",user="ann"} 1');
    await expect(request(gateway.publicAddress, '/livez')).rejects.toThrow();
  });
});
