import { readFileSync } from 'node:fs';

import { validate } from 'dockerfile-utils';
import { describe, expect, it } from 'vitest';

import { parseDockerfile, type DockerStage } from './support/dockerfile-stages.js';
import { repoPath } from './support/repo-paths.js';

const text = readFileSync(repoPath('Dockerfile'), 'utf8');
const { globals, stages } = parseDockerfile(text);

function stage(name: string): DockerStage {
  const found = stages.find((s) => s.name === name);
  if (found === undefined) throw new Error(`no stage ${name} in the Dockerfile`);
  return found;
}

function lastOf(s: DockerStage, keyword: string): string | undefined {
  return s.instructions.filter((i) => i.keyword === keyword).at(-1)?.args;
}

function labelsOf(s: DockerStage): string {
  return s.instructions
    .filter((i) => i.keyword === 'LABEL')
    .map((i) => i.args)
    .join(' ');
}

describe('the Dockerfile', () => {
  it('passes the dockerfile-utils linter without a warning', () => {
    expect(validate(text)).toEqual([]);
  });

  it('builds in stages and ends with the service image, the default target', () => {
    expect(stages.map((s) => s.name)).toEqual(['build', 'deploy', 'github-sim', 'service']);
    // Node 22 LTS, pinned to a patch release: a rebuild cannot change the runtime.
    expect(globals.find((i) => i.args.startsWith('NODE_IMAGE='))?.args).toMatch(
      /^NODE_IMAGE=node:22\.\d+\.\d+-bookworm-slim(@sha256:[0-9a-f]{64})?$/,
    );
    // Native modules compiled in `build` must load in `service`: one Node for both.
    expect(stages.map((s) => s.base)).toEqual(['${NODE_IMAGE}', 'build', 'build', '${NODE_IMAGE}']);
  });

  it('puts only one service’s production dependencies into the service image', () => {
    const deploy = stage('deploy')
      .instructions.map((i) => i.args)
      .join('\n');
    expect(deploy).toMatch(/pnpm --filter "@gse\/\$\{SERVICE\}" deploy --prod/);
    const copies = stage('service').instructions.filter((i) => i.keyword === 'COPY');
    expect(copies.map((c) => c.flags.get('from'))).toEqual(['deploy']);
    // root-owned code: the runtime user cannot change what it runs.
    expect(copies.map((c) => c.flags.get('chown'))).toEqual(['root:root']);
  });

  it.each(['service', 'github-sim'])('runs %s as a non-root numeric user under tini', (name) => {
    const s = stage(name);
    expect(lastOf(s, 'USER')).toMatch(/^[1-9]\d*:[1-9]\d*$/);
    expect(s.instructions.filter((i) => i.keyword === 'ENTRYPOINT').at(-1)?.execForm).toEqual([
      '/usr/bin/tini',
      '--',
    ]);
    const cmd = s.instructions.filter((i) => i.keyword === 'CMD').at(-1)?.execForm;
    expect(cmd?.[0]).toBe('node');
    expect(lastOf(s, 'STOPSIGNAL')).toBe('SIGTERM');
  });

  it('runs the compiled service in production mode', () => {
    const s = stage('service');
    expect(s.instructions.filter((i) => i.keyword === 'CMD').at(-1)?.execForm).toEqual([
      'node',
      '--enable-source-maps',
      'dist/main.js',
    ]);
    expect(lastOf(s, 'ENV')).toContain('NODE_ENV=production');
  });

  it('labels the service image with the OCI annotations', () => {
    const labels = labelsOf(stage('service'));
    for (const key of ['title', 'description', 'source', 'version', 'revision', 'created']) {
      expect(labels).toContain(`org.opencontainers.image.${key}=`);
    }
  });

  it('never uses ADD (no remote fetches, no implicit unpacking)', () => {
    expect(stages.flatMap((s) => s.instructions).filter((i) => i.keyword === 'ADD')).toEqual([]);
  });
});

describe('the build context (.dockerignore)', () => {
  const ignored = readFileSync(repoPath('.dockerignore'), 'utf8')
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'));

  it('keeps out build output, VCS data, keys, secrets and local config', () => {
    for (const pattern of [
      '**/node_modules',
      '**/dist',
      '.git',
      '**/*.pem',
      '.env',
      'config/local.yaml',
      'deploy/kustomize/overlays/*/secrets/*',
    ]) {
      expect(ignored).toContain(pattern);
    }
  });
});
