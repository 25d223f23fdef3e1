import { resolve } from 'node:path';

import { checkFormat, unknownKeyProblem } from './check-input.js';
import type { ConfigProblem } from './config-error.js';
import { isMapping } from './formats.js';
import { unreadableReason } from './readable-file.js';
import { renderValue } from './render-value.js';
import { ORG_FIELDS } from './schema.js';
import type { RuleContext, ValidationRule } from './validation-rule.js';

const ORG_KEYS = Object.keys(ORG_FIELDS) as (keyof typeof ORG_FIELDS)[];

function orgEntries(context: RuleContext): readonly Record<string, unknown>[] {
  // The github.orgs format has already required a list of mappings.
  const orgs: readonly unknown[] = context.raw.github.orgs;
  return orgs.filter(isMapping);
}

function fieldIsValid(entry: Record<string, unknown>, key: keyof typeof ORG_FIELDS): boolean {
  return checkFormat(key, entry[key], ORG_FIELDS[key].format, false) === undefined;
}

const orgEntryRule: ValidationRule = {
  description:
    'Each `github.orgs[]` entry has only the keys of the `github.orgs[]` table; `org`, `app_id`, `installation_id`, `private_key_path` and `scrape_interval` are required, and every value is as that table allows.',
  reads: ['github.orgs'],
  check: (context) =>
    orgEntries(context).flatMap((entry, index) => {
      const prefix = `github.orgs[${index}]`;
      const problems: ConfigProblem[] = Object.keys(entry)
        .filter((key) => !Object.hasOwn(ORG_FIELDS, key))
        .map((key) => unknownKeyProblem(`${prefix}.${key}`, prefix, ORG_KEYS));
      for (const key of ORG_KEYS) {
        const field = ORG_FIELDS[key];
        const value = entry[key];
        const path = `${prefix}.${key}`;
        if (value === undefined || value === null) {
          if (field.default === undefined) {
            problems.push({
              path,
              value: renderValue(undefined, { sensitive: false }),
              message: 'is required',
              allowed: field.format.allowed,
            });
          }
          continue;
        }
        const problem = checkFormat(path, value, field.format, false);
        if (problem !== undefined) problems.push(problem);
      }
      return problems;
    }),
};

const uniqueOrgRule: ValidationRule = {
  description:
    'Org names are unique across `github.orgs[]`, compared case-insensitively as GitHub does.',
  reads: ['github.orgs'],
  check: (context) => {
    const firstIndexByName = new Map<string, number>();
    const problems: ConfigProblem[] = [];
    orgEntries(context).forEach((entry, index) => {
      if (!fieldIsValid(entry, 'org')) return;
      const name = String(entry['org']);
      const first = firstIndexByName.get(name.toLowerCase());
      if (first === undefined) {
        firstIndexByName.set(name.toLowerCase(), index);
        return;
      }
      problems.push({
        path: `github.orgs[${index}].org`,
        value: renderValue(name, { sensitive: false }),
        message: `duplicate org: github.orgs[${first}] already scrapes it`,
        allowed: 'an org not listed by another entry (case-insensitive)',
      });
    });
    return problems;
  },
};

const readableKeyRule: ValidationRule = {
  description:
    "Each `private_key_path` names a readable file; a relative path resolves against the config file's directory. Not checked in demo mode (`demo.enabled`), where the simulator writes the key files when it starts, nor by the metrics-gateway, which never talks to GitHub and runs without the keys.",
  reads: ['github.orgs', 'demo.enabled'],
  check: (context) => {
    if (context.raw.demo.enabled || !context.needsGitHubKeys) return [];
    return orgEntries(context).flatMap((entry, index) => {
      if (!fieldIsValid(entry, 'private_key_path')) return [];
      const written = String(entry['private_key_path']);
      const absolute = resolve(context.baseDir, written);
      const failure = unreadableReason(absolute);
      return failure === undefined
        ? []
        : [
            {
              path: `github.orgs[${index}].private_key_path`,
              value: renderValue(written, { sensitive: false }),
              message: `cannot read the key file ${absolute} (${failure})`,
              allowed:
                "a readable PEM file; relative paths resolve against the config file's directory",
            },
          ];
    });
  },
};

/** The rules over `github.orgs[]` entries, in the order their problems are reported. */
export const ORG_RULES: readonly ValidationRule[] = [orgEntryRule, uniqueOrgRule, readableKeyRule];
