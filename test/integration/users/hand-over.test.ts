/**
 * T7 (issue 17 point 7): when a user leaves, an ADMIN deactivates them and hands over, in one
 * transaction, all their customers, pending applications and unconfirmed contracts — to a
 * successor, or (customers only) to a pool. Each item gets a history row with the reason; one
 * refusal and nothing changes.
 */
import { sql, type SQL } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD as PASSWORD } from '../../../src/demo/seed.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { createCustomer, intentCustomer, pendingApplication, protectedCustomer } from '../../support/customers.js';

const REASON = '员工离职，客户统一移交';
const CREATE_USER = `mutation($i: CreateUserInput!) { createUser(input: $i) { id } }`;
const DEACTIVATE = `mutation($id: ID!, $to: HandOverInput!, $reason: String!) {
  deactivateUser(id: $id, handOverTo: $to, reason: $reason) { user { id username active } customers applications contracts } }`;
const CREATE_POOL = `mutation($i: PoolInput!) { createPool(input: $i) { id } }`;
const ME = `{ me { id } }`;

describe('hand-over on departure (T7)', () => {
  let app: TestApp;
  let admin: string;
  const ids: Record<string, string> = {};

  const userId = async (username: string) =>
    (await app.services.users.list(await app.services.users.viewerForToken(admin), { first: 100 })).nodes.find((u) => u.username === username)?.id ?? '';
  /** A fresh salesperson who will leave (the demo password: the customer helpers sign in with it). */
  const leaver = async (username: string) => {
    const { createUser } = await app.ok(CREATE_USER, { i: { username, displayName: username, password: PASSWORD, roles: ['SALES'] } }, admin);
    return createUser.id as string;
  };
  const login = (username: string) => app.login(username, PASSWORD);
  const customer = async (id: string) => (await app.services.customers.byIds([id]))[0];
  const history = async (id: string) => (await app.services.engine.history(id, { first: 20 })).nodes;
  /** What the user still holds: customers in custody, pending applications, unconfirmed contracts. */
  const holdings = async (id: string) => {
    const n = async (q: SQL) => (await app.database.rows<{ n: number }>(app.database.db, q))[0]?.n;
    return {
      customers: await n(sql`select count(*)::int as n from customers where custodian_id = ${id} and stage <> 'POOL'`),
      applications: await n(sql`select count(*)::int as n from applications where applicant_id = ${id} and state like 'pending%'`),
      contracts: await n(sql`select count(*)::int as n from contracts where created_by_id = ${id} and state in ('reserved', 'draft')`),
    };
  };

  beforeAll(async () => {
    app = await startTestApp();
    admin = await app.login('admin');
    for (const u of ['sales2', 'aftersales1', 'manager1']) ids[u] = await userId(u);
  });
  afterAll(async () => app?.close());

  it('T7: should hand customers, pending applications and unconfirmed contracts to a successor, with the reason on every history row, and deactivate the user', async () => {
    const id = await leaver('t7-leaver-user');
    const token = await login('t7-leaver-user');
    const held = await protectedCustomer(app, 't7-leaver-user');
    const inAudit = await createCustomer(app, 't7-leaver-user');
    const application = await pendingApplication(app, inAudit.id);
    const intent = await intentCustomer(app, 't7-leaver-user');
    const { reserveContract } = await app.ok(`mutation($c: ID!) { reserveContract(customerId: $c) { id } }`, { c: intent.id }, token);

    const { deactivateUser } = await app.ok(DEACTIVATE, { id, to: { userId: ids.sales2 }, reason: REASON }, admin);
    expect(deactivateUser).toEqual({ user: { id, username: 't7-leaver-user', active: false }, customers: 3, applications: 1, contracts: 1 });

    for (const c of [held, inAudit, intent]) {
      expect((await customer(c.id))?.custodianId).toBe(ids.sales2);
      expect((await history(c.id))[0]).toMatchObject({ event: 'TRANSFER', reason: REASON });
    }
    expect((await app.services.applications.get(application.id)).applicantId).toBe(ids.sales2);
    expect((await history(application.id))[0]).toMatchObject({ event: 'HAND_OVER', reason: REASON, fromState: 'pending', toState: 'pending' });
    const [contract] = await app.database.rows(app.database.db, sql`select created_by_id, state from contracts where id = ${reserveContract.id}`);
    expect(contract).toMatchObject({ created_by_id: ids.sales2, state: 'reserved' });
    expect((await history(reserveContract.id))[0]).toMatchObject({ event: 'HAND_OVER', reason: REASON });

    expect(await holdings(id)).toEqual({ customers: 0, applications: 0, contracts: 0 });
    expect((await app.fails(ME, {}, token)).extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('T7: should hand prospects and intents to a pool (HANDED_OVER), their audit applications lapsing with them', async () => {
    const id = await leaver('t7-leaver-pool');
    const held = await protectedCustomer(app, 't7-leaver-pool');
    const inAudit = await createCustomer(app, 't7-leaver-pool');
    const { createPool } = await app.ok(CREATE_POOL, { i: { name: 'T7 离职池' } }, admin);

    const { deactivateUser } = await app.ok(DEACTIVATE, { id, to: { poolId: createPool.id }, reason: REASON }, admin);
    expect(deactivateUser).toMatchObject({ user: { active: false }, customers: 2, applications: 0, contracts: 0 });
    for (const c of [held, inAudit]) {
      expect(await customer(c.id)).toMatchObject({ stage: 'POOL', custodianId: null, poolId: createPool.id });
      expect((await history(c.id))[0]).toMatchObject({ event: 'HANDED_OVER', reason: REASON, toState: 'pool' });
    }
    expect(await holdings(id)).toEqual({ customers: 0, applications: 0, contracts: 0 });
  });

  it('T7: should refuse the whole hand-over, naming each refused customer and its rule, when the successor may not hold them (all or nothing)', async () => {
    const id = await leaver('t7-leaver-refused');
    const a = await protectedCustomer(app, 't7-leaver-refused');
    const b = await intentCustomer(app, 't7-leaver-refused');
    const error = await app.fails(DEACTIVATE, { id, to: { userId: ids.aftersales1 }, reason: REASON }, admin);
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', rule: 'T7' });
    expect(error.message).toContain(a.name);
    expect(error.message).toContain(b.name);
    expect(error.extensions?.refused).toHaveLength(2);
    expect(error.extensions?.refused).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ entity: 'customer', id: a.id, rule: 'P9' }),
        expect.objectContaining({ entity: 'customer', id: b.id, rule: 'P9' }),
      ]),
    );
    // Nothing changed: still active, still holding both, still signing in.
    expect(await holdings(id)).toMatchObject({ customers: 2 });
    expect((await history(a.id))[0]?.event).not.toBe('TRANSFER');
    await expect(login('t7-leaver-refused')).resolves.toBeTruthy();
  });

  it('T7: should refuse both or neither of userId and poolId with BAD_USER_INPUT on handOverTo', async () => {
    const id = await leaver('t7-leaver-input');
    const { createPool } = await app.ok(CREATE_POOL, { i: { name: 'T7 输入池' } }, admin);
    for (const to of [{}, { userId: ids.sales2, poolId: createPool.id }]) {
      const error = await app.fails(DEACTIVATE, { id, to, reason: REASON }, admin);
      expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: { handOverTo: expect.any(String) } });
    }
    await expect(login('t7-leaver-input')).resolves.toBeTruthy();
  });

  it('T7: should refuse a non-admin (a manager) with FORBIDDEN', async () => {
    const id = await leaver('t7-leaver-forbidden');
    const manager = await app.login('manager1');
    expect((await app.fails(DEACTIVATE, { id, to: { userId: ids.sales2 }, reason: REASON }, manager)).extensions?.code).toBe('FORBIDDEN');
  });
});
