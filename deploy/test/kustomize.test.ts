import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import {
  isWorkload,
  objectsOfKind,
  selects,
  type Container,
  type HorizontalPodAutoscaler,
  type NetworkPolicy,
  type PodDisruptionBudget,
  type ScaledObject,
  type Service,
  type TriggerAuthentication,
  type Workload,
} from './support/k8s-objects.js';
import { isEgressAllowed, type EgressTarget } from './support/network-egress.js';
import {
  renderKustomization,
  SECRET_TOKEN_PATTERN,
  type RenderedKustomization,
} from './support/render-kustomize.js';

const SERVICES = ['scheduler', 'scraper-worker', 'backfill-worker', 'metrics-gateway'];
/** Redis and Redis Sentinel; AMQP and AMQPS; GitHub's API. */
const REDIS_PORTS = [6379, 26379];
const AMQP_PORTS = [5672, 5671];
const HTTPS_PORT = 443;
/** NodeLocal DNSCache's link-local address (the value its docs and manifests use). */
const NODE_LOCAL_DNS = '169.254.20.10';

const workDir = mkdtempSync(join(tmpdir(), 'gse-kustomize-'));
afterAll(() => {
  rmSync(workDir, { recursive: true, force: true });
});

const rendered = new Map<string, RenderedKustomization>();
function render(dir: string): RenderedKustomization {
  let result = rendered.get(dir);
  if (result === undefined) {
    result = renderKustomization(dir, join(workDir, dir.replace('/', '-')));
    rendered.set(dir, result);
  }
  return result;
}

function workloads(dir: string): Workload[] {
  return render(dir).objects.filter(isWorkload);
}

function containersOf(workload: Workload): Container[] {
  const pod = workload.spec.template.spec;
  return [...pod.containers, ...(pod.initContainers ?? [])];
}

function hasContainerPort(container: Container, port: string | number): boolean {
  return (container.ports ?? []).some((p) => p.name === port || p.containerPort === port);
}

