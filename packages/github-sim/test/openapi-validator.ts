import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/** The subset of OpenAPI 3.0 schema keywords GitHub's description uses for responses. */
interface Schema {
  readonly $ref?: string;
  readonly type?: string;
  readonly nullable?: boolean;
  readonly enum?: readonly unknown[];
  readonly format?: string;
  readonly properties?: Readonly<Record<string, Schema>>;
  readonly required?: readonly string[];
  readonly additionalProperties?: boolean | Schema;
  readonly items?: Schema;
  readonly anyOf?: readonly Schema[];
  readonly oneOf?: readonly Schema[];
  readonly allOf?: readonly Schema[];
}

interface ResponseObject {
  readonly $ref?: string;
  readonly content?: Readonly<Record<string, { readonly schema?: Schema }>>;
}

interface OpenApiDocument {
  readonly paths: Readonly<
    Record<
      string,
      Readonly<Record<string, { readonly responses: Readonly<Record<string, ResponseObject>> }>>
    >
  >;
}

/** Checks simulator responses against GitHub's own OpenAPI description of each operation. */
export interface GitHubOpenApi {
  /** Every way `body` breaks the documented schema of (method, path, status); empty when valid. */
  validate(method: string, path: string, status: number, body: unknown): string[];
  /** Every way `value` breaks `#/components/schemas/<name>`; empty when valid. */
  validateComponent(name: string, value: unknown): string[];
}

/**
 * Reads `@octokit/openapi`'s 13 MB description by path (importing the package would load
 * ~400 MB of every GitHub flavour). Call once per test file.
 */
export function loadGitHubOpenApi(): GitHubOpenApi {
  const file = createRequire(import.meta.url).resolve(
    '@octokit/openapi/generated/api.github.com.json',
  );
  const document = JSON.parse(readFileSync(file, 'utf8')) as OpenApiDocument;

  const resolve = <T extends { readonly $ref?: string }>(node: T): T => {
    let current = node;
    while (current.$ref !== undefined) {
      const target = current.$ref
        .replace(/^#\//, '')
        .split('/')
        .reduce<unknown>((parent, key) => (parent as Record<string, unknown>)[key], document);
      current = target as T;
    }
    return current;
  };

  const check = (schemaOrRef: Schema, value: unknown, at: string): string[] => {
    const schema = resolve(schemaOrRef);
    if (value === null) {
      if (schema.nullable === true) return [];
      const branches = schema.anyOf ?? schema.oneOf;
      if (branches?.some((branch) => check(branch, null, at).length === 0)) return [];
      return [`${at}: null is not allowed`];
    }
    const errors: string[] = [];
    for (const part of schema.allOf ?? []) errors.push(...check(part, value, at));
    if (schema.anyOf && !schema.anyOf.some((branch) => check(branch, value, at).length === 0)) {
      errors.push(`${at}: matches none of anyOf`);
    }
    if (schema.oneOf) {
      const matching = schema.oneOf.filter(
        (branch) => check(branch, value, at).length === 0,
      ).length;
      if (matching !== 1) errors.push(`${at}: matches ${matching} of oneOf, not exactly 1`);
    }
    if (schema.enum && !schema.enum.includes(value)) {
      errors.push(`${at}: ${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`);
    }
    const type = schema.type ?? (schema.properties ? 'object' : undefined);
    switch (type) {
      case 'string':
        if (typeof value !== 'string') return [...errors, `${at}: expected a string`];
        if (
          schema.format === 'date-time' &&
          !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(value)
        ) {
          errors.push(`${at}: ${value} is not a date-time`);
        }
        if (schema.format === 'uri' && !URL.canParse(value))
          errors.push(`${at}: ${value} is not a URI`);
        return errors;
      case 'integer':
        return Number.isInteger(value) ? errors : [...errors, `${at}: expected an integer`];
      case 'number':
        return typeof value === 'number' ? errors : [...errors, `${at}: expected a number`];
      case 'boolean':
        return typeof value === 'boolean' ? errors : [...errors, `${at}: expected a boolean`];
      case 'array':
        if (!Array.isArray(value)) return [...errors, `${at}: expected an array`];
        if (schema.items) {
          const items = schema.items;
          value.forEach((item, index) => errors.push(...check(items, item, `${at}[${index}]`)));
        }
        return errors;
      case 'object': {
        if (typeof value !== 'object' || Array.isArray(value))
          return [...errors, `${at}: expected an object`];
        const record = value as Record<string, unknown>;
        for (const key of schema.required ?? []) {
          if (record[key] === undefined) errors.push(`${at}.${key}: required`);
        }
        for (const [key, field] of Object.entries(record)) {
          const property = schema.properties?.[key];
          if (property) errors.push(...check(property, field, `${at}.${key}`));
          else if (schema.additionalProperties === false) errors.push(`${at}.${key}: not allowed`);
          else if (typeof schema.additionalProperties === 'object') {
            errors.push(...check(schema.additionalProperties, field, `${at}.${key}`));
          }
        }
        return errors;
      }
      case undefined:
      default:
        return errors;
    }
  };

  return {
    validate(method, path, status, body) {
      const operation = document.paths[path]?.[method.toLowerCase()];
      if (!operation) return [`no operation ${method} ${path} in GitHub's description`];
      const response = operation.responses[String(status)];
      if (!response) return [`${method} ${path} documents no ${status} response`];
      const schema = resolve(response).content?.['application/json']?.schema;
      if (!schema)
        return body === undefined ? [] : [`${method} ${path} ${status} documents no JSON body`];
      return check(schema, body, '$');
    },
    validateComponent: (name, value) => check({ $ref: `#/components/schemas/${name}` }, value, '$'),
  };
}
