/**
 * T5: collaborators (团队成员) read, or also write, a customer's contacts and follow-ups; they never
 * own it. Added and removed by the custodian or a manager as customer machine events (history rows
 * with the reason, offered in availableActions); transfers keep or clear them by policy; falling to
 * the pool clears them set-based; the SHARED list shows what one collaborates on.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../support/app.js';
import { DAY } from '../../support/clock.js';
import { policyWith } from '../../support/policy.js';
import { protectedCustomer } from '../../support/customers.js';
import { historyOf, rowOf } from '../../support/races.js';

const ADD = `mutation($c: ID!, $u: ID!, $a: CollaboratorAccess!, $r: String) { addCollaborator(customerId: $c, userId: $u, access: $a, reason: $r) {
  id collaborators { user { username } access since } } }`;
const REMOVE = `mutation($c: ID!, $u: ID!, $r: String) { removeCollaborator(customerId: $c, userId: $u, reason: $r) { id collaborators { user { username } } } }`;
const DETAILS = `query($id: ID!) { customer(id: $id) { id contacts { name } followUps(first: 5) { totalCount } history(first: 20) { totalCount }
  collaborators { user { username } access } availableActions { event } } }`;
const FOLLOW_UP = `mutation($c: ID!, $i: FollowUpInput!) { addFollowUp(customerId: $c, input: $i) { id author { username } } }`;
const CONTACT = `mutation($c: ID!, $i: ContactInput!) { addContact(customerId: $c, input: $i) { id name } }`;
const TRANSFER = `mutation($id: ID!, $to: ID!) { transferCustomer(id: $id, toUserId: $to, reason: "人员调整，客户移交") { id collaborators { user { username } } } }`;
const ABANDON = `mutation($id: ID!) { abandonCustomer(id: $id, reason: "客户暂无需求") { id } }`;
const SHARED = `{ customers(first: 50, filter: { scope: SHARED }, orderBy: { field: CREATED_AT, direction: DESC }) { totalCount edges { node { id } } } }`;

let app: TestApp;
const tokens: Record<string, string> = {};
const ids: Record<string, string> = {};
const as = (u: string) => tokens[u] ?? '';

async function signIn(target: TestApp, users: string[]) {
  for (const u of users) {
    tokens[u] = await target.login(u);
    ids[u] = (await target.services.users.viewerForToken(tokens[u]!)).id;
  }
}

const followUp = (notes: string) => ({ channel: 'PHONE', notes, nextContactAt: new Date(app.clock().getTime() + DAY).toISOString() });

beforeAll(async () => {
  app = await startTestApp();
  await signIn(app, ['sales1', 'sales2', 'sales3', 'manager1', 'aftersales1']);
});
afterAll(async () => app?.close());

describe('collaborators (T5)', () => {
  it('should add and remove collaborators as history rows with the reason, offered in availableActions (T5)', async () => {
    const c = await protectedCustomer(app, 'sales1');
    const before = await app.ok(DETAILS, { id: c.id }, as('sales1'));
    expect(before.customer.availableActions.map((a: { event: string }) => a.event)).toEqual(['ABANDON', 'ADD_COLLABORATOR', 'LOCK']);
    const added = await app.ok(ADD, { c: c.id, u: ids.sales2, a: 'READ', r: '协助跟进' }, as('sales1'));
    expect(added.addCollaborator.collaborators).toEqual([{ user: { username: 'sales2' }, access: 'READ', since: app.clock().toISOString() }]);
    const again = await app.fails(ADD, { c: c.id, u: ids.sales2, a: 'READ' }, as('sales1'));
    expect(again.extensions).toMatchObject({ code: 'ILLEGAL_TRANSITION', rule: 'T5' });
    const custodian = await app.fails(ADD, { c: c.id, u: ids.sales1, a: 'READ' }, as('sales1'));
    expect(custodian.extensions).toMatchObject({ code: 'BAD_USER_INPUT', rule: 'T5' });
    const outsider = await app.fails(ADD, { c: c.id, u: ids.sales3, a: 'READ' }, as('sales3'));
    expect(outsider.extensions).toMatchObject({ code: 'FORBIDDEN', rule: 'T5' });
    // A manager manages the team too, and may change access.
    await app.ok(ADD, { c: c.id, u: ids.sales3, a: 'WRITE' }, as('manager1'));
    const after = await app.ok(DETAILS, { id: c.id }, as('sales1'));
    expect(after.customer.availableActions.map((a: { event: string }) => a.event)).toEqual(['ABANDON', 'ADD_COLLABORATOR', 'REMOVE_COLLABORATOR', 'LOCK']);
    const removed = await app.ok(REMOVE, { c: c.id, u: ids.sales2, r: '已不需要协助' }, as('sales1'));
    expect(removed.removeCollaborator.collaborators).toEqual([{ user: { username: 'sales3' } }]);
    const notOne = await app.fails(REMOVE, { c: c.id, u: ids.sales2 }, as('sales1'));
    expect(notOne.extensions).toMatchObject({ code: 'BAD_USER_INPUT', rule: 'T5' });
    const history = (await historyOf(app, c.id)).filter((h) => h.event.endsWith('_COLLABORATOR'));
    expect(history.map((h) => [h.event, h.reason, h.fromState, h.toState])).toEqual([
      ['ADD_COLLABORATOR', '协助跟进', 'prospect.protected', 'prospect.protected'],
      ['ADD_COLLABORATOR', null, 'prospect.protected', 'prospect.protected'],
      ['REMOVE_COLLABORATOR', '已不需要协助', 'prospect.protected', 'prospect.protected'],
    ]);
    expect(history[0]?.payload).toMatchObject({ userId: ids.sales2, access: 'READ' });
  });

  it('should let a READ collaborator see the details but not log a follow-up (FORBIDDEN), and a non-collaborator only the card (T5, P8)', async () => {
    const c = await protectedCustomer(app, 'sales1');
    await app.ok(ADD, { c: c.id, u: ids.sales2, a: 'READ' }, as('sales1'));
    const seen = await app.ok(DETAILS, { id: c.id }, as('sales2'));
    expect(seen.customer.contacts.length).toBeGreaterThan(0);
    expect(seen.customer.collaborators).toEqual([{ user: { username: 'sales2' }, access: 'READ' }]);
    expect(seen.customer.availableActions).toEqual([]);
    const refused = await app.fails(FOLLOW_UP, { c: c.id, i: followUp('我来试试联系。') }, as('sales2'));
    expect(refused.extensions).toMatchObject({ code: 'FORBIDDEN', rule: 'T5' });
    const card = await app.execute(DETAILS, { id: c.id }, { token: as('sales3') });
    expect(card.data?.customer).toMatchObject({ id: c.id, contacts: null, followUps: null, collaborators: null });
    expect(card.errors?.map((e) => e.extensions?.code)).toEqual(expect.arrayContaining(['FORBIDDEN']));
    const shared = await app.ok(SHARED, {}, as('sales2'));
    expect(shared.customers.edges.map((e: { node: { id: string } }) => e.node.id)).toContain(c.id);
    expect((await app.ok(SHARED, {}, as('sales3'))).customers.edges.map((e: { node: { id: string } }) => e.node.id)).not.toContain(c.id);
  });

  it('should let a WRITE collaborator add a contact and a follow-up, which is the customer’s last, custody unchanged (T5, F1, F2)', async () => {
    const c = await protectedCustomer(app, 'sales1');
    await app.ok(ADD, { c: c.id, u: ids.sales2, a: 'WRITE' }, as('sales1'));
    const contact = await app.ok(CONTACT, { c: c.id, i: { name: '李工', title: '设备科长', mobile: '13900001111' } }, as('sales2'));
    expect(contact.addContact.name).toBe('李工');
    const f = await app.ok(FOLLOW_UP, { c: c.id, i: followUp('电话沟通了新项目。') }, as('sales2'));
    expect(f.addFollowUp.author.username).toBe('sales2');
    const row = await rowOf(app, c.id);
    expect(row).toMatchObject({ custodianId: ids.sales1, state: 'prospect.protected', version: c.version + 1 });
    expect(row.lastFollowUpAt?.toISOString()).toBe(app.clock().toISOString());
  });

  it('should refuse a collaborator abandoning or transferring the customer: they never own it (T5)', async () => {
    const c = await protectedCustomer(app, 'sales1');
    await app.ok(ADD, { c: c.id, u: ids.sales2, a: 'WRITE' }, as('sales1'));
    expect((await app.fails(ABANDON, { id: c.id }, as('sales2'))).extensions).toMatchObject({ code: 'FORBIDDEN', rule: 'P8' });
    expect((await app.fails(TRANSFER, { id: c.id, to: ids.sales2 }, as('sales2'))).extensions?.code).toBe('FORBIDDEN');
    expect((await app.fails(ADD, { c: c.id, u: ids.sales3, a: 'READ' }, as('sales2'))).extensions).toMatchObject({ code: 'FORBIDDEN', rule: 'T5' });
  });

  it('should keep the team on a transfer by default, without the new custodian (T5, P9)', async () => {
    const c = await protectedCustomer(app, 'sales1');
    await app.ok(ADD, { c: c.id, u: ids.sales2, a: 'READ' }, as('sales1'));
    await app.ok(ADD, { c: c.id, u: ids.sales3, a: 'WRITE' }, as('sales1'));
    const moved = await app.ok(TRANSFER, { id: c.id, to: ids.sales2 }, as('manager1'));
    expect(moved.transferCustomer.collaborators).toEqual([{ user: { username: 'sales3' } }]);
  });

  it('should clear the team on a transfer under policy collaboratorsOnTransfer CLEAR (T5)', async () => {
    const clearing = await startTestApp({ policy: policyWith({ customer: { collaboratorsOnTransfer: 'CLEAR' } }) });
    try {
      const [s1, m1, s3] = [await clearing.login('sales1'), await clearing.login('manager1'), await clearing.login('sales3')];
      const sales2 = (await clearing.services.users.viewerForToken(await clearing.login('sales2'))).id;
      const sales3 = (await clearing.services.users.viewerForToken(s3)).id;
      const c = await protectedCustomer(clearing, 'sales1');
      await clearing.ok(ADD, { c: c.id, u: sales3, a: 'READ' }, s1);
      const moved = await clearing.ok(TRANSFER, { id: c.id, to: sales2 }, m1);
      expect(moved.transferCustomer.collaborators).toEqual([]);
    } finally {
      await clearing.close();
    }
  });

  it('should clear the team when the customer falls to the pool: abandoned, or its term run out set-based (T5, P2)', async () => {
    const a = await protectedCustomer(app, 'sales1');
    await app.ok(ADD, { c: a.id, u: ids.sales2, a: 'READ' }, as('sales1'));
    await app.ok(ABANDON, { id: a.id }, as('sales1'));
    expect((await app.ok(DETAILS, { id: a.id }, as('sales3'))).customer.collaborators).toEqual([]);
    const e = await protectedCustomer(app, 'sales1');
    await app.ok(ADD, { c: e.id, u: ids.sales2, a: 'WRITE' }, as('sales1'));
    app.clock.advance(31 * DAY);
    // Before the sweep the run-out term already reads as the pool: no team, no details for the former collaborator.
    const fresh = await app.login('sales2');
    expect((await app.ok(SHARED, {}, fresh)).customers.edges.map((x: { node: { id: string } }) => x.node.id)).not.toContain(e.id);
    const def = app.services.workflows.customer;
    const plans: string[] = [];
    for (const group of await app.services.engine.dueGroups(def)) plans.push((await app.services.engine.fireDueBatch(def, group, 1000)).plan);
    expect(plans.length).toBeGreaterThan(0);
    expect(new Set(plans)).toEqual(new Set(['set']));
    const row = await rowOf(app, e.id);
    expect(row.state).toBe('pool');
    expect((row.snapshot.context as { collaborators?: unknown }).collaborators).toEqual({});
  });
});
