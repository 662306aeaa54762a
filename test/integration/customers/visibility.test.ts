/**
 * Issue 13 §6: others' terms are not visible (P8, E2). A salesperson sees only the public card of
 * a colleague's customer — id, name, trade name, stage, state, custodian — and may not use list
 * filters or orders on detail fields as an oracle on hidden data.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../support/app.js';
import { poolCustomer, protectedCustomer } from '../../support/customers.js';

const TERM_FIELDS = ['protectedUntil', 'deadlineAt', 'deadlineEvent', 'expiresIn'];
const HIDDEN = [...TERM_FIELDS, 'industry', 'region', 'country', 'source', 'level', 'createdAt', 'createdBy', 'previousCustodians', 'history'];
const CARD = `query($id: ID!) { customer(id: $id) { id name tradeName stage state custodian { displayName } protectedUntil deadlineAt deadlineEvent expiresIn industry region country source level createdAt createdBy { username } previousCustodians { username } history(first: 5) { totalCount } } }`;
const LIST = `query($f: CustomerFilter, $o: CustomerOrder) { customers(first: 100, filter: $f, orderBy: $o) { totalCount edges { node { id name custodian { username } } } } }`;

describe('visibility of others’ customers (P8, E2)', () => {
  let app: TestApp;
  let sales1: string;
  let sales2: string;
  let customerId: string;
  beforeAll(async () => {
    app = await startTestApp();
    [sales1, sales2] = await Promise.all([app.login('sales1'), app.login('sales2')]);
    customerId = (await protectedCustomer(app, 'sales1', { industry: '空调', region: '靖江市' })).id;
  });
  afterAll(async () => app?.close());

  describe('term fields (P8: when another person’s term ends is a detail)', () => {
    it('should refuse a second salesperson each term and detail field with FORBIDDEN, and still return the E2 card', async () => {
      const result = await app.execute(CARD, { id: customerId }, { token: sales2 });
      const card = result.data?.customer as Record<string, unknown>;
      expect(card).toMatchObject({ id: customerId, stage: 'PROSPECT', state: 'prospect.protected', custodian: { displayName: expect.any(String) } });
      expect(card.name).toEqual(expect.any(String));
      expect(card.tradeName).toEqual(expect.any(String));
      for (const field of HIDDEN) expect(card[field], field).toBeNull();
      const refused = (result.errors ?? []).map((e) => [e.path?.join('.'), e.extensions?.code, e.extensions?.rule]);
      expect(refused).toEqual(expect.arrayContaining(HIDDEN.map((f) => [`customer.${f}`, 'FORBIDDEN', 'P8'])));
      expect(refused).toHaveLength(HIDDEN.length);
    });

    it('should show the term fields to the custodian, a manager, an auditor, after-sales and an admin', async () => {
      for (const user of ['sales1', 'manager1', 'auditor1', 'aftersales1', 'admin']) {
        const data = await app.ok(CARD, { id: customerId }, await app.login(user));
        expect(data.customer, user).toMatchObject({ deadlineEvent: 'TERM_EXPIRED', protectedUntil: expect.any(String), industry: '空调', region: '靖江市' });
        expect(data.customer.expiresIn, user).toMatch(/^P/);
      }
    });

    it('should show a pool customer’s details and previous custodians to any salesperson (P7: it is nobody’s)', async () => {
      const pool = await poolCustomer(app, 'sales3');
      const data = await app.ok(CARD, { id: pool.id }, sales2);
      expect(data.customer).toMatchObject({ stage: 'POOL', deadlineAt: null, previousCustodians: [{ username: 'sales3' }] });
    });
  });

  describe('list filters and orders (P8: no oracle on hidden fields)', () => {
    it.each([
      [{ scope: 'ALL', industry: '空调' }, null, 'filter.industry'],
      [{ scope: 'ALL', region: '靖江' }, null, 'filter.region'],
      [{ scope: 'ALL', createdFrom: '2020-01-01T00:00:00Z' }, null, 'filter.createdFrom'],
      [{ scope: 'ALL', createdTo: '2100-01-01T00:00:00Z' }, null, 'filter.createdTo'],
      [{ scope: 'ALL' }, { field: 'PROTECTED_UNTIL', direction: 'ASC' }, 'orderBy.field'],
      [{ scope: 'ALL' }, { field: 'LAST_FOLLOW_UP_AT', direction: 'DESC' }, 'orderBy.field'],
      [{ scope: 'ALL', stage: 'PROSPECT' }, { field: 'CREATED_AT', direction: 'DESC' }, 'orderBy.field'],
    ])('should refuse a second salesperson listing others’ customers with %j ordered %j: FORBIDDEN naming %s', async (f, o, argument) => {
      const e = await app.fails(LIST, { f, o }, sales2);
      expect(e.extensions).toMatchObject({ code: 'FORBIDDEN', rule: 'P8', argument });
      expect(e.message).toContain(argument);
    });

    it('should allow public filters and the NAME order on others’ customers, ordered by name by default', async () => {
      const data = await app.ok(LIST, { f: { scope: 'ALL', stage: 'PROSPECT', keyword: '机械' } }, sales2);
      const names = data.customers.edges.map((e: { node: { name: string } }) => e.node.name);
      expect(names.length).toBeGreaterThan(0);
      expect(names).toEqual([...names].sort());
      await app.ok(LIST, { f: { scope: 'ALL' }, o: { field: 'NAME', direction: 'DESC' } }, sales2);
    });

    it('should allow every filter and order on the viewer’s own customers and on the pool', async () => {
      const o = { field: 'PROTECTED_UNTIL', direction: 'ASC' };
      const own = await app.ok(LIST, { f: { industry: '空调', region: '靖江' }, o }, sales1);
      expect(own.customers.edges.map((e: { node: { id: string } }) => e.node.id)).toContain(customerId);
      await app.ok(LIST, { f: { scope: 'ALL', custodianId: (await app.services.users.viewerForToken(sales1)).id, industry: '空调' }, o }, sales1);
      await app.ok(LIST, { f: { scope: 'ALL', stage: 'POOL', industry: '机械' }, o }, sales2);
      await app.ok(`{ pool(first: 10, filter: { industry: "机械", region: "靖江" }) { totalCount } }`, {}, sales2);
    });

    it('should keep every filter and order for a manager', async () => {
      const data = await app.ok(LIST, { f: { industry: '空调' }, o: { field: 'LAST_FOLLOW_UP_AT', direction: 'DESC' } }, await app.login('manager1'));
      expect(data.customers.edges.map((e: { node: { id: string } }) => e.node.id)).toContain(customerId);
    });
  });
});
