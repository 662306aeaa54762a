/**
 * Keyset paging of every connection, for every order it offers: paged with a small `first` over
 * data with equal sort keys (the test clock stands still, so many rows share an instant) and
 * NULLs where a key may be null, every row comes exactly once and in the list's declared order.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../support/app.js';
import { draftContract } from '../../support/contracts.js';
import { createCustomer, intentCustomer, poolCustomer, protectedCustomer } from '../../support/customers.js';
import { MINUTE } from '../../support/clock.js';

type Node = Record<string, any>;
interface Connection {
  edges: { cursor: string; node: Node }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

/** A list to page: its query (with `$first` and `$after`), who reads it, and how to find the connection in the data. */
interface Listing {
  query: string;
  user: string;
  vars?: Record<string, unknown>;
  pick: (data: any) => Connection;
}

const PAGE = `edges { cursor node { NODE } } pageInfo { hasNextPage endCursor }`;
const page = (fields: string) => PAGE.replace('NODE', fields);

/** Compares two values of a sort key in an order; null goes where `nulls` says. */
function compare(a: unknown, b: unknown, direction: 'ASC' | 'DESC', nulls: 'FIRST' | 'LAST'): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return nulls === 'FIRST' ? -1 : 1;
  if (b === null || b === undefined) return nulls === 'FIRST' ? 1 : -1;
  const c = (a as number | string) < (b as number | string) ? -1 : 1;
  return direction === 'ASC' ? c : -c;
}

