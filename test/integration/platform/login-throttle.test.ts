/**
 * Issue 15 §2: sign-in is throttled per username and per client address, with the counters in the
 * database (so API processes share them). Time moves on the app's clock, never by sleeping.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokenService } from '../../../src/platform/auth/tokens.js';
import { DEFAULT_LOGIN_THROTTLE } from '../../../src/platform/auth/throttle-policy.js';
import { UserService } from '../../../src/users/user.service.js';
import { DEMO_PASSWORD } from '../../../src/demo/seed.js';
import { MINUTE, SECOND } from '../../support/clock.js';
import { startTestApp, TEST_JWT_SECRET, type TestApp } from '../../support/app.js';

const LOGIN = `mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }`;
const LOCKOUT = DEFAULT_LOGIN_THROTTLE.lockoutMs;

describe('login throttling', () => {
  let app: TestApp;
  beforeAll(async () => {
    // Defaults per username (10 failures, 15 minutes); a small per-address limit to keep the test short.
    app = await startTestApp({ loginThrottle: { addressMaxFailures: 6 } });
  });
  afterAll(async () => app?.close());

  /** The code of a sign-in's answer (OK for a token) and its retryAfter. */
  async function attempt(username: string, password: string, clientAddress?: string): Promise<{ code: string; retryAfter?: unknown; message?: string }> {
    const result = await app.execute(LOGIN, { u: username, p: password }, { clientAddress });
    const error = result.errors?.[0];
    if (!error) return { code: 'OK' };
    return { code: String(error.extensions?.code), retryAfter: error.extensions?.retryAfter, message: error.message };
  }

  it('should answer 5 failures, then make each next attempt wait 1, 2, 4, 8, 16 s, then lock the name for 15 minutes', async () => {
    for (let i = 0; i < 5; i++) expect((await attempt('sales1', 'wrong-password')).code).toBe('UNAUTHENTICATED');
    for (const wait of [1, 2, 4, 8, 16]) {
      expect(await attempt('sales1', 'wrong-password')).toMatchObject({ code: 'TOO_MANY_ATTEMPTS', retryAfter: wait });
      app.clock.advance(wait * SECOND - 1);
      expect(await attempt('sales1', DEMO_PASSWORD)).toMatchObject({ code: 'TOO_MANY_ATTEMPTS', retryAfter: 1 });
      app.clock.advance(1);
      expect((await attempt('sales1', 'wrong-password')).code).toBe('UNAUTHENTICATED');
    }
    // The 10th failure locked the name: the right password is not even checked.
    expect(await attempt('sales1', DEMO_PASSWORD)).toMatchObject({ code: 'TOO_MANY_ATTEMPTS', retryAfter: LOCKOUT / SECOND });
    app.clock.advance(LOCKOUT);
    expect((await attempt('sales1', DEMO_PASSWORD)).code).toBe('OK');
  });

  it('should lock again for the whole period on each failure after a lockout, until the name has been quiet a period', async () => {
    for (let i = 0; i < 5; i++) await attempt('sales2', 'wrong-password');
    for (const wait of [1, 2, 4, 8, 16]) {
      app.clock.advance(wait * SECOND);
      await attempt('sales2', 'wrong-password');
    }
    app.clock.advance(LOCKOUT);
    expect((await attempt('sales2', 'wrong-password')).code).toBe('UNAUTHENTICATED');
    expect(await attempt('sales2', DEMO_PASSWORD)).toMatchObject({ code: 'TOO_MANY_ATTEMPTS', retryAfter: LOCKOUT / SECOND });
    app.clock.advance(2 * LOCKOUT);
    // Quiet for a period after the lock ended: the counter starts again (5 free failures).
    for (let i = 0; i < 5; i++) expect((await attempt('sales2', 'wrong-password')).code).toBe('UNAUTHENTICATED');
    app.clock.advance(SECOND);
    expect((await attempt('sales2', DEMO_PASSWORD)).code).toBe('OK');
  });

  it('should reset a name’s counter on a successful sign-in', async () => {
    for (let i = 0; i < 4; i++) await attempt('sales3', 'wrong-password');
    expect((await attempt('sales3', DEMO_PASSWORD)).code).toBe('OK');
    // Without the reset, these would be failures 6–9 and be made to wait.
    for (let i = 0; i < 4; i++) expect((await attempt('sales3', 'wrong-password')).code).toBe('UNAUTHENTICATED');
    expect((await attempt('sales3', DEMO_PASSWORD)).code).toBe('OK');
  });

  it('should answer an unknown name exactly as a known one, throttling included', async () => {
    const known: unknown[] = [];
    const unknown: unknown[] = [];
    for (let i = 0; i < 12; i++) {
      known.push(await attempt('auditor1', `wrong-password-${i}`));
      unknown.push(await attempt('no-such-user', `wrong-password-${i}`));
      app.clock.advance(SECOND);
    }
    expect(unknown).toEqual(known);
    expect(known.map((a) => (a as { code: string }).code)).toContain('TOO_MANY_ATTEMPTS');
    app.clock.advance(LOCKOUT);
  });

  it('should let no burst through: of 180 wrong sign-ins, 60 of them at once, only the free ones are answered, and the right password then waits', async () => {
    // The report: 180 wrong logins in 10.7 s were all answered and the right password worked right after.
    const burst = await Promise.all(Array.from({ length: 60 }, () => attempt('manager1', 'wrong-password')));
    const codes = burst.map((a) => a.code);
    for (let i = 0; i < 120; i++) codes.push((await attempt('manager1', 'wrong-password')).code);
    expect(codes.filter((c) => c === 'UNAUTHENTICATED')).toHaveLength(5);
    expect(codes.filter((c) => c === 'TOO_MANY_ATTEMPTS')).toHaveLength(175);
    expect((await attempt('manager1', DEMO_PASSWORD)).code).toBe('TOO_MANY_ATTEMPTS');
    app.clock.advance(LOCKOUT);
    expect((await attempt('manager1', DEMO_PASSWORD)).code).toBe('OK');
  });

  it('should let concurrent sign-ins with the right password all through', async () => {
    const answers = await Promise.all(Array.from({ length: 12 }, () => attempt('manager1', DEMO_PASSWORD, '192.0.2.1')));
    expect(answers.map((a) => a.code)).toEqual(Array(12).fill('OK'));
  });

  it('should throttle a client address across names, and not other addresses or names', async () => {
    const from = '203.0.113.7';
    // addressMaxFailures 6: 3 free failures from one address, whatever the names.
    for (const name of ['spray-a', 'spray-b', 'spray-c']) expect((await attempt(name, 'wrong-password', from)).code).toBe('UNAUTHENTICATED');
    expect(await attempt('spray-d', 'wrong-password', from)).toMatchObject({ code: 'TOO_MANY_ATTEMPTS', retryAfter: 1 });
    expect((await attempt('designer1', DEMO_PASSWORD, from)).code).toBe('TOO_MANY_ATTEMPTS');
    expect((await attempt('spray-d', 'wrong-password', '203.0.113.8')).code).toBe('UNAUTHENTICATED');
    expect((await attempt('designer1', DEMO_PASSWORD, '2001:db8::1')).code).toBe('OK');
    app.clock.advance(SECOND);
    // A success from the address resets its counter too.
    expect((await attempt('designer1', DEMO_PASSWORD, from)).code).toBe('OK');
    for (const name of ['spray-e', 'spray-f', 'spray-g']) expect((await attempt(name, 'wrong-password', from)).code).toBe('UNAUTHENTICATED');
    app.clock.advance(LOCKOUT);
  });

  it('should share the counters between API processes (they live in the database)', async () => {
    const other = new UserService(app.database, createTokenService(TEST_JWT_SECRET, 3600, app.clock), app.clock, 0, DEFAULT_LOGIN_THROTTLE);
    for (let i = 0; i < 5; i++) await expect(other.login('aftersales1', 'wrong-password')).rejects.toThrow(/Wrong username or password/);
    expect(await attempt('aftersales1', DEMO_PASSWORD)).toMatchObject({ code: 'TOO_MANY_ATTEMPTS', retryAfter: 1 });
    app.clock.advance(SECOND);
    expect((await attempt('aftersales1', DEMO_PASSWORD)).code).toBe('OK');
  });

  it('should refuse an over-long password with the usual answer, and count it', async () => {
    expect(await attempt('admin', 'x'.repeat(100_000))).toMatchObject({ code: 'UNAUTHENTICATED', message: 'Wrong username or password' });
    expect((await attempt('admin', DEMO_PASSWORD)).code).toBe('OK');
  });

  it('should prune counters that no longer count', async () => {
    const stale = new Date(app.clock().getTime() - 2 * LOCKOUT - MINUTE).toISOString();
    await app.database.rows(app.database.db, sql`insert into login_attempts values ('username', 'long-gone', 3, ${stale}::timestamptz, null)`);
    // Every 100th sign-in of a process prunes (refused ones too, which cost no hashing).
    for (let i = 0; i < 100; i++) await attempt('prune-trigger', 'wrong-password');
    const rows = await app.database.rows<{ n: number }>(app.database.db, sql`select count(*)::int as n from login_attempts where key = 'long-gone'`);
    expect(rows[0]?.n).toBe(0);
  });

  it('should count sign-ins over HTTP by the socket’s address, ignoring X-Forwarded-For unless TRUST_PROXY', async () => {
    const url = await app.listen(0);
    const post = async (username: string, forwardedFor: string) => {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': forwardedFor },
        body: JSON.stringify({ query: LOGIN, variables: { u: username, p: 'wrong-password' } }),
      });
      return ((await res.json()) as { errors: { extensions: { code: string } }[] }).errors[0]?.extensions.code;
    };
    for (const [i, name] of ['http-a', 'http-b', 'http-c'].entries()) expect(await post(name, `198.51.100.${i}`)).toBe('UNAUTHENTICATED');
    expect(await post('http-d', '198.51.100.99')).toBe('TOO_MANY_ATTEMPTS');
  });
});
