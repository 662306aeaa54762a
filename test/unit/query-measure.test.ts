import { Kind, buildSchema, getIntrospectionQuery, parse, type FragmentDefinitionNode, type OperationDefinitionNode } from 'graphql';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { introspectionBudget, introspectionSizes, measureOperation } from '../../src/platform/graphql/limits.js';

const measure = (query: string, sizes = {}) => {
  const document = parse(query);
  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const def of document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments[def.name.value] = def;
  const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
  return measureOperation(operation, fragments, {}, sizes);
};

/** Issue 15 §0: the cost check is linear in the document, and introspection has a budget. */
describe('query measure', () => {
  it('should measure a 40-level fragment fan-out like the flat query it executes as', () => {
    let query = `{ me { ...F0 } }\n`;
    for (let i = 0; i < 40; i += 1) query += `fragment F${i} on User { ${`...F${i + 1} `.repeat(10)}}\n`;
    query += `fragment F40 on User { id username }`;
    expect(measure(query)).toEqual(measure(`{ me { id username } }`));
  });

  it('should count a fragment spread into two fields once for each field', () => {
    const m = measure(`{ a: me { ...U } b: me { ...U } } fragment U on User { id username }`);
    expect(m).toMatchObject({ depth: 2, cost: 6 });
  });

  it('should multiply by first through fragments, as before', () => {
    expect(measure(`{ users(first: 10) { ...C } } fragment C on UserConnection { edges { node { id } } }`).cost).toBe(1 + 10 * 3);
  });

  it('should keep the standard introspection query within half its budget and refuse nested members', () => {
    const sizes = introspectionSizes(buildSchema(readFileSync('schema/schema.graphql', 'utf8')));
    const budget = introspectionBudget(sizes);
    expect(
      measure(
        getIntrospectionQuery({ descriptions: true, specifiedByUrl: true, directiveIsRepeatable: true, schemaDescription: true, inputValueDeprecation: true }),
        sizes,
      ).introspection,
    ).toBe(budget / 2);
    expect(measure(`{ __schema { types { fields { args { type { fields { args { name } } } } } } } }`, sizes).introspection).toBeGreaterThan(budget);
    expect(measure(`{ __schema { types { name } } }`, sizes)).toMatchObject({ depth: 0, cost: 0 });
  });
});
