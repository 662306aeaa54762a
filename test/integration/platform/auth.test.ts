import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../../src/demo/seed.js';
import { createTokenService } from '../../../src/platform/auth/tokens.js';
import { UserService } from '../../../src/users/user.service.js';
import { HOUR, SECOND } from '../../support/clock.js';
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
      const data = await app.ok(LOGIN, { u: 'sales1', p: DEMO_PASSWORD });
      expect(data.login.user).toEqual({ username: 'sales1', roles: ['SALES'] });
      const me = await app.ok(ME, {}, data.login.token);
      expect(me.me.username).toBe('sales1');
    });

    it('should accept the username in any case', async () => {
      const data = await app.ok(LOGIN, { u: 'Sales1', p: DEMO_PASSWORD });
      expect(data.login.user.username).toBe('sales1');
    });

    it('should give the same UNAUTHENTICATED error for a wrong password and an unknown user', async () => {
      const wrong = await app.fails(LOGIN, { u: 'sales1', p: 'nope' });
      const unknown = await app.fails(LOGIN, { u: 'nobody', p: DEMO_PASSWORD });
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
      expect(rows[0]?.password_hash).not.toContain(DEMO_PASSWORD);
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
      const admin = await app.ok(`mutation { login(username: "admin", password: "${DEMO_PASSWORD}") { user { id } } }`);
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
      const result = await app.execute(LOGIN, { u: 'sales3', p: DEMO_PASSWORD }, { token: 'garbage' });
      expect(result.errors).toBeUndefined();
    });
  });

  // Issue 15 §2: a token must have exactly our claims' shapes; anything else is UNAUTHENTICATED (never a 500).
  describe('token claims', () => {
    const key = new TextEncoder().encode(TEST_JWT_SECRET);
    let id: string;
    beforeAll(async () => {
      id = (await app.ok(ME, {}, await app.login('sales2'))).me.id;
    });
    const now = () => Math.floor(app.clock().getTime() / 1000);
    const sign = (claims: Record<string, unknown>) => new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(key);
    const good = () => ({ iss: 'custodian-crm', sub: id, iat: now(), exp: now() + 600, gen: 0 });

    it('should accept a token of the right shape (the forgeries below differ from it in one claim)', async () => {
      expect((await app.ok(ME, {}, await sign(good()))).me.id).toBe(id);
    });

    it.each([
      ['no exp', { exp: undefined }],
      ['no iat', { iat: undefined }],
      ['no iss', { iss: undefined }],
      ['another iss', { iss: 'someone-else' }],
      ['no sub', { sub: undefined }],
      ['a sub that is not a UUID', { sub: 'admin' }],
      ['a sub that is a number', { sub: 42 }],
      ['no gen', { gen: undefined }],
      ['a gen that is not a whole number', { gen: 0.5 }],
      ['a gen that is a string', { gen: '0' }],
      ['an exp before its iat', { iat: 'later' }],
      ['a lifetime past the configured one (exp − iat > JWT_TTL)', { exp: 'far' }],
      ['a fractional exp', { exp: 'fraction' }],
    ])('should refuse a correctly signed token with %s', async (_, change) => {
      const claims: Record<string, unknown> = { ...good(), ...change };
      if (claims.iat === 'later') claims.iat = now() + 1200;
      if (claims.exp === 'far') claims.exp = now() + 3600 + 1;
      if (claims.exp === 'fraction') claims.exp = now() + 600.5;
      for (const [k, v] of Object.entries(claims)) if (v === undefined) delete claims[k];
      const result = await app.execute(ME, {}, { token: await sign(claims) });
      expect(result.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    });
  });

  // Issue 15 §2: tokens carry the user's token generation, checked on every request.
  describe('revocation', () => {
    const UPDATE = `mutation($id: ID!, $i: UpdateUserInput!) { updateUser(id: $id, input: $i) { id } }`;
    const SIGN_OUT = `mutation($id: ID) { signOutEverywhere(userId: $id) }`;
    let admin: string;
    let n = 0;
    const newUser = async (roles = ['SALES']) => {
      const username = `revoked${++n}`;
      const { createUser } = await app.ok(
        `mutation($i: CreateUserInput!) { createUser(input: $i) { id } }`,
        { i: { username, displayName: username, password: 'first-password-1', roles } },
        admin,
      );
      return { id: createUser.id as string, username };
    };
    beforeAll(async () => {
      admin = await app.login('admin');
    });

    it('should revoke every token at once when the password changes, and take the new password', async () => {
      const user = await newUser();
      const [a, b] = [await app.login(user.username, 'first-password-1'), await app.login(user.username, 'first-password-1')];
      await app.ok(UPDATE, { id: user.id, i: { password: 'second-password-2' } }, admin);
      for (const token of [a, b]) expect((await app.fails(ME, {}, token)).message).toMatch(/revoked/);
      await expect(app.login(user.username, 'first-password-1')).rejects.toThrow(/Wrong username or password/);
      expect((await app.ok(ME, {}, await app.login(user.username, 'second-password-2'))).me.username).toBe(user.username);
    });

    it('should keep a deactivated user’s tokens dead after re-activation', async () => {
      const user = await newUser();
      const token = await app.login(user.username, 'first-password-1');
      await app.ok(UPDATE, { id: user.id, i: { active: false } }, admin);
      await app.ok(UPDATE, { id: user.id, i: { active: true } }, admin);
      expect((await app.fails(ME, {}, token)).extensions?.code).toBe('UNAUTHENTICATED');
      await app.ok(ME, {}, await app.login(user.username, 'first-password-1'));
    });

    it('should revoke tokens when a role is taken away, not when one is added or the name changes', async () => {
      const user = await newUser(['SALES']);
      const token = await app.login(user.username, 'first-password-1');
      await app.ok(UPDATE, { id: user.id, i: { roles: ['SALES', 'AUDITOR'], displayName: 'Renamed' } }, admin);
      expect((await app.ok(ME, {}, token)).me.roles).toEqual(['SALES', 'AUDITOR']);
      await app.ok(UPDATE, { id: user.id, i: { roles: ['AUDITOR'] } }, admin);
      expect((await app.fails(ME, {}, token)).extensions?.code).toBe('UNAUTHENTICATED');
    });

    it('should sign a user out everywhere: themselves, or anyone for an ADMIN only', async () => {
      const user = await newUser();
      const [a, b] = [await app.login(user.username, 'first-password-1'), await app.login(user.username, 'first-password-1')];
      expect((await app.ok(SIGN_OUT, {}, a)).signOutEverywhere).toBe(true);
      for (const token of [a, b]) expect((await app.fails(ME, {}, token)).extensions?.code).toBe('UNAUTHENTICATED');
      const c = await app.login(user.username, 'first-password-1');
      const other = await app.login('sales3');
      expect((await app.fails(SIGN_OUT, { id: user.id }, other)).extensions?.code).toBe('FORBIDDEN');
      await app.ok(ME, {}, c);
      await app.ok(SIGN_OUT, { id: user.id }, admin);
      expect((await app.fails(ME, {}, c)).extensions?.code).toBe('UNAUTHENTICATED');
      expect((await app.fails(SIGN_OUT, { id: '00000000-0000-4000-8000-000000000000' }, admin)).extensions?.code).toBe('NOT_FOUND');
      expect((await app.fails(SIGN_OUT, {})).extensions?.code).toBe('UNAUTHENTICATED');
    });

    it('should revoke on another API process within VIEWER_CACHE_MS, and at once there with the cache off', async () => {
      // Another process: its own token verifier, viewer cache and throttle over the same database.
      const cacheMs = 5 * SECOND;
      const elsewhere = new UserService(app.database, createTokenService(TEST_JWT_SECRET, 3600, app.clock), app.clock, cacheMs);
      const uncached = new UserService(app.database, createTokenService(TEST_JWT_SECRET, 3600, app.clock), app.clock, 0);
      const user = await newUser();
      const token = await app.login(user.username, 'first-password-1');
      expect((await elsewhere.viewerForToken(token)).username).toBe(user.username);
      await app.ok(SIGN_OUT, { id: user.id }, admin);
      await expect(uncached.viewerForToken(token)).rejects.toThrow(/revoked/);
      expect((await elsewhere.viewerForToken(token)).username).toBe(user.username);
      app.clock.advance(cacheMs);
      await expect(elsewhere.viewerForToken(token)).rejects.toThrow(/revoked/);
      // A token signed after a change is taken there at once, though the cached generation is older.
      await app.ok(SIGN_OUT, { id: user.id }, admin);
      expect((await elsewhere.viewerForToken(await app.login(user.username, 'first-password-1'))).username).toBe(user.username);
    });
  });
});