describe.each(['base', 'overlays/nonprod', 'overlays/prod'])('kubectl kustomize %s', (dir) => {
  it('has one Deployment per service', () => {
    const deployments = objectsOfKind<Workload>(render(dir).objects, 'Deployment');
    expect(deployments.map((d) => d.metadata.name).sort()).toEqual([...SERVICES].sort());
  });

  it('gives every container probes on /livez and /readyz, on a port it declares', () => {
    for (const workload of workloads(dir)) {
      for (const container of workload.spec.template.spec.containers) {
        const where = `${workload.metadata.name}/${container.name}`;
        expect(container.livenessProbe?.httpGet?.path, where).toBe('/livez');
        expect(container.readinessProbe?.httpGet?.path, where).toBe('/readyz');
        for (const probe of [container.livenessProbe, container.readinessProbe]) {
          const port = probe?.httpGet?.port ?? '';
          expect(hasContainerPort(container, port), `${where} probe port ${port}`).toBe(true);
        }
      }
    }
  });

  it('gives every container CPU and memory requests and limits', () => {
    for (const workload of workloads(dir)) {
      for (const container of containersOf(workload)) {
        const { requests = {}, limits = {} } = container.resources ?? {};
        const where = `${workload.metadata.name}/${container.name}`;
        expect(Object.keys(requests).sort(), where).toEqual(['cpu', 'memory']);
        expect(Object.keys(limits).sort(), where).toEqual(['cpu', 'memory']);
      }
    }
  });

  it('runs every pod as non-root, read-only, without privileges or a service account token', () => {
    for (const workload of workloads(dir)) {
      const pod = workload.spec.template.spec;
      const where = workload.metadata.name;
      expect(pod.securityContext?.runAsNonRoot, where).toBe(true);
      expect(pod.securityContext?.runAsUser, where).toBeGreaterThan(0);
      expect(pod.securityContext?.seccompProfile?.type, where).toBe('RuntimeDefault');
      expect(pod.automountServiceAccountToken, where).toBe(false);
      for (const container of containersOf(workload)) {
        expect(container.securityContext, `${where}/${container.name}`).toMatchObject({
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          privileged: false,
          capabilities: { drop: ['ALL'] },
        });
      }
    }
  });

  it('selects a workload, on ports it declares, with every Service and PodDisruptionBudget', () => {
    const all = workloads(dir);
    for (const service of objectsOfKind<Service>(render(dir).objects, 'Service')) {
      const targets = all.filter((w) =>
        selects(service.spec.selector, w.spec.template.metadata.labels),
      );
      expect(targets.length, `Service ${service.metadata.name}`).toBe(1);
      const [container] = targets[0]?.spec.template.spec.containers ?? [];
      for (const port of service.spec.ports) {
        const target = port.targetPort ?? port.port;
        expect(container && hasContainerPort(container, target), service.metadata.name).toBe(true);
      }
    }
    const budgets = objectsOfKind<PodDisruptionBudget>(render(dir).objects, 'PodDisruptionBudget');
    for (const workload of all) {
      const covering = budgets.filter((pdb) =>
        selects(pdb.spec.selector.matchLabels, workload.spec.template.metadata.labels),
      );
      expect(covering.length, `PodDisruptionBudget of ${workload.metadata.name}`).toBe(1);
    }
  });

  it('lets a node drain evict pods that are not ready, one healthy pod at a time', () => {
    const budgets = objectsOfKind<PodDisruptionBudget>(render(dir).objects, 'PodDisruptionBudget');
    expect(
      Object.fromEntries(
        budgets.map((pdb) => [
          pdb.metadata.name,
          [pdb.spec.maxUnavailable, pdb.spec.unhealthyPodEvictionPolicy],
        ]),
      ),
    ).toEqual(Object.fromEntries(SERVICES.map((name) => [name, [1, 'AlwaysAllow']])));
  });

  it('denies all traffic by default and gives every workload its own allow-list', () => {
    const policies = objectsOfKind<NetworkPolicy>(render(dir).objects, 'NetworkPolicy');
    const defaultDeny = policies.find(
      (p) =>
        Object.keys(p.spec.podSelector.matchLabels ?? {}).length === 0 &&
        p.spec.ingress === undefined &&
        p.spec.egress === undefined,
    );
    expect(defaultDeny?.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    for (const workload of workloads(dir)) {
      const own = policies.filter((p) =>
        selects(p.spec.podSelector.matchLabels, workload.spec.template.metadata.labels),
      );
      expect(own.length, workload.metadata.name).toBe(1);
      const [container] = workload.spec.template.spec.containers;
      for (const rule of own[0]?.spec.ingress ?? []) {
        for (const { port } of rule.ports ?? []) {
          expect(container && hasContainerPort(container, port)).toBe(true);
        }
      }
    }
    // Only the backfill-worker talks AMQP; the gateway reaches nothing but Redis.
    const egressPorts = Object.fromEntries(
      policies
        .filter((p) => SERVICES.includes(p.metadata.name))
        .map((p) => [
          p.metadata.name,
          (p.spec.egress ?? []).flatMap((r) => r.ports ?? []).map((port) => port.port),
        ]),
    );
    expect(egressPorts).toEqual({
      scheduler: [...REDIS_PORTS, HTTPS_PORT],
      'scraper-worker': [...REDIS_PORTS, HTTPS_PORT],
      'backfill-worker': [...REDIS_PORTS, ...AMQP_PORTS, HTTPS_PORT],
      'metrics-gateway': REDIS_PORTS,
    });
  });

  it('lets every pod resolve names through kube-dns and NodeLocal DNSCache, and only the backfill-worker reach RabbitMQ', () => {
    const policies = objectsOfKind<NetworkPolicy>(render(dir).objects, 'NetworkPolicy');
    const kubeSystem = { 'kubernetes.io/metadata.name': 'kube-system' };
    const kubeDns = { 'k8s-app': 'kube-dns' };
    const targets: Readonly<Record<string, EgressTarget>> = {
      'kube-dns udp': {
        namespaceLabels: kubeSystem,
        podLabels: kubeDns,
        protocol: 'UDP',
        port: 53,
      },
      'kube-dns tcp': {
        namespaceLabels: kubeSystem,
        podLabels: kubeDns,
        protocol: 'TCP',
        port: 53,
      },
      'node-local-dns udp': { ip: NODE_LOCAL_DNS, protocol: 'UDP', port: 53 },
      'node-local-dns tcp': { ip: NODE_LOCAL_DNS, protocol: 'TCP', port: 53 },
      // Any namespace can label a pod k8s-app=kube-dns: it must not get the queries.
      'a kube-dns look-alike in another namespace': {
        namespaceLabels: { 'kubernetes.io/metadata.name': 'tenant-a' },
        podLabels: kubeDns,
        protocol: 'UDP',
        port: 53,
      },
      amqp: { ip: '10.20.30.40', protocol: 'TCP', port: 5672 },
      amqps: { ip: '10.20.30.40', protocol: 'TCP', port: 5671 },
      'rabbitmq pod': {
        namespaceLabels: { 'kubernetes.io/metadata.name': 'data' },
        podLabels: { 'app.kubernetes.io/name': 'rabbitmq' },
        protocol: 'TCP',
        port: 5672,
      },
    };
    const allowed = Object.fromEntries(
      workloads(dir).map((workload) => [
        workload.metadata.name,
        Object.entries(targets)
          .filter(([, target]) =>
            isEgressAllowed(
              policies,
              workload.metadata.namespace ?? '',
              workload.spec.template.metadata.labels,
              target,
            ),
          )
          .map(([name]) => name),
      ]),
    );
    const dns = ['kube-dns udp', 'kube-dns tcp', 'node-local-dns udp', 'node-local-dns tcp'];
    expect(allowed).toEqual({
      scheduler: dns,
      'scraper-worker': dns,
      'backfill-worker': [...dns, 'amqp', 'amqps', 'rabbitmq pod'],
      'metrics-gateway': dns,
    });
  });

  it('leaves the replica count of scraper-worker to its autoscaler', () => {
    const scraper = workloads(dir).find((w) => w.metadata.name === 'scraper-worker');
    expect(scraper?.spec.replicas).toBeUndefined();
  });
});

describe('autoscaling of scraper-worker', () => {
  it('is a CPU HPA in the base, for clusters without KEDA', () => {
    const { objects } = render('base');
    expect(objectsOfKind(objects, 'ScaledObject')).toEqual([]);
    const hpas = objectsOfKind<HorizontalPodAutoscaler>(objects, 'HorizontalPodAutoscaler');
    expect(hpas.map((hpa) => hpa.spec.scaleTargetRef)).toEqual([
      { apiVersion: 'apps/v1', kind: 'Deployment', name: 'scraper-worker' },
    ]);
  });

  it.each(['overlays/nonprod', 'overlays/prod'])(
    'is a KEDA ScaledObject on the repo-job queue in %s, and no HPA',
    (dir) => {
      const { objects } = render(dir);
      expect(objectsOfKind(objects, 'HorizontalPodAutoscaler')).toEqual([]);
      const [scaledObject, ...others] = objectsOfKind<ScaledObject>(objects, 'ScaledObject');
      expect(others).toEqual([]);
      expect(scaledObject?.spec.scaleTargetRef).toEqual({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        name: 'scraper-worker',
      });
      expect(workloads(dir).map((w) => w.metadata.name)).toContain('scraper-worker');

      // The list name itself is checked against the queue catalog in pod-config.test.ts.
      const queueTrigger = scaledObject?.spec.triggers.find((t) => t.type.startsWith('redis'));
      expect(queueTrigger?.metadata['listName']).toMatch(/:wait$/);
      const auth = objectsOfKind<TriggerAuthentication>(objects, 'TriggerAuthentication').find(
        (a) => a.metadata.name === queueTrigger?.authenticationRef?.name,
      );
      const [secretRef] = auth?.spec.secretTargetRef ?? [];
      const secret = objects.find(
        (o) => o.kind === 'Secret' && o.metadata.name === secretRef?.name,
      );
      expect(secret?.data?.[secretRef?.key ?? '']).toBeDefined();
    },
  );
});

describe.each(['overlays/nonprod', 'overlays/prod'])('secrets of %s', (dir) => {
  it('appear only inside the generated Secrets, never in config, env or elsewhere', () => {
    const { objects, secretValues } = render(dir);
    expect(secretValues.size).toBeGreaterThanOrEqual(4);
    const outsideSecrets = objects
      .filter((o) => o.kind !== 'Secret')
      .map((o) => JSON.stringify(o))
      .join('\n');
    expect(outsideSecrets.match(SECRET_TOKEN_PATTERN)).toBeNull();
    for (const value of secretValues.values()) {
      expect(outsideSecrets).not.toContain(Buffer.from(value).toString('base64'));
    }
    const secretData = objects
      .filter((o) => o.kind === 'Secret')
      .flatMap((o) => Object.values(o.data ?? {}))
      .map((encoded) => Buffer.from(encoded, 'base64').toString('utf8').trim());
    expect(secretData.sort()).toEqual([...secretValues.values()].sort());
  });

  it('reach containers as files only: no literal value for a secret variable', () => {
    for (const workload of workloads(dir)) {
      for (const container of containersOf(workload)) {
        for (const variable of container.env ?? []) {
          if (!/PASSWORD|TOKEN|SECRET|AMQP_URL|PRIVATE_KEY/.test(variable.name)) continue;
          expect(variable.name, `${workload.metadata.name}: ${variable.name}`).toMatch(/_FILE$/);
        }
      }
    }
  });

  it('refers only to Secrets and ConfigMaps the overlay generates', () => {
    const { objects } = render(dir);
    const names = new Set(
      objects
        .filter((o) => o.kind === 'Secret' || o.kind === 'ConfigMap')
        .map((o) => o.metadata.name),
    );
    for (const workload of workloads(dir)) {
      for (const volume of workload.spec.template.spec.volumes ?? []) {
        const name = volume.secret?.secretName ?? volume.configMap?.name;
        if (name !== undefined)
          expect(names.has(name), `${workload.metadata.name}: ${name}`).toBe(true);
      }
    }
  });
});
