import { GraphQLObjectType } from 'graphql';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildSchema, printSdl } from '../../src/schema.js';

describe('schema/schema.graphql', () => {
  it('should match the schema the code builds (run `npm run schema` after changing the API)', async () => {
    const committed = readFileSync(new URL('../../schema/schema.graphql', import.meta.url), 'utf8');
    expect(printSdl(await buildSchema())).toBe(committed);
  });
});

/** Issue 14: field resolvers that need nothing of type-graphql's wrapper are called directly; the others keep it. */
describe('direct field resolvers', () => {
  it('should call plain field resolvers directly and leave middleware, role and query fields to type-graphql', async () => {
    const schema = await buildSchema();
    const resolverOf = (type: string, field: string) => (schema.getType(type) as GraphQLObjectType).getFields()[field]?.resolve;
    for (const [type, field] of [
      ['Customer', 'stage'],
      ['Customer', 'custodian'],
      ['Customer', 'contacts'],
      ['FollowUp', 'author'],
    ] as const) {
      expect(resolverOf(type, field)?.name, `${type}.${field}`).toBe('directFieldResolver');
    }
    // P8's DetailsOnly middleware and @Authorized queries run through type-graphql's wrapper.
    expect(resolverOf('Customer', 'industry')?.name).not.toBe('directFieldResolver');
    expect(resolverOf('Query', 'customers')?.name).not.toBe('directFieldResolver');
    expect(resolverOf('Query', 'me')?.name).not.toBe('directFieldResolver');
  });
});
