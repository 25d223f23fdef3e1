import { randomBytes } from 'node:crypto';
import { cpSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { parseAllDocuments } from 'yaml';

import { isK8sObject, type K8sObject } from './k8s-objects.js';
import { repoPath } from './repo-paths.js';
import { runToolOk } from './run-tool.js';

/** A kustomization rendered by `kubectl kustomize`, and the secret values it was given. */
export interface RenderedKustomization {
  readonly objects: readonly K8sObject[];
  /** The raw YAML kubectl printed. */
  readonly text: string;
  /** The value written into each secret file, by file name (without `.example`). */
  readonly secretValues: ReadonlyMap<string, string>;
}

/** Every secret value written for a render contains one of these unique tokens. */
export const SECRET_TOKEN_PATTERN = /secretsentinel[0-9a-f]{24}/g;

/** A value of the shape the config loader accepts for the secret file `name`. */
function toSecretValue(name: string, token: string): string {
  return name === 'amqp-url' ? `amqps://gse:${token}@rabbitmq.example:5671/gse` : token;
}

/**
 * Renders `deploy/kustomize/<dir>` the way an operator would after following SECRETS.md:
 * the tree is copied to `workDir` and every `secrets/<name>.example` of the overlay gets a
 * `secrets/<name>` beside it, holding a value with a unique random token the checks can
 * search for.
 */
export function renderKustomization(dir: string, workDir: string): RenderedKustomization {
  const copy = join(workDir, 'kustomize');
  cpSync(repoPath('deploy', 'kustomize'), copy, {
    recursive: true,
    // Real secret files a developer may have next to the placeholders never leave the repo.
    filter: (source) => !/\/secrets\/[^/]+$/.test(source) || /\.(example|gitignore)$/.test(source),
  });
  const secretValues = new Map<string, string>();
  const secretsDir = join(copy, dir, 'secrets');
  const examples = dir.startsWith('overlays/')
    ? readdirSync(secretsDir).filter((name) => name.endsWith('.example'))
    : [];
  for (const example of examples) {
    const name = example.slice(0, -'.example'.length);
    const value = toSecretValue(name, `secretsentinel${randomBytes(12).toString('hex')}`);
    writeFileSync(join(secretsDir, name), `${value}\n`);
    secretValues.set(name, value);
  }
  const text = runToolOk('kubectl', ['kustomize', join(copy, dir)], { cwd: workDir });
  const objects = parseAllDocuments(text).map((document) => {
    const value: unknown = document.toJS();
    if (!isK8sObject(value)) throw new Error(`not a Kubernetes object: ${String(document)}`);
    return value;
  });
  return { objects, text, secretValues };
}
