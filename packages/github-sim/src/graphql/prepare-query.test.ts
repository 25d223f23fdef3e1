import { describe, expect, it } from 'vitest';

import { createGitHubSchema } from './github-schema.js';
import { prepareQuery, type Preparation } from './prepare-query.js';

const schema = createGitHubSchema().get();

function prepare(
  query: string,
  variables: Record<string, unknown> = {},
  operationName?: string,
): Preparation {
  return prepareQuery(schema, { query, variables, operationName });
}

describe('prepareQuery', () => {
  it('prices a valid query and coerces its variables', () => {
    const prepared = prepare(
      'query($n: Int = 30) { organization(login: "acme") { repositories(first: $n) { nodes { name } } } }',
    );
    expect(prepared.ok && prepared.query.variables).toEqual({ n: 30 });
    expect(prepared.ok && prepared.query.cost).toEqual({ requests: 1, cost: 1, nodeCount: 30 });
    expect(prepared.ok && [prepared.query.dryRun, prepared.query.isMutation]).toEqual([
      false,
      false,
    ]);
  });

  it('answers a syntax error as GitHub does, with its location', () => {
    expect(prepare('{ rateLimit { cost }')).toEqual({
      ok: false,
      errors: [
        {
          message: 'Syntax Error: Expected Name, found <EOF>.',
          locations: [{ line: 1, column: 21 }],
        },
      ],
    });
  });

  it('refuses missing or wrongly typed variables', () => {
    expect(prepare('query($org: String!) { organization(login: $org) { login } }')).toEqual({
      ok: false,
      errors: [
        {
          message: 'Variable "$org" of required type "String!" was not provided.',
          locations: [{ line: 1, column: 7 }],
        },
      ],
    });
  });

  it('picks the operation by name, and asks for one when the document has several', () => {
    const document = 'query A { rateLimit { cost } } query B { rateLimit { limit } }';
    expect(prepare(document, {}, 'B').ok).toBe(true);
    expect(prepare(document)).toEqual({
      ok: false,
      errors: [
        { message: 'An operation name is required when the document holds several operations.' },
      ],
    });
    expect(prepare(document, {}, 'C')).toEqual({
      ok: false,
      errors: [{ message: 'Unknown operation named "C".' }],
    });
  });

  it('names every field and argument the simulator does not implement', () => {
    expect(
      prepare(`{ organization(login: "acme") {
        repositories(first: 5, isFork: false) { nodes { name stargazerCount } } } }`),
    ).toEqual({
      ok: false,
      errors: [
        {
          type: 'SIMULATOR_UNIMPLEMENTED',
          message:
            'The GitHub simulator does not implement the argument isFork of Organization.repositories.',
          locations: [{ line: 2, column: 32 }],
          extensions: {
            typeName: 'Organization',
            fieldName: 'repositories',
            argumentName: 'isFork',
          },
        },
        {
          type: 'SIMULATOR_UNIMPLEMENTED',
          message: 'The GitHub simulator does not implement the field Repository.stargazerCount.',
          locations: [{ line: 2, column: 62 }],
          extensions: { typeName: 'Repository', fieldName: 'stargazerCount' },
        },
      ],
    });
  });

  it('refuses mutations by name: the simulator implements none', () => {
    const prepared = prepare(
      'mutation { addStar(input: { starrableId: "x" }) { clientMutationId } }',
    );
    expect(prepared.ok).toBe(false);
    expect(!prepared.ok && prepared.errors[0]?.message).toBe(
      'The GitHub simulator does not implement the field Mutation.addStar.',
    );
  });

  it('reads an interface field through the concrete type the simulator answers', () => {
    expect(
      prepare(
        '{ repository(owner: "acme", name: "x") { defaultBranchRef { target { oid ... on Commit { committedDate } } } } }',
      ).ok,
    ).toBe(true);
  });

  it('sees a dry run, also through a variable', () => {
    const query = 'query($dry: Boolean!) { rateLimit(dryRun: $dry) { cost } }';
    const dry = prepare(query, { dry: true });
    const wet = prepare(query, { dry: false });
    expect(dry.ok && dry.query.dryRun).toBe(true);
    expect(wet.ok && wet.query.dryRun).toBe(false);
    const literal = prepare('{ rateLimit(dryRun: true) { cost } }');
    expect(literal.ok && literal.query.dryRun).toBe(true);
  });
});
