import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { loadConfig, type Config } from '@gse/config';
import { SCRAPE_QUEUES } from '@gse/queues';
import { afterAll, describe, expect, it } from 'vitest';

import {
  isWorkload,
  objectsOfKind,
  type Container,
  type ScaledObject,
  type TriggerAuthentication,
} from './support/k8s-objects.js';
import { materializeContainer } from './support/materialize-pod.js';
import { renderKustomization } from './support/render-kustomize.js';

const workDir = mkdtempSync(join(tmpdir(), 'gse-pod-config-'));
afterAll(() => {
  rmSync(workDir, { recursive: true, force: true });
});

/** Each service's own address in the config: its probe port must be the container's. */
const PROBE_ADDRESS: Readonly<Record<string, (config: Config) => number>> = {
  scheduler: (config) => config.services.scheduler.listenAddr.port,
  'scraper-worker': (config) => config.services.scraperWorker.listenAddr.port,
  'backfill-worker': (config) => config.services.backfillWorker.listenAddr.port,
  'metrics-gateway': (config) => config.services.metricsGateway.listenAddr.port,
};

function toAddress({ host, port }: { readonly host: string; readonly port: number }): string {
  return `${host}:${port}`;
}

function portOf(container: Container, name: string): number | undefined {
  return container.ports?.find((port) => port.name === name)?.containerPort;
}

describe.each(['overlays/nonprod', 'overlays/prod'])('the pods of %s', (dir) => {
  const { objects, secretValues } = renderKustomization(dir, join(workDir, dir.replace('/', '-')));

  function loadPodConfig(name: string): {
    readonly config: Config;
    readonly container: Container;
    readonly graceMs: number;
  } {
    const workload = objects.filter(isWorkload).find((w) => w.metadata.name === name);
    const container = workload?.spec.template.spec.containers[0];
    if (workload === undefined || container === undefined) throw new Error(`no ${name}`);
    const pod = materializeContainer(workload, container, objects, join(workDir, dir, name));
    // As each service's main.ts loads it: the gateway without the GitHub App keys.
    const { config } = loadConfig({
      env: pod.env,
      cwd: workDir,
      needsGitHubKeys: name !== 'metrics-gateway',
    });
    const graceMs = (workload.spec.template.spec.terminationGracePeriodSeconds ?? 30) * 1000;
    return { config, container, graceMs };
  }

  it.each(Object.keys(PROBE_ADDRESS))(
    '%s loads the fleet config from its mounts and env, with the secrets from files',
    (name) => {
      const { config, container, graceMs } = loadPodConfig(name);

      expect(config.store.redisPassword).toBe(secretValues.get('redis-password'));
      expect(config.amqp.url).toBe(secretValues.get('amqp-url'));
      expect(portOf(container, 'probe')).toBe(PROBE_ADDRESS[name]?.(config));
      expect(graceMs).toBeGreaterThan(config.services.shutdownTimeoutMs);
      if (name === 'metrics-gateway') {
        expect(portOf(container, 'http')).toBe(config.server.listenAddr.port);
        expect(config.server.auth.bearerToken).toBe(secretValues.get('metrics-bearer-token'));
      } else {
        expect(config.server.auth.bearerToken).toBeUndefined();
      }
    },
  );

  it('gives the GitHub App keys to every service but the metrics-gateway', () => {
    const keyFiles = (name: string): string[] => {
      const workload = objects.filter(isWorkload).find((w) => w.metadata.name === name);
      const container = workload?.spec.template.spec.containers[0];
      if (workload === undefined || container === undefined) throw new Error(`no ${name}`);
      const pod = materializeContainer(
        workload,
        container,
        objects,
        join(workDir, dir, `${name}-keys`),
      );
      const { config } = loadConfig({ env: pod.env, cwd: workDir, needsGitHubKeys: false });
      // A key file the pod has: under one of its mounts (materialized locally) and there.
      const mounted = [...pod.mounts.values()];
      return config.github.orgs
        .filter(
          (org) =>
            mounted.some((local) => org.privateKeyPath.startsWith(`${local}/`)) &&
            existsSync(org.privateKeyPath),
        )
        .map((org) => org.org);
    };
    const orgs = loadPodConfig('scheduler').config.github.orgs.map((org) => org.org);
    expect(orgs.length).toBeGreaterThan(0);
    for (const name of ['scheduler', 'scraper-worker', 'backfill-worker']) {
      expect(keyFiles(name), name).toEqual(orgs);
    }
    expect(keyFiles('metrics-gateway')).toEqual([]);
  });

  it('caps scraper-worker at ceil(Σ per_org_concurrency ÷ bullmq.worker_concurrency) replicas', () => {
    const { config } = loadPodConfig('scraper-worker');
    const [scaledObject] = objectsOfKind<ScaledObject>(objects, 'ScaledObject');
    // Each org's repo jobs run at most per_org_concurrency at once, fleet-wide; a replica
    // runs worker_concurrency jobs: replicas beyond the quotient would only wait.
    const orgSlots = config.github.orgs.reduce((sum, org) => sum + org.perOrgConcurrency, 0);
    const max = Math.ceil(orgSlots / config.bullmq.workerConcurrency);
    expect(scaledObject?.spec.maxReplicaCount).toBe(max);
    expect([scaledObject?.spec.minReplicaCount, scaledObject?.spec.fallback?.replicas]).toEqual(
      dir === 'overlays/prod' ? [2, 3] : [1, 1],
    );
    expect(
      Math.max(scaledObject?.spec.minReplicaCount ?? 0, scaledObject?.spec.fallback?.replicas ?? 0),
    ).toBeLessThanOrEqual(max);
  });

  it('scales scraper-worker on the waiting list of the repo queue the scrapers consume', () => {
    const { config } = loadPodConfig('scraper-worker');
    const [scaledObject] = objectsOfKind<ScaledObject>(objects, 'ScaledObject');
    const trigger = scaledObject?.spec.triggers.find((t) => t.type.startsWith('redis'));
    expect(trigger?.metadata['listName']).toBe(
      `${config.bullmq.prefix}:${SCRAPE_QUEUES.repos}:wait`,
    );
    // KEDA authenticates like the services: the Redis password, to Sentinel as well.
    const auth = objectsOfKind<TriggerAuthentication>(objects, 'TriggerAuthentication').find(
      (a) => a.metadata.name === trigger?.authenticationRef?.name,
    );
    const secretOf = (name: string, key: string): string | undefined => {
      const data = objects.find((o) => o.kind === 'Secret' && o.metadata.name === name)?.data;
      const encoded = data?.[key];
      return encoded === undefined ? undefined : Buffer.from(encoded, 'base64').toString('utf8');
    };
    expect(
      Object.fromEntries(
        (auth?.spec.secretTargetRef ?? []).map((ref) => [
          ref.parameter,
          secretOf(ref.name, ref.key)?.trim(),
        ]),
      ),
    ).toEqual(
      config.store.redisMode === 'sentinel'
        ? { password: config.store.redisPassword, sentinelPassword: config.store.redisPassword }
        : { password: config.store.redisPassword },
    );
    if (config.store.redisMode === 'sentinel') {
      expect(trigger?.type).toBe('redis-sentinel');
      expect(trigger?.metadata['sentinelMaster']).toBe(config.store.redisMasterSet);
      expect(trigger?.metadata['addresses']?.split(/,\s*/)).toEqual(
        config.store.redisSentinelAddrs.map(toAddress),
      );
    } else {
      expect(trigger?.type).toBe('redis');
      expect(trigger?.metadata['address']).toBe(toAddress(config.store.redisAddr));
    }
  });
});
