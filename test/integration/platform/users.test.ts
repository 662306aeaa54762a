import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../support/app.js';

const CREATE = `mutation($i: CreateUserInput!) { createUser(input: $i) { id username displayName roles active } }`;
const UPDATE = `mutation($id: ID!, $i: UpdateUserInput!) { updateUser(id: $id, input: $i) { id displayName roles active } }`;
const USERS = `query($first: Int, $after: String) { users(first: $first, after: $after) { totalCount edges { cursor node { username } } pageInfo { hasNextPage endCursor } } }`;

describe('users (ADMIN)', () => {
  let app: TestApp;
  let admin: string;
  let sales: string;
  beforeAll(async () => {
    app = await startTestApp();
    admin = await app.login('admin');
    sales = await app.login('sales1');
  });
  afterAll(async () => app?.close());

  describe('successful', () => {
    it('should create a user with several roles who can then sign in', async () => {
      const data = await app.ok(CREATE, { i: { username: 'Lead.One', displayName: '组长', password: 'password-1', roles: ['SALES', 'MANAGER'] } }, admin);
      expect(data.createUser).toMatchObject({ username: 'lead.one', roles: ['SALES', 'MANAGER'], active: true });
      const token = await app.login('lead.one', 'password-1');
      expect((await app.ok(`{ me { roles } }`, {}, token)).me.roles).toEqual(['SALES', 'MANAGER']);
    });

    it('should update display name and roles, effective on the next request', async () => {
      const created = await app.ok(CREATE, { i: { username: 'mover', displayName: 'M', password: 'password-2', roles: ['SALES'] } }, admin);
      const token = await app.login('mover', 'password-2');
      await app.ok(UPDATE, { id: created.createUser.id, i: { displayName: 'Mover', roles: ['SALES', 'AUDITOR'] } }, admin);
      expect((await app.ok(`{ me { displayName roles } }`, {}, token)).me).toEqual({ displayName: 'Mover', roles: ['SALES', 'AUDITOR'] });
    });

    it('should page through users with cursors', async () => {
      const first = await app.ok(USERS, { first: 3 }, admin);
      expect(first.users.edges).toHaveLength(3);
      expect(first.users.pageInfo.hasNextPage).toBe(true);
      const total = first.users.totalCount;
      const seen = first.users.edges.map((e: { node: { username: string } }) => e.node.username);
      let after = first.users.pageInfo.endCursor;
      for (;;) {
        const next = await app.ok(USERS, { first: 3, after }, admin);
        seen.push(...next.users.edges.map((e: { node: { username: string } }) => e.node.username));
        if (!next.users.pageInfo.hasNextPage) break;
        after = next.users.pageInfo.endCursor;
      }
      expect(seen).toHaveLength(total);
      expect(new Set(seen).size).toBe(total);
    });
  });

  describe('failing', () => {
    it('should refuse createUser, updateUser and users to a SALES user with FORBIDDEN', async () => {
      const c = await app.fails(CREATE, { i: { username: 'x-user', displayName: 'X', password: 'password-3', roles: ['SALES'] } }, sales);
      expect(c.extensions?.code).toBe('FORBIDDEN');
      const me = await app.ok(`{ me { id } }`, {}, sales);
      const u = await app.fails(UPDATE, { id: me.me.id, i: { roles: ['ADMIN'] } }, sales);
      expect(u.extensions?.code).toBe('FORBIDDEN');
      expect((await app.fails(USERS, {}, sales)).extensions?.code).toBe('FORBIDDEN');
      expect((await app.ok(`{ me { roles } }`, {}, sales)).me.roles).toEqual(['SALES']);
    });

    it('should refuse anonymous admin calls with UNAUTHENTICATED', async () => {
      const e = await app.fails(CREATE, { i: { username: 'anon', displayName: 'A', password: 'password-4', roles: ['SALES'] } });
      expect(e.extensions?.code).toBe('UNAUTHENTICATED');
    });

    it('should report every bad field at once and create nothing', async () => {
      const e = await app.fails(CREATE, { i: { username: 'A', displayName: ' ', password: 'short', roles: [] } }, admin);
      expect(e.extensions?.code).toBe('BAD_USER_INPUT');
      expect(Object.keys(e.extensions?.fields as object).sort()).toEqual(['input.displayName', 'input.password', 'input.roles', 'input.username']);
      const all = await app.ok(`{ users(first: 100) { edges { node { username } } } }`, {}, admin);
      expect(all.users.edges.map((x: { node: { username: string } }) => x.node.username)).not.toContain('a');
    });

    // Issue 15 §2: 10–256 characters, no control characters, not in the shipped list of common passwords.
    it('should refuse weak, over-long and control-character passwords, on createUser and updateUser alike', async () => {
      const me = await app.ok(`{ me { id } }`, {}, sales);
      const refusals: [string, RegExp][] = [
        ['nine-char', /at least 10 characters/],
        ['x'.repeat(257), /at most 256 characters/],
        ['ten-chars\u0007!', /control characters/],
        ['Password123', /too common/],
        ['1q2w3e4r5t', /too common/],
      ];
      for (const [password, message] of refusals) {
        const c = await app.fails(CREATE, { i: { username: 'weak-user', displayName: 'W', password, roles: ['SALES'] } }, admin);
        expect(c.extensions?.code).toBe('BAD_USER_INPUT');
        expect((c.extensions?.fields as Record<string, string>)['input.password']).toMatch(message);
        const u = await app.fails(UPDATE, { id: me.me.id, i: { password } }, admin);
        expect((u.extensions?.fields as Record<string, string>)['input.password']).toMatch(message);
      }
      await app.ok(CREATE, { i: { username: 'strong-user', displayName: 'S', password: 'x'.repeat(256), roles: ['SALES'] } }, admin);
      expect(await app.login('strong-user', 'x'.repeat(256))).toBeTruthy();
    });

    it('should refuse a taken username with DUPLICATE', async () => {
      const e = await app.fails(CREATE, { i: { username: 'SALES1', displayName: 'Dup', password: 'password-5', roles: ['SALES'] } }, admin);
      expect(e.extensions?.code).toBe('DUPLICATE');
    });

    it('should refuse an unknown role as bad input before anything runs', async () => {
      const e = await app.fails(CREATE, { i: { username: 'r-user', displayName: 'R', password: 'password-6', roles: ['KING'] } }, admin);
      expect(e.extensions?.code).toBe('BAD_USER_INPUT');
    });

    it('should not let an admin lock themselves out', async () => {
      const me = await app.ok(`{ me { id } }`, {}, admin);
      const e = await app.fails(UPDATE, { id: me.me.id, i: { active: false } }, admin);
      expect(e.extensions?.fields).toHaveProperty(['input.active']);
    });

    it('should answer NOT_FOUND for an unknown user id', async () => {
      const e = await app.fails(UPDATE, { id: '00000000-0000-4000-8000-000000000000', i: { displayName: 'Z' } }, admin);
      expect(e.extensions?.code).toBe('NOT_FOUND');
    });
  });
});
