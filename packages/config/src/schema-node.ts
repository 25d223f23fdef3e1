import type { ValueFormat } from './formats.js';

/**
 * One config key in the convict schema. `doc`, `default`, `format`, `env` and `sensitive`
 * are convict's own properties; `ignored` is ours and convict carries it along untouched.
 * (A `type` alias, not an interface, so it fits convict's index-signature `SchemaObj`.)
 */
export type LeafSpec<T = unknown> = {
  readonly doc: string;
  readonly default: T;
  readonly format: ValueFormat;
  /** Env var that overrides the key; always `GITHUB_STATS_…`. */
  readonly env?: string;
  /** Never printed: problems, docs and `toString` show `[REDACTED]`; `<env>_FILE` is read too. */
  readonly sensitive?: boolean;
  /** Why the key is accepted but has no effect; a file that sets it gets a warning. */
  readonly ignored?: string;
};

/** A schema section: keys to sections or leaves (convict treats objects without `default` so). */
export type SchemaSection = { readonly [key: string]: SchemaSection | LeafSpec };

/** A leaf with its dotted path, e.g. `store.redis_password`. */
export interface SchemaEntry {
  readonly path: string;
  readonly spec: LeafSpec;
}

/** Builds a leaf; the generic keeps `default` typed against the raw config shape. */
export function leaf<T>(spec: LeafSpec<T>): LeafSpec<T> {
  return spec;
}

/** True when `node` is a key rather than a section (convict's rule: it has a `default`). */
export function isLeaf(node: SchemaSection | LeafSpec): node is LeafSpec {
  return 'default' in node;
}

/** Every leaf under `section`, depth first in declaration order. */
export function listLeaves(section: SchemaSection, prefix = ''): SchemaEntry[] {
  return Object.entries(section).flatMap(([key, node]) => {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    return isLeaf(node) ? [{ path, spec: node }] : listLeaves(node, path);
  });
}
