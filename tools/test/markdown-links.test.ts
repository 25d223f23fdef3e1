import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/** Every Markdown file git tracks, relative to the repo root. */
function trackedMarkdown(): string[] {
  return execFileSync('git', ['ls-files', '*.md'], { cwd: repoRoot, encoding: 'utf8' })
    .split('\n')
    .filter((path) => path !== '');
}

// `[text](target)` and `[text]: target`; the target up to whitespace or `)`.
const LINK = /\]\(([^)\s]+)(?:\s+"[^"]*")?\)|^\[[^\]]+\]:\s+(\S+)/gm;

/** The repo-relative paths a Markdown file links to that do not exist. */
function brokenLinks(file: string): string[] {
  const text = readFileSync(join(repoRoot, file), 'utf8');
  const broken: string[] = [];
  for (const match of text.matchAll(LINK)) {
    const target = match[1] ?? match[2] ?? '';
    if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('#')) continue;
    const path = decodeURIComponent(target.split('#')[0] ?? '');
    if (path === '') continue;
    if (!existsSync(resolve(repoRoot, dirname(file), path))) broken.push(target);
  }
  return broken;
}

describe('Markdown links', () => {
  it('point at files and folders that exist', () => {
    const broken = trackedMarkdown()
      .map((file) => ({ file, broken: brokenLinks(file) }))
      .filter((entry) => entry.broken.length > 0);
    expect(broken).toEqual([]);
  });
});
