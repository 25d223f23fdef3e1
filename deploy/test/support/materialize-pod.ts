import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import type { Container, K8sObject, Workload } from './k8s-objects.js';

/** A container's view of its volumes, laid out on the local disk. */
export interface MaterializedContainer {
  /** The container's environment with every mount path moved to its local directory. */
  readonly env: Readonly<Record<string, string>>;
  /** Mount path in the pod → local directory. */
  readonly mounts: ReadonlyMap<string, string>;
}

/**
 * Writes what a container of `workload` would see under each of its volume mounts (ConfigMap
 * and Secret data from the rendered objects, empty dirs) into `dir`, and rewrites the mount
 * paths inside the env values and the ConfigMap files to the local directories, so the
 * service's own config loader can be run against exactly what the manifests provide.
 */
export function materializeContainer(
  workload: Workload,
  container: Container,
  objects: readonly K8sObject[],
  dir: string,
): MaterializedContainer {
  const volumes = workload.spec.template.spec.volumes ?? [];
  const mounts = new Map<string, string>();
  const configMapDirs: string[] = [];
  for (const mount of container.volumeMounts ?? []) {
    const volume = volumes.find((v) => v.name === mount.name);
    if (volume === undefined)
      throw new Error(`no volume ${mount.name} in ${workload.metadata.name}`);
    const local = join(dir, mount.name);
    mkdirSync(local, { recursive: true });
    mounts.set(mount.mountPath, local);
    if (volume.configMap) {
      writeData(local, findObject(objects, 'ConfigMap', volume.configMap.name).data, 'utf8');
      configMapDirs.push(local);
    } else if (volume.secret) {
      writeData(local, findObject(objects, 'Secret', volume.secret.secretName).data, 'base64');
    }
  }
  // One pass over the longest mount paths first, so a relocated path is never relocated
  // again (the pod's /tmp mount would otherwise match inside the local directories).
  const alternatives = [...mounts.keys()]
    .sort((a, b) => b.length - a.length)
    .map((path) => path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const mountPattern = new RegExp(`(${alternatives.join('|')})(?=/|$|[\\s'"])`, 'gm');
  const relocate = (text: string): string =>
    text.replace(mountPattern, (mountPath) => mounts.get(mountPath) ?? mountPath);
  for (const local of configMapDirs) {
    for (const file of readdirSync(local)) {
      const path = join(local, file);
      writeFileSync(path, relocate(readFileSync(path, 'utf8')));
    }
  }
  const env: Record<string, string> = {};
  for (const variable of container.env ?? []) {
    if (variable.value !== undefined) env[variable.name] = relocate(variable.value);
  }
  return { env, mounts };
}

function findObject(objects: readonly K8sObject[], kind: string, name: string): K8sObject {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (found === undefined) throw new Error(`${kind} ${name} is not in the rendered output`);
  return found;
}

function writeData(
  dir: string,
  data: Readonly<Record<string, string>> | undefined,
  encoding: 'utf8' | 'base64',
): void {
  for (const [file, content] of Object.entries(data ?? {})) {
    writeFileSync(join(dir, file), Buffer.from(content, encoding));
  }
}
