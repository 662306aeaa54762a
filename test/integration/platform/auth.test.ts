import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOUR } from '../../support/clock.js';
import { startTestApp, TEST_JWT_SECRET, type TestApp } from '../../support/app.js';

const LOGIN = `mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token expiresAt user { username roles } } }`;
const ME = `{ me { id username displayName roles active } }`;

describe('auth', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ jwtTtlSeconds: 3600 });
  });
  afterAll(async () => app?.close());

  describe('login', () => {
    it('should return a token and the user for the right password', async () => {
      const data = await app.ok(LOGIN, { u: 'sales1', p: 'demo' });
      expect(data.login.user).toEqual({ username: 'sales1', roles: ['SALES'] });
      const me = await app.ok(ME, {}, data.login.token);
      expect(me.me.username).toBe('sales1');
    });

    it('should accept the username in any case', async () => {
      const data = await app.ok(LOGIN, { u: 'Sales1', p: 'demo' });
      expect(data.login.user.username).toBe('sales1');
    });

    it('should give the same UNAUTHENTICATED error for a wrong password and an unknown user', async () => {
      const wrong = await app.fails(LOGIN, { u: 'sales1', p: 'nope' });
      const unknown = await app.fails(LOGIN, { u: 'nobody', p: 'demo' });
      expect(wrong.extensions?.code).toBe('UNAUTHENTICATED');
      expect(unknown.extensions?.code).toBe('UNAUTHENTICATED');
      expect(unknown.message).toBe(wrong.message);
    });

    it('should never store the password in clear', async () => {
      const rows = await app.database.rows<{ password_hash: string }>(
        app.database.db,
        (await import('drizzle-orm')).sql`select password_hash from users where username = 'sales1'`,
      );
      expect(rows[0]?.password_hash).toMatch(/^scrypt\$/);
      expect(rows[0]?.password_hash).not.toContain('demo');
    });
  });

  describe('tokens', () => {
    it('should refuse a request without a token where one is needed', async () => {
      const error = await app.fails(ME);
      expect(error.extensions?.code).toBe('UNAUTHENTICATED');
    });

    it('should refuse an expired token', async () => {
      const token = await app.login('sales2');
      app.clock.advance(2 * HOUR);
      try {
        const error = await app.fails(ME, {}, token);
        expect(error.extensions?.code).toBe('UNAUTHENTICATED');
        expect(error.message).toMatch(/expired/i);
      } finally {
        app.clock.advance(-2 * HOUR);
      }
    });

    it('should refuse a tampered token', async () => {
      const token = await app.login('sales2');
      const [h, p, s] = token.split('.');
      const payload = JSON.parse(Buffer.from(p ?? '', 'base64url').toString());
      const admin = await app.ok(`mutation { login(username: "admin", password: "demo") { user { id } } }`);
      payload.sub = admin.login.user.id;
      const forged = [h, Buffer.from(JSON.stringify(payload)).toString('base64url'), s].join('.');
      const error = await app.fails(ME, {}, forged);
      expect(error.extensions?.code).toBe('UNAUTHENTICATED');
    });

    it('should refuse a token signed with another secret or algorithm', async () => {
      const me = await app.ok(ME, {}, await app.login('sales2'));
      const other = await new SignJWT({})
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(me.me.id)
        .setIssuer('custodian-crm')
        .setExpirationTime('1h')
        .sign(new TextEncoder().encode(TEST_JWT_SECRET + 'x'));
      expect((await app.fails(ME, {}, other)).extensions?.code).toBe('UNAUTHENTICATED');
      const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify({ sub: me.me.id })).toString('base64url')}.`;
      expect((await app.fails(ME, {}, none)).extensions?.code).toBe('UNAUTHENTICATED');
    });

    it('should stop a deactivated user at once, token and login alike', async () => {
      const adminToken = await app.login('admin');
      const created = await app.ok(
        `mutation($i: CreateUserInput!) { createUser(input: $i) { id } }`,
        { i: { username: 'leaver', displayName: 'Leaver', password: 'correct horse', roles: ['SALES'] } },
        adminToken,
      );
      const token = await app.login('leaver', 'correct horse');
      expect((await app.ok(ME, {}, token)).me.username).toBe('leaver');
      await app.ok(`mutation($id: ID!) { updateUser(id: $id, input: { active: false }) { active } }`, { id: created.createUser.id }, adminToken);
      expect((await app.fails(ME, {}, token)).extensions?.code).toBe('UNAUTHENTICATED');
      expect((await app.fails(LOGIN, { u: 'leaver', p: 'correct horse' })).extensions?.code).toBe('UNAUTHENTICATED');
    });

    it('should let login work even when a stale token is sent', async () => {
      const result = await app.execute(LOGIN, { u: 'sales3', p: 'demo' }, { token: 'garbage' });
      expect(result.errors).toBeUndefined();
    });
  });
});
