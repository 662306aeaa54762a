/**
 * VIEWER_CACHE_MS: the viewer behind a token is served from a per-process cache, aged on the app's
 * clock. Rows are changed with SQL directly (behind the service's back, as another instance would)
 * to see when a request looks its user up again.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UnauthenticatedError } from '../../../src/platform/errors.js';
import type { Viewer } from '../../../src/platform/auth/viewer.js';
import { users, type Role } from '../../../src/platform/db/schema.js';
import { ViewerCache } from '../../../src/users/viewer-cache.js';
import { SECOND, testClock } from '../../support/clock.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { createCustomer } from '../../support/customers.js';

const ME = `{ me { displayName roles } }`;
const USERS = `{ users(first: 1) { totalCount } }`;
const UPDATE = `mutation($id: ID!, $i: UpdateUserInput!) { updateUser(id: $id, input: $i) { id } }`;

/** Changes a user's row without the service (so no cache entry is dropped). */
async function setBehindTheBack(app: TestApp, username: string, change: { roles?: Role[]; active?: boolean }): Promise<void> {
  await app.database.db.update(users).set(change).where(eq(users.username, username));
}

/** The viewer's roles as authorisation sees them: `users` is for ADMIN and MANAGER only. */
async function mayListUsers(app: TestApp, token: string): Promise<boolean> {
  const result = await app.execute(USERS, {}, { token });
  if (result.errors?.[0]?.extensions?.code === 'FORBIDDEN') return false;
  expect(result.errors).toBeUndefined();
  return true;
}

