/**
 * T2 (issue 17): several pools. A salesperson sees and claims only in pools they belong to (as a
 * member, an admin, or through their department or one above it); customers falling to the pool
 * go to their custodian's department's pool; a pool's admin assigns to its members, a manager
 * moves a customer between pools; a pool's policy overrides the global one (pool → global).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_POOL_ID } from '../../../src/platform/db/schema.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { actorFor, protectedCustomer, sendCustomer } from '../../support/customers.js';

const DAY = 24 * 3600 * 1000;
const CREATE_DEPT = `mutation($i: CreateDepartmentInput!) { createDepartment(input: $i) { id } }`;
const MOVE = `mutation($u: ID!, $d: ID!) { moveUser(userId: $u, departmentId: $d) { id } }`;
const CREATE_POOL = `mutation($i: PoolInput!) { createPool(input: $i) { id name policy active } }`;
const SET_DEPT_POOL = `mutation($d: ID!, $p: ID) { setDepartmentPool(departmentId: $d, poolId: $p) }`;
const POOLS = `{ pools { id name customerCount } }`;
const POOL_LIST = `query($p: ID) { pool(first: 50, filter: { poolId: $p }) { edges { node { id pool { name } } } } }`;
const CUSTOMER = `query($id: ID!) { customer(id: $id) { id state pool { id name } deadlineAt availableActions { event } history(first: 5) { edges { node { event reason } } } } }`;
const CLAIM = `mutation($id: ID!) { claimCustomer(id: $id) { id state custodian { username } deadlineAt } }`;
const ASSIGN = `mutation($id: ID!, $to: ID!) { assignFromPool(customerId: $id, toUserId: $to, reason: "按区域分配客户") { id custodian { username } } }`;
const MOVE_POOL = `mutation($id: ID!, $p: ID!) { moveToPool(customerId: $id, poolId: $p, reason: "按区域调整公海") { id pool { id } } }`;

describe('several pools (T2)', () => {
  let app: TestApp;
  let admin: string;
  const token = { sales1: '', sales2: '', sales3: '', manager1: '' };
  const id: Record<string, string> = {};
  let east: string;
  let eastPool: string;

  /** A customer protected by sales1 (department 华东), abandoned: it falls to 华东公海. */
  const eastCustomer = async () => {
    const c = await protectedCustomer(app, 'sales1');
    return sendCustomer(app, c.id, { type: 'ABANDON', reason: '客户暂无采购计划' }, await actorFor(app, 'sales1'));
  };

  beforeAll(async () => {
    app = await startTestApp();
    admin = await app.login('admin');
    for (const u of ['sales1', 'sales2', 'sales3', 'manager1'] as const) token[u] = await app.login(u);
    const users = await app.services.users.list(await app.services.users.viewerForToken(admin), { first: 100 });
    for (const u of users.nodes) id[u.username] = u.id;
    east = (await app.ok(CREATE_DEPT, { i: { name: '华东销售部' } }, admin)).createDepartment.id;
    const west = (await app.ok(CREATE_DEPT, { i: { name: '华西销售部' } }, admin)).createDepartment.id;
    await app.ok(MOVE, { u: id.sales1, d: east }, admin);
    await app.ok(MOVE, { u: id.sales2, d: west }, admin);
    const input = { name: '华东公海', memberDepartmentIds: [east], adminUserIds: [id.sales3], policy: { prospectTerm: 'P10D' } };
    eastPool = (await app.ok(CREATE_POOL, { i: input }, admin)).createPool.id;
    await app.ok(SET_DEPT_POOL, { d: east, p: eastPool }, admin);
  });
  afterAll(async () => app?.close());

  it('T2: should list to each person the pools they belong to (everyone to ADMIN and managers)', async () => {
    const names = async (t: string) => ((await app.ok(POOLS, {}, t)).pools as { name: string }[]).map((p) => p.name).sort();
    expect(await names(token.sales1)).toEqual(['公海 Public pool', '华东公海'].sort());
    expect(await names(token.sales2)).toEqual(['公海 Public pool']);
    expect(await names(token.sales3)).toEqual(['公海 Public pool', '华东公海'].sort());
    expect(await names(token.manager1)).toEqual(['公海 Public pool', '华东公海'].sort());
  });

  it('T2: should send a customer its custodian abandons to their department’s pool', async () => {
    const c = await eastCustomer();
    expect(c.poolId).toBe(eastPool);
    const { customer } = await app.ok(CUSTOMER, { id: c.id }, token.sales1);
    expect(customer).toMatchObject({ state: 'pool', pool: { id: eastPool, name: '华东公海' } });
  });

  it('T2: should keep a salesperson outside a pool from listing or claiming its customers', async () => {
    const c = await eastCustomer();
    const listed = async (t: string, p?: string) => (await app.ok(POOL_LIST, { p }, t)).pool.edges.map((e: { node: { id: string } }) => e.node.id);
    expect(await listed(token.sales2)).not.toContain(c.id);
    expect(await listed(token.sales3, eastPool)).toContain(c.id);
    const ACTIONS = `query($id: ID!) { customer(id: $id) { availableActions { event } } }`;
    const actions = async (t: string) => (await app.ok(ACTIONS, { id: c.id }, t)).customer.availableActions.map((a: { event: string }) => a.event);
    expect(await actions(token.sales2)).not.toContain('CLAIM');
    expect(await actions(token.sales3)).toContain('CLAIM');
    const refused = await app.fails(CLAIM, { id: c.id }, token.sales2);
    expect(refused.extensions).toMatchObject({ code: 'FORBIDDEN', rule: 'T2' });
    expect((await app.services.customers.get(c.id)).custodianId).toBeNull();
    // Nor read its details by id: outside the pool it is the public card (P8, T2).
    const details = `query($id: ID!) { customer(id: $id) { name industry } }`;
    expect((await app.ok(details, { id: c.id }, token.sales3)).customer.industry).toEqual(expect.any(String));
    const outside = await app.execute(details, { id: c.id }, { token: token.sales2 });
    expect(outside.data?.customer).toMatchObject({ name: c.name, industry: null });
    expect(outside.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', rule: 'P8' });
  });

  it('T2: should give a claim from a pool that overrides the prospect term the pool’s term (pool → global)', async () => {
    const c = await eastCustomer();
    const before = app.clock().getTime();
    const { claimCustomer } = await app.ok(CLAIM, { id: c.id }, token.sales3);
    expect(claimCustomer).toMatchObject({ state: 'prospect.protected', custodian: { username: 'sales3' } });
    expect(new Date(claimCustomer.deadlineAt).getTime() - before).toBe(10 * DAY);
  });

  it('T2: should let a pool’s admin assign only to the pool’s members', async () => {
    const c = await eastCustomer();
    const refused = await app.fails(ASSIGN, { id: c.id, to: id.sales2 }, token.sales3);
    expect(refused.extensions).toMatchObject({ code: 'BAD_USER_INPUT', rule: 'T2' });
    const elsewhere = await protectedCustomer(app, 'sales2');
    // ASSIGN is the pool's event: a customer someone holds is transferred, not assigned.
    const held = await app.fails(ASSIGN, { id: elsewhere.id, to: id.sales1 }, token.sales3);
    expect(held.extensions).toMatchObject({ code: 'ILLEGAL_TRANSITION', event: 'ASSIGN', state: 'prospect.protected' });
    await sendCustomer(app, elsewhere.id, { type: 'ABANDON', reason: '客户暂无采购计划' }, await actorFor(app, 'sales2'));
    expect((await app.fails(ASSIGN, { id: elsewhere.id, to: id.sales1 }, token.sales3)).extensions).toMatchObject({ code: 'FORBIDDEN', rule: 'T2' });
    // sales1 abandoned it (P5's cool-down): the admin assigns it to themselves, a member.
    const { assignFromPool } = await app.ok(ASSIGN, { id: c.id, to: id.sales3 }, token.sales3);
    expect(assignFromPool).toMatchObject({ custodian: { username: 'sales3' } });
  });

  it('T2: should let a manager move a pool customer to another open pool, recorded with the reason', async () => {
    const c = await eastCustomer();
    expect((await app.fails(MOVE_POOL, { id: c.id, p: eastPool }, token.manager1)).extensions).toMatchObject({ code: 'BAD_USER_INPUT', rule: 'T2' });
    expect((await app.fails(MOVE_POOL, { id: c.id, p: DEFAULT_POOL_ID }, token.sales3)).extensions).toMatchObject({ code: 'FORBIDDEN' });
    expect((await app.ok(MOVE_POOL, { id: c.id, p: DEFAULT_POOL_ID }, token.manager1)).moveToPool).toMatchObject({ pool: { id: DEFAULT_POOL_ID } });
    const { customer } = await app.ok(CUSTOMER, { id: c.id }, token.manager1);
    expect(customer.history.edges[0].node).toEqual({ event: 'MOVE_POOL', reason: '按区域调整公海' });
    // Now in the default pool, whose member (the root department) holds everyone.
    expect((await app.ok(CUSTOMER, { id: c.id }, token.sales2)).customer.availableActions.map((a: { event: string }) => a.event)).toContain('CLAIM');
  });

  it('T2: should send customers whose term ran out to their department’s pool in the sweep', async () => {
    const c = await protectedCustomer(app, 'sales1');
    app.clock.advance(31 * DAY);
    await app.services.sweeper.sweepOnce();
    expect(await app.services.customers.get(c.id)).toMatchObject({ state: 'pool', poolId: eastPool });
  });

  it('T2: should refuse a pool input with every problem by field, and non-admins', async () => {
    admin = await app.login('admin'); // the sweep above moved the clock past the token's life
    token.manager1 = await app.login('manager1');
    const bad = { name: ' ', policy: { prospectTerm: 'soon', expiryCoolDown: 'P1D' } };
    const refused = await app.fails(CREATE_POOL, { i: bad }, admin);
    expect(refused.extensions?.code).toBe('BAD_USER_INPUT');
    expect(Object.keys(refused.extensions?.fields as object).sort()).toEqual(['input.name', 'input.policy.expiryCoolDown', 'input.policy.prospectTerm']);
    expect((await app.fails(CREATE_POOL, { i: { name: '华南公海' } }, token.manager1)).extensions?.code).toBe('FORBIDDEN');
    expect((await app.fails(CREATE_POOL, { i: { name: '华东公海' } }, admin)).extensions?.code).toBe('CONFLICT');
  });
});
