import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../support/app.js';
import { createCustomer } from '../../support/customers.js';

const QUERY = (first: number) =>
  `{ customers(first: ${first}) { edges { node { custodian { displayName } contacts { name } followUps(first: 5) { edges { node { notes author { displayName } } } } } } } }`;

/**
 * Every relation resolves through a per-request DataLoader: the statement count of a nested
 * list query is bounded by its depth, not by its rows.
 */
describe('DataLoaders', () => {
  let app: TestApp;
  let token: string;

  beforeAll(async () => {
    // Every request looks its user up (no viewer cache), so the first and the second count compare.
    app = await startTestApp({ viewerCacheMs: 0 });
    token = await app.login('sales1');
    // 200 customers × 3 contacts × 10 follow-ups, all in sales1's custody (bulk SQL for speed).
    const [u] = await app.database.rows<{ id: string }>(app.database.db, sql`select id from users where username = 'sales1'`);
    const [a] = await app.database.rows<{ id: string }>(app.database.db, sql`select id from users where username = 'sales2'`);
    await app.database.db.execute(sql`
      insert into customers (name, trade_name, address, industry, phone, phone_key, introduction, state, snapshot, stage, custodian_id, created_by_id, created_at)
      select '客户' || g || '有限公司', 'k' || g, '江苏省靖江市人民路' || g || '号', '机械', '0523-8' || lpad(g::text, 7, '0'), '05238' || lpad(g::text, 7, '0'),
             '一家用于测试的客户企业。', 'prospect.protected', '{"status":"active","value":{"prospect":"protected"},"context":{"custodianId":null},"children":{},"historyValue":{}}'::jsonb,
             'PROSPECT', ${u?.id}::uuid, ${u?.id}::uuid, now() - (g || ' minutes')::interval
      from generate_series(1, 200) g`);
    await app.database.db.execute(sql`
      insert into contacts (customer_id, name, mobile, created_by_id, state, snapshot)
      select c.id, '联系人' || n, '13' || lpad((row_number() over ())::text, 9, '0'), ${u?.id}::uuid,
             'active', '{"status":"active","value":"active","historyValue":{},"context":{"leftOn":null,"leftNote":null},"children":{}}'::jsonb
      from customers c, generate_series(1, 3) n`);
    await app.database.db.execute(sql`
      insert into follow_ups (customer_id, author_id, channel, notes, created_at)
      select c.id, case when n % 2 = 0 then ${u?.id}::uuid else ${a?.id}::uuid end, 'PHONE', '第' || n || '次跟进', now() - (n || ' hours')::interval
      from customers c, generate_series(1, 10) n`);
  });
  afterAll(async () => app?.close());

  const statements = async (query: string) => {
    const seen: string[] = [];
    const stop = app.database.onQuery((q) => seen.push(q));
    try {
      const result = await app.execute(query, {}, { token });
      expect(result.errors).toBeUndefined();
      return { seen, result };
    } finally {
      stop();
    }
  };

  it('should run the same small number of statements for 10 and for 50 customers', async () => {
    const ten = await statements(QUERY(10));
    const fifty = await statements(QUERY(50));
    const edges = (fifty.result.data as { customers: { edges: { node: { contacts: unknown[]; followUps: { edges: unknown[] } } }[] } }).customers.edges;
    expect(edges).toHaveLength(50);
    expect(edges.every((e) => e.node.contacts.length === 3 && e.node.followUps.edges.length === 5)).toBe(true);
    console.log(`statements: first 10 → ${ten.seen.length}, first 50 → ${fifty.seen.length}`);
    expect(fifty.seen.length).toBeLessThanOrEqual(6);
    expect(fifty.seen.length).toBe(ten.seen.length);
  });

  it("should give each customer of a batch its own first page of follow-ups and of history, as a customer's own page has them", async () => {
    const ids = (await app.database.rows<{ id: string }>(app.database.db, sql`select id from customers order by created_at desc limit 3`)).map((r) => r.id);
    const none = '00000000-0000-4000-8000-000000000000';
    const batch = [ids[2]!, none, ids[0]!, ids[1]!];
    const pages = await app.services.followUps.firstPageByCustomer(batch, 3);
    expect(pages[1]?.nodes).toEqual([]);
    expect(await pages[1]?.totalCount()).toBe(0);
    for (const [i, id] of batch.entries()) {
      if (id === none) continue;
      const own = await app.services.followUps.page(id, { first: 3 });
      expect(pages[i]?.nodes.map((f) => [f.customerId, f.notes, f.createdAt])).toEqual(own.nodes.map((f) => [f.customerId, f.notes, f.createdAt]));
      expect(pages[i]?.nodes.map((f) => f.notes)).toEqual(['第1次跟进', '第2次跟进', '第3次跟进']);
      expect(pages[i]?.hasNextPage).toBe(true);
      expect(await pages[i]?.totalCount()).toBe(10);
    }
    // History: one entity with transitions (an entered customer's), one without.
    const entered = await createCustomer(app, 'sales1', { phone: '0510-86669999' });
    const [history, empty] = await app.services.engine.firstHistoryPages([entered.id, none], 1);
    const own = await app.services.engine.history(entered.id, { first: 1 });
    expect(history?.nodes.map((t) => t.id)).toEqual(own.nodes.map((t) => t.id));
    expect(history?.hasNextPage).toBe(own.hasNextPage);
    expect(await history?.totalCount()).toBe(await own.totalCount());
    expect(empty?.nodes).toEqual([]);
  });

  it('should keep order and report missing keys as null in a batch', async () => {
    const [first] = await app.database.rows<{ id: string }>(app.database.db, sql`select id from customers limit 1`);
    const rows = await app.services.customers.byIds(['00000000-0000-4000-8000-000000000000', first?.id ?? '']);
    expect(rows[0]).toBeNull();
    expect(rows[1]?.id).toBe(first?.id);
  });

  // Issue 14: a list reads the columns its items are asked for (list-shapes.ts): the base its rules read, plus each asked field's.
  it('should read only the columns the asked fields need, plus the order’s and the rules’ own, and answer as full rows do', async () => {
    const narrow = `{ customers(first: 5) { edges { node { id name stage contacts { name mobile } followUps(first: 2) { edges { node { channel } } } } } } }`;
    const read = await statements(narrow);
    const statementOf = (table: string) => read.seen.find((q) => q.includes(`from "${table}"`) && !/^select count\(/.test(q)) ?? '';
    // Not asked: the trade name, the times but the order's (created_at), a contact's title, landline and state, a follow-up's notes.
    for (const column of ['"trade_name"', '"last_follow_up_at"', '"next_contact_at"', '"updated_at"']) expect(statementOf('customers')).not.toContain(column);
    for (const column of ['"name"', '"created_at"', '"snapshot"', '"custodian_id"', '"deadline_at"']) expect(statementOf('customers')).toContain(column);
    for (const column of ['"title"', '"landline"', '"state"']) expect(statementOf('contacts').split(' from ')[0]).not.toContain(column);
    expect(statementOf('contacts').split(' from ')[0]).toContain('"mobile"');
    expect(statementOf('follow_ups').split(' from ')[0]).not.toContain('"notes"');
    expect(statementOf('follow_ups').split(' from ')[0]).toContain('"channel"');
    // Ordered by name, the name is read for the cursor whether asked or not.
    const byName = await statements(`{ customers(first: 5, orderBy: { field: NAME, direction: ASC }) { pageInfo { endCursor } edges { node { stage } } } }`);
    const named = byName.seen.find((q) => q.includes('from "customers"') && !/^select count\(/.test(q)) ?? '';
    expect(named).toContain('"name"');
    expect(named).not.toContain('"created_at" as');
    expect(byName.result.errors).toBeUndefined();
    const full = await statements(narrow.replace('id name stage', 'id name stage address'));
    type Node = Record<string, unknown>;
    const withoutAddress = (full.result.data as { customers: { edges: { node: Node }[] } }).customers.edges.map(({ node: { address, ...rest } }) => ({
      node: rest,
    }));
    expect((read.result.data as { customers: { edges: { node: Node }[] } }).customers.edges).toEqual(withoutAddress);
  });

  // Issue 14: a list reads the columns its items are asked for, the card's or every one (list-shapes.ts).
  it('should read only the card columns of customers, contacts and follow-ups when every field asked is on the card, and answer as full rows do', async () => {
    const card = `{ customers(first: 20) { edges { node { id name tradeName stage state custodian { displayName } protectedUntil termHeld expiresIn createdAt
      contacts { id name mobile } followUps(first: 2) { edges { node { id channel notes createdAt } } } } } } }`;
    const full = card
      .replace('createdAt\n', 'createdAt address\n')
      .replace('mobile }', 'mobile note }')
      .replace('notes createdAt', 'notes createdAt nextContactAt');
    expect(full).not.toBe(card);
    const cardRead = await statements(card);
    const fullRead = await statements(full);
    const statementOf = (seen: string[], table: string) => seen.find((q) => q.includes(`from "${table}"`) && !/^select count\(/.test(q)) ?? '';
    expect(statementOf(cardRead.seen, 'customers')).not.toContain('"address"');
    expect(statementOf(fullRead.seen, 'customers')).toContain('"address"');
    expect(statementOf(cardRead.seen, 'contacts')).not.toContain('"note"');
    expect(statementOf(fullRead.seen, 'contacts')).toContain('"note"');
    expect(statementOf(cardRead.seen, 'follow_ups')).not.toContain('"author_id"');
    expect(statementOf(fullRead.seen, 'follow_ups')).toContain('"author_id"');
    type Node = Record<string, unknown> & { contacts: Record<string, unknown>[]; followUps: { edges: { node: Record<string, unknown> }[] } };
    type Nodes = { customers: { edges: { node: Node }[] } };
    const asCard = (fullRead.result.data as Nodes).customers.edges.map(({ node: { address, contacts, followUps, ...rest } }) => {
      expect(address).toMatch(/^江苏省靖江市人民路/);
      return {
        node: {
          ...rest,
          contacts: contacts.map(({ note, ...c }) => (expect(note).toBeNull(), c)),
          followUps: { edges: followUps.edges.map(({ node: { nextContactAt, ...f } }) => (expect(nextContactAt).toBeNull(), { node: f })) },
        },
      };
    });
    expect((cardRead.result.data as Nodes).customers.edges).toEqual(asCard);
  });
});
