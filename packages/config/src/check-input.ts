import type { ConfigProblem } from './config-error.js';
import { isMapping, type ValueFormat } from './formats.js';
import { REDACTED, renderValue } from './render-value.js';
import { isLeaf, type LeafSpec, type SchemaSection } from './schema-node.js';

/** The file's (or demo's) input once every key and value of it has been checked. */
export interface CheckedInput {
  /** Only declared keys with valid values; safe to hand to convict's `load`. */
  readonly sanitized: Record<string, unknown>;
  /** Paths of the keys the input set (null values excluded: they keep the default). */
  readonly setPaths: readonly string[];
  /** Paths whose value was rejected; rules that read them are skipped. */
  readonly invalidPaths: ReadonlySet<string>;
  readonly problems: readonly ConfigProblem[];
}

/**
 * Checks a parsed config file against the schema: unknown keys (at any depth), sections
 * that are not mappings, and each value against its key's format. Rejected parts are left
 * out of `sanitized`, so their defaults stand in while the remaining rules run and every
 * problem is reported in one pass. (Convict's own `load` would also throw a TypeError on a
 * mapping nested under a plain key; checking first keeps it to well-formed input.)
 */
export function checkInput(input: Record<string, unknown>, schema: SchemaSection): CheckedInput {
  const setPaths: string[] = [];
  const invalidPaths = new Set<string>();
  const problems: ConfigProblem[] = [];

  const checkSection = (
    section: Record<string, unknown>,
    schemaSection: SchemaSection,
    prefix: string,
  ): Record<string, unknown> => {
    const sanitized: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(section)) {
      const path = prefix === '' ? key : `${prefix}.${key}`;
      const node = Object.hasOwn(schemaSection, key) ? schemaSection[key] : undefined;
      if (node === undefined) {
        problems.push(unknownKeyProblem(path, prefix, Object.keys(schemaSection)));
        invalidPaths.add(path);
      } else if (value === null) {
        // `key:` with nothing after it keeps the default, as the Go exporter's zero values did.
      } else if (isLeaf(node)) {
        const problem = checkValue(path, value, node);
        if (problem === undefined) {
          sanitized[key] = value;
          setPaths.push(path);
        } else {
          problems.push(problem);
          invalidPaths.add(path);
        }
      } else if (isMapping(value)) {
        sanitized[key] = checkSection(value, node, path);
      } else {
        problems.push({
          path,
          value: renderValue(value, { sensitive: false }),
          message: 'must be a mapping',
          allowed: `a mapping of: ${Object.keys(node).join(', ')}`,
        });
        invalidPaths.add(path);
      }
    }
    return sanitized;
  };

  const sanitized = checkSection(input, schema, '');
  return { sanitized, setPaths, invalidPaths, problems };
}

/**
 * Checks one value against its key's format; `undefined` when it passes. `source` names
 * where a value from outside the file came from (an env variable) in the message.
 */
export function checkValue(
  path: string,
  value: unknown,
  spec: Pick<LeafSpec, 'format' | 'sensitive'>,
  source?: string,
): ConfigProblem | undefined {
  return checkFormat(path, value, spec.format, spec.sensitive === true, source);
}

/** {@link checkValue} for a bare format, e.g. one key of a `github.orgs[]` entry. */
export function checkFormat(
  path: string,
  value: unknown,
  format: ValueFormat,
  sensitive: boolean,
  source?: string,
): ConfigProblem | undefined {
  try {
    format(value);
    return undefined;
  } catch (error) {
    const reason = error instanceof Error ? error.message : 'is invalid';
    return {
      path,
      value: renderValue(value, { sensitive }),
      message: source === undefined ? reason : `${reason} (set by ${source})`,
      allowed: format.allowed,
    };
  }
}

/**
 * An undeclared key. Its value is never shown: an unknown key is often a misspelt one, and
 * a misspelt `redis_password` still holds the password.
 */
export function unknownKeyProblem(
  path: string,
  parentPath: string,
  knownKeys: readonly string[],
): ConfigProblem {
  const where = parentPath === '' ? 'the top level' : parentPath;
  return {
    path,
    value: REDACTED,
    message: 'unknown key',
    allowed: `a key of ${where}: ${knownKeys.join(', ')}`,
  };
}