describe('keyset paging of every connection', () => {
  let app: TestApp;
  let holder: string;

  /** Every node of a list, paged `first` at a time to the end. */
  async function pageAll(listing: Listing, first: number): Promise<Node[]> {
    const token = await app.login(listing.user);
    const nodes: Node[] = [];
    let after: string | null = null;
    for (let pages = 0; pages < 200; pages += 1) {
      const conn = listing.pick(await app.ok(listing.query, { ...listing.vars, first, after }, token));
      nodes.push(...conn.edges.map((e) => e.node));
      if (!conn.pageInfo.hasNextPage) return nodes;
      after = conn.pageInfo.endCursor;
    }
    throw new Error('paging did not end');
  }

  /**
   * Pages the list 1, 2 and 3 at a time: each gives the same rows as one page of 100 (no
   * cursor involved), none twice, and consecutive rows respect the declared order of `key`.
   */
  async function expectPagesExactly(listing: Listing, key: ((n: Node) => unknown) | null, direction: 'ASC' | 'DESC', nulls: 'FIRST' | 'LAST', min = 5) {
    const all = await pageAll(listing, 100);
    expect(all.length).toBeGreaterThanOrEqual(min);
    if (key) {
      const keys = all.map(key);
      expect(new Set(keys).size, 'the data has equal sort keys').toBeLessThan(keys.length);
      for (let i = 1; i < all.length; i += 1) expect(compare(keys[i - 1], keys[i], direction, nulls), `rows ${i - 1}, ${i}`).toBeLessThanOrEqual(0);
    }
    for (const first of [1, 2, 3]) {
      const ids = (await pageAll(listing, first)).map((n) => n.id);
      expect(new Set(ids).size, `first: ${first}, no row twice`).toBe(ids.length);
      expect(ids, `first: ${first}`).toEqual(all.map((n) => n.id));
    }
  }

  beforeAll(async () => {
    app = await startTestApp();
    // The clock stands still while each group is made: equal instants, then a few minutes on.
    const held = await intentCustomer(app, 'sales1');
    holder = held.id;
    const sales1 = await app.login('sales1');
    const mine = [];
    for (let i = 0; i < 3; i += 1) mine.push(await protectedCustomer(app, 'sales1'));
    for (let i = 0; i < 3; i += 1) await createCustomer(app, 'sales2');
    for (let i = 0; i < 4; i += 1) await poolCustomer(app, 'sales3');
    const signDates = [null, '2026-11-20', '2026-11-25', null, '2026-11-20', '2026-11-25', '2026-11-20'];
    for (const [i, signDate] of signDates.entries()) {
      if (i === 4) app.clock.advance(3 * MINUTE);
      const { id } = await draftContract(app, holder, sales1);
      if (signDate) await app.ok(`mutation($id: ID!, $i: ContractInput!) { updateContract(id: $id, input: $i) { id } }`, { id, i: { signDate } }, sales1);
      else await app.ok(`mutation($id: ID!, $i: ContractInput!) { updateContract(id: $id, input: $i) { id } }`, { id, i: { signDate: null } }, sales1);
    }
    const followUp = `mutation($c: ID!, $i: FollowUpInput!) { addFollowUp(customerId: $c, input: $i) { id } }`;
    for (let i = 0; i < 6; i += 1) {
      if (i === 3) app.clock.advance(MINUTE);
      await app.ok(followUp, { c: holder, i: { channel: 'PHONE', notes: `第${i}次电话回访`, nextContactAt: '2026-12-20T02:00:00Z' } }, sales1);
    }
    // Two more customers share the last follow-up instant; the rest have none (null).
    for (const c of mine.slice(0, 2))
      await app.ok(followUp, { c: c.id, i: { channel: 'VISIT', notes: '上门拜访，客户确认了需求', nextContactAt: '2026-12-20T02:00:00Z' } }, sales1);
    const admin = await app.login('admin');
    for (let i = 0; i < 4; i += 1) {
      await app.ok(
        `mutation($i: ProductInput!) { createProduct(input: $i) { id } }`,
        { i: { name: i < 3 ? '空调机组' : '配件', code: `P-${i}`, unit: '台', listPrice: '10.00' } },
        admin,
      );
      await app.ok(
        `mutation($i: CreateUserInput!) { createUser(input: $i) { id } }`,
        { i: { username: `paging${i}`, displayName: `分页${i}`, password: 'paging-password-1', roles: ['SALES'] } },
        admin,
      );
    }
    app.clock.advance(MINUTE);
  });
  afterAll(async () => app?.close());

  describe('contracts', () => {
    const query = `query($first: Int, $after: String, $o: ContractOrder) { contracts(first: $first, after: $after, orderBy: $o) { ${page('id signDate createdAt')} } }`;
    const pick = (d: any) => d.contracts;

    it('should page NEWEST_FIRST exactly', async () => {
      await expectPagesExactly({ query, user: 'manager1', vars: { o: 'NEWEST_FIRST' }, pick }, (n) => n.createdAt, 'DESC', 'LAST');
    });

    it('should page SIGN_DATE exactly: latest sign date first, contracts without one last', async () => {
      await expectPagesExactly({ query, user: 'manager1', vars: { o: 'SIGN_DATE' }, pick }, (n) => n.signDate, 'DESC', 'LAST');
    });
  });

  describe('applications', () => {
    const query = `query($first: Int, $after: String, $o: ApplicationOrder) { applications(first: $first, after: $after, orderBy: $o) { ${page('id createdAt')} } }`;
    for (const [order, direction] of [
      ['OLDEST_FIRST', 'ASC'],
      ['NEWEST_FIRST', 'DESC'],
    ] as const) {
      it(`should page ${order} exactly`, async () => {
        await expectPagesExactly({ query, user: 'auditor1', vars: { o: order }, pick: (d) => d.applications }, (n) => n.createdAt, direction, 'LAST');
      });
    }
  });

  describe('customers', () => {
    const query = `query($first: Int, $after: String, $o: CustomerOrder) { customers(first: $first, after: $after, orderBy: $o, filter: { scope: ALL }) { ${page('id name createdAt deadlineAt lastFollowUpAt')} } }`;
    const keys = {
      CREATED_AT: { key: (n: Node) => n.createdAt, nulls: 'LAST' },
      NAME: { key: null, nulls: 'LAST' }, // text order is the database's collation: checked against the one-page order only
      PROTECTED_UNTIL: { key: (n: Node) => n.deadlineAt, nulls: 'LAST' },
      LAST_FOLLOW_UP_AT: { key: (n: Node) => n.lastFollowUpAt, nulls: 'FIRST' },
    } as const;
    for (const [field, { key, nulls }] of Object.entries(keys)) {
      for (const direction of ['ASC', 'DESC'] as const) {
        it(`should page ${field} ${direction} exactly`, async () => {
          const flipped = direction === 'ASC' ? nulls : nulls === 'FIRST' ? 'LAST' : 'FIRST';
          await expectPagesExactly({ query, user: 'manager1', vars: { o: { field, direction } }, pick: (d) => d.customers }, key, direction, flipped);
        });
      }
    }

    it('should page the pool exactly, newest first', async () => {
      const pool = `query($first: Int, $after: String) { pool(first: $first, after: $after) { ${page('id createdAt')} } }`;
      await expectPagesExactly({ query: pool, user: 'sales2', pick: (d) => d.pool }, (n) => n.createdAt, 'DESC', 'LAST', 4);
    });
  });

  describe("a customer's follow-ups and history", () => {
    it('should page follow-ups exactly, newest first', async () => {
      const query = `query($first: Int, $after: String, $c: ID!) { customer(id: $c) { followUps(first: $first, after: $after) { ${page('id createdAt')} } } }`;
      await expectPagesExactly({ query, user: 'sales1', vars: { c: holder }, pick: (d) => d.customer.followUps }, (n) => n.createdAt, 'DESC', 'LAST');
    });

    it('should page the history exactly, newest first', async () => {
      const query = `query($first: Int, $after: String, $c: ID!) { customer(id: $c) { history(first: $first, after: $after) { ${page('id createdAt')} } } }`;
      await expectPagesExactly({ query, user: 'sales1', vars: { c: holder }, pick: (d) => d.customer.history }, (n) => n.createdAt, 'DESC', 'LAST', 3);
    });
  });

  describe('catalogue and users', () => {
    it('should page products exactly, by name', async () => {
      const query = `query($first: Int, $after: String) { products(first: $first, after: $after) { ${page('id name')} } }`;
      await expectPagesExactly({ query, user: 'sales1', pick: (d) => d.products }, null, 'ASC', 'LAST', 4);
    });

    it('should page users exactly, oldest account first', async () => {
      const query = `query($first: Int, $after: String) { users(first: $first, after: $after) { ${page('id createdAt')} } }`;
      await expectPagesExactly({ query, user: 'admin', pick: (d) => d.users }, (n) => n.createdAt, 'ASC', 'LAST');
    });
  });
});