describe('viewer cache', () => {
  describe('on (VIEWER_CACHE_MS=5000)', () => {
    let app: TestApp;
    beforeAll(async () => {
      app = await startTestApp({ viewerCacheMs: 5 * SECOND });
    });
    afterAll(async () => app?.close());

    it('should serve the cached viewer until the TTL passes on the app clock, then look the user up again', async () => {
      const token = await app.login('sales1');
      expect(await mayListUsers(app, token)).toBe(false);
      await setBehindTheBack(app, 'sales1', { roles: ['MANAGER'] });
      // A second request with the same token does not look the user up: it still acts as SALES.
      expect(await mayListUsers(app, token)).toBe(false);
      app.clock.advance(5 * SECOND - 1);
      expect(await mayListUsers(app, token)).toBe(false);
      app.clock.advance(1);
      expect(await mayListUsers(app, token)).toBe(true);
    });

    it('should let a user deactivated elsewhere in until the TTL passes, and never cache the refusal', async () => {
      const token = await app.login('sales2');
      await app.ok(ME, {}, token);
      await setBehindTheBack(app, 'sales2', { active: false });
      await app.ok(ME, {}, token);
      app.clock.advance(5 * SECOND);
      expect((await app.fails(ME, {}, token)).extensions?.code).toBe('UNAUTHENTICATED');
      await setBehindTheBack(app, 'sales2', { active: true });
      await app.ok(ME, {}, token);
    });

    it('should apply a change made through updateUser on this instance at once', async () => {
      const admin = await app.login('admin');
      const token = await app.login('sales3');
      expect((await app.ok(ME, {}, token)).me.roles).toEqual(['SALES']);
      const { id } = (await app.ok(`{ me { id } }`, {}, token)).me;
      // A role added keeps the token (issue 15: only a role taken away revokes it).
      await app.ok(UPDATE, { id, i: { roles: ['SALES', 'AUDITOR'] } }, admin);
      expect((await app.ok(ME, {}, token)).me.roles).toEqual(['SALES', 'AUDITOR']);
      await app.ok(UPDATE, { id, i: { active: false } }, admin);
      expect((await app.fails(ME, {}, token)).extensions?.code).toBe('UNAUTHENTICATED');
    });

    // Issue 14: a list's custodians and authors are user cards, kept like viewers.
    it('should serve users’ cards on lists from the cache: a name changed elsewhere after the TTL, through updateUser at once', async () => {
      const manager = await app.login('manager1');
      const admin = await app.login('admin');
      const LIST = `{ customers(first: 50) { edges { node { custodian { id displayName } } } } }`;
      type Card = { id: string; displayName: string };
      const custodians = async (): Promise<Card[]> =>
        ((await app.ok(LIST, {}, manager)) as { customers: { edges: { node: { custodian: Card | null } }[] } }).customers.edges.flatMap((e) =>
          e.node.custodian ? [e.node.custodian] : [],
        );
      const nameOf = async (id: string) => (await custodians()).find((c) => c.id === id)?.displayName;
      await createCustomer(app, 'sales1');
      const [someone] = await custodians();
      expect(someone).toBeDefined();
      const { id, displayName } = someone as Card;
      await app.database.db.update(users).set({ displayName: '别处改的名' }).where(eq(users.id, id));
      const seen: string[] = [];
      const stop = app.database.onQuery((q) => seen.push(q));
      expect(await nameOf(id)).toBe(displayName);
      stop();
      expect(seen.filter((q) => /from "users"/.test(q))).toEqual([]);
      app.clock.advance(5 * SECOND);
      expect(await nameOf(id)).toBe('别处改的名');
      await app.ok(UPDATE, { id, i: { displayName: '管理员改的名' } }, admin);
      expect(await nameOf(id)).toBe('管理员改的名');
      await app.ok(UPDATE, { id, i: { displayName } }, admin);
    });

    it('should verify the token on every request, cached viewer or not', async () => {
      const token = await app.login('auditor1');
      await app.ok(ME, {}, token);
      const [h, p] = token.split('.');
      expect((await app.fails(ME, {}, `${h}.${p}.forged`)).extensions?.code).toBe('UNAUTHENTICATED');
    });
  });

  describe('off (VIEWER_CACHE_MS=0)', () => {
    let app: TestApp;
    beforeAll(async () => {
      app = await startTestApp({ viewerCacheMs: 0 });
    });
    afterAll(async () => app?.close());

    it('should look the user up on every request', async () => {
      const token = await app.login('sales1');
      expect(await mayListUsers(app, token)).toBe(false);
      await setBehindTheBack(app, 'sales1', { roles: ['MANAGER'] });
      expect(await mayListUsers(app, token)).toBe(true);
      await setBehindTheBack(app, 'sales1', { active: false });
      expect((await app.fails(ME, {}, token)).extensions?.code).toBe('UNAUTHENTICATED');
    });
  });

  describe('ViewerCache', () => {
    const viewer = (id: string, displayName = id): Viewer => ({ id, username: id, displayName, roles: ['SALES'] });
    /** A loader that counts its calls and resolves when told. */
    function loader() {
      const calls: string[] = [];
      const load = async (id: string) => {
        calls.push(id);
        await Promise.resolve();
        return viewer(id, `${id}#${calls.length}`);
      };
      return { calls, load };
    }

    it('should share one lookup between concurrent requests for the same id', async () => {
      const { calls, load } = loader();
      const cache = new ViewerCache({ ttlMs: 1000, clock: testClock() });
      const [a, b] = await Promise.all([cache.get('u1', load), cache.get('u1', load)]);
      expect(calls).toEqual(['u1']);
      expect(a).toBe(b);
      expect(await cache.get('u1', load)).toBe(a);
    });

    it('should keep at most maxEntries, dropping the oldest', async () => {
      const { calls, load } = loader();
      const cache = new ViewerCache({ ttlMs: 1000, clock: testClock(), maxEntries: 2 });
      for (const id of ['a', 'b', 'c']) await cache.get(id, load);
      expect(cache.size).toBe(2);
      await cache.get('c', load);
      await cache.get('b', load);
      expect(calls).toEqual(['a', 'b', 'c']);
      await cache.get('a', load);
      expect(calls).toEqual(['a', 'b', 'c', 'a']);
    });

    it('should not cache a failed lookup, nor a lookup that was under way when the id was dropped', async () => {
      const cache = new ViewerCache({ ttlMs: 1000, clock: testClock() });
      await expect(cache.get('gone', () => Promise.reject(new UnauthenticatedError('This account is not active')))).rejects.toThrow(/not active/);
      expect(cache.size).toBe(0);
      const { calls, load } = loader();
      const stale = cache.get('u1', load);
      cache.drop('u1');
      await stale;
      expect(cache.size).toBe(0);
      await cache.get('u1', load);
      expect(calls).toEqual(['u1', 'u1']);
    });

    it('should treat an entry as stale when the clock went back', async () => {
      const clock = testClock();
      const { calls, load } = loader();
      const cache = new ViewerCache({ ttlMs: 1000, clock });
      await cache.get('u1', load);
      clock.advance(-1);
      await cache.get('u1', load);
      expect(calls).toEqual(['u1', 'u1']);
    });
  });
});
