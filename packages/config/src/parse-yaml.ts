import YAML from 'yaml';

import type { ConfigProblem } from './config-error.js';
import { isMapping } from './formats.js';

/** The path of problems that concern the config file as a whole. */
export const FILE_PATH = '<file>';

/** The outcome of {@link parseConfigYaml}. */
export type ParsedYaml =
  | { readonly ok: true; readonly value: Record<string, unknown> }
  | { readonly ok: false; readonly problems: readonly ConfigProblem[] };

/**
 * Parses the text of a config file: one YAML document whose top level is a mapping (an
 * empty file is an empty mapping). Syntax errors (duplicate keys included) become problems
 * naming the line and column but never quoting the source, which may hold a secret.
 */
export function parseConfigYaml(text: string): ParsedYaml {
  const document = YAML.parseDocument(text);
  if (document.errors.length > 0) {
    return {
      ok: false,
      problems: document.errors.map((error) => {
        const position = error.linePos?.[0];
        const where = position ? ` at line ${position.line}, column ${position.col}` : '';
        return {
          path: FILE_PATH,
          value: '(not shown)',
          message: `YAML syntax error ${error.code}${where}`,
          allowed: 'one valid YAML document',
        };
      }),
    };
  }
  const value: unknown = document.toJS();
  if (value === null || value === undefined) return { ok: true, value: {} };
  if (!isMapping(value)) {
    return {
      ok: false,
      problems: [
        {
          path: FILE_PATH,
          value: '(not shown)',
          message: 'the top level must be a mapping of sections',
          allowed: 'a YAML mapping such as "github:\\n  orgs: [...]"',
        },
      ],
    };
  }
  return { ok: true, value };
}

/** YAML parser in the shape `convict.addParser` expects; throws on invalid YAML. */
export function parseYaml(text: string): unknown {
  return YAML.parse(text);
}
