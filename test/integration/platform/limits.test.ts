import { getIntrospectionQuery } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../support/app.js';

/** Limits are checked before execution: a refused mutation changes nothing. */
describe('request limits', () => {
  let app: TestApp;
  let admin: string;
  const createUser = (name: string) =>
    `mutation { createUser(input: { username: "${name}", displayName: "X", password: "password-9", roles: [SALES] }) { id } }`;
  const exists = async (name: string) => {
    const data = await app.ok(`{ users(first: 50) { edges { node { username } } } }`, {}, admin);
    return data.users.edges.some((e: { node: { username: string } }) => e.node.username === name);
  };

  beforeAll(async () => {
    app = await startTestApp({ limits: { maxDepth: 4, maxCost: 300 } });
    admin = await app.login('admin');
  });
  afterAll(async () => app?.close());

  describe('depth', () => {
    it('should accept a query exactly at the depth limit and refuse one level deeper', async () => {
      await app.ok(`{ users { edges { node { id } } } }`, {}, admin);
      const shallow = await startTestApp({ limits: { maxDepth: 3, maxCost: 300 } });
      try {
        const e = await shallow.fails(`{ users { edges { node { id } } } }`, {}, await shallow.login('admin'));
        expect(e.extensions).toMatchObject({ code: 'BAD_USER_INPUT', limit: 'depth', depth: 4, maxDepth: 3 });
        expect(e.message).toMatch(/depth 4 exceeds the limit of 3/);
      } finally {
        await shallow.close();
      }
    });

    it('should count depth through fragments and refuse before a mutation runs', async () => {
      const query = `mutation { createUser(input: { username: "deep1", displayName: "X", password: "password-9", roles: [SALES] }) { ...U } }
        fragment U on User { id }`;
      expect((await app.execute(query, {}, { token: admin })).errors).toBeUndefined();
      const tooDeep = await startTestApp({ limits: { maxDepth: 1, maxCost: 300 } });
      try {
        const t = await tooDeep.login('admin');
        const e = await tooDeep.fails(query.replace('deep1', 'deep2'), {}, t);
        expect(e.extensions?.code).toBe('BAD_USER_INPUT');
        expect(e.extensions).toMatchObject({ limit: 'depth', depth: 2, maxDepth: 1 });
        expect(e.extensions?.fields).toHaveProperty('query');
        const users = await tooDeep.services.users.list({ id: 'x', username: 'admin', displayName: 'A', roles: ['ADMIN'] }, { first: 100 });
        expect(users.nodes.map((u) => u.username)).not.toContain('deep2');
      } finally {
        await tooDeep.close();
      }
    });

    it('should leave introspection free so tools can read the schema', async () => {
      const result = await app.execute(getIntrospectionQuery(), {}, {});
      expect(result.errors).toBeUndefined();
      expect(result.data).toHaveProperty('__schema');
    });
  });

  describe('page size', () => {
    it('should refuse first above 100, literal or variable, naming the field', async () => {
      const literal = await app.fails(`{ users(first: 101) { totalCount } }`, {}, admin);
      expect(literal.extensions?.code).toBe('BAD_USER_INPUT');
      expect(literal.extensions?.fields).toEqual({ 'users.first': 'must be from 0 to 100 (got 101)' });
      const variable = await app.fails(`query($n: Int) { users(first: $n) { totalCount } }`, { n: 500 }, admin);
      expect(variable.extensions?.fields).toHaveProperty(['users.first']);
    });

    it('should accept first of exactly 100', async () => {
      await app.ok(`{ users(first: 100) { totalCount } }`, {}, admin);
    });
  });

  describe('cost', () => {
    it('should refuse a query over the cost budget before it executes', async () => {
      // 100 × (edges + node + 2 fields) > 300
      const e = await app.fails(`{ users(first: 100) { edges { node { id username } } } }`, {}, admin);
      expect(e.extensions).toMatchObject({ code: 'BAD_USER_INPUT', limit: 'cost', maxCost: 300 });
      await app.ok(`{ users(first: 10) { edges { node { id username } } } }`, {}, admin);
    });

    it('should refuse a mutation over budget and change nothing', async () => {
      const cheap = await startTestApp({ limits: { maxDepth: 10, maxCost: 1 } });
      try {
        const t = await cheap.login('admin');
        const e = await cheap.fails(createUser('costly'), {}, t);
        expect(e.extensions).toMatchObject({ code: 'BAD_USER_INPUT', limit: 'cost' });
        const rows = await cheap.services.users.list({ id: 'x', username: 'admin', displayName: 'A', roles: ['ADMIN'] }, { first: 100 });
        expect(rows.nodes.map((u) => u.username)).not.toContain('costly');
      } finally {
        await cheap.close();
      }
    });
  });

  describe('malformed requests', () => {
    it('should map syntax and validation errors to BAD_USER_INPUT', async () => {
      expect((await app.fails(`{ users(first: ) }`, {}, admin)).extensions?.code).toBe('BAD_USER_INPUT');
      expect((await app.fails(`{ nosuchfield }`, {}, admin)).extensions?.code).toBe('BAD_USER_INPUT');
      expect((await app.fails(`query($n: Int) { users(first: $n) { totalCount } }`, { n: 'many' }, admin)).extensions?.code).toBe('BAD_USER_INPUT');
      expect(await exists('nosuch')).toBe(false);
    });
  });
});
