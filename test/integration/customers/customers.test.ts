import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customers, transitions } from '../../../src/platform/db/schema.js';
import { DEMO_USERS } from '../../../src/demo/seed.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { CREATE, GET, customerInput } from '../../support/customers.js';

const UPDATE = `mutation($id: ID!, $i: UpdateCustomerInput!, $v: Int) { updateCustomer(id: $id, input: $i, expectedVersion: $v) { id name tradeName version address } }`;

describe('customers', () => {
  let app: TestApp;
  let sales1: string;
  let sales2: string;
  let manager: string;
  beforeAll(async () => {
    app = await startTestApp();
    [sales1, sales2, manager] = await Promise.all([app.login('sales1'), app.login('sales2'), app.login('manager1')]);
  });
  afterAll(async () => app?.close());

  const count = async () => (await app.database.db.select().from(customers)).length;

  describe('createCustomer', () => {
    it('should make the creator custodian of a prospect pending audit, with a CREATE history row (E7, P1, P10)', async () => {
      const data = await app.ok(CREATE, { i: customerInput({ name: '靖江市春意空调有限公司' }) }, sales1);
      expect(data.createCustomer).toMatchObject({
        name: '靖江市春意空调有限公司',
        tradeName: '春意',
        state: 'prospect.pendingAudit',
        stage: 'PROSPECT',
        version: 1,
        custodian: { username: 'sales1' },
      });
      const rows = await app.database.db.select().from(transitions).where(eq(transitions.entityId, data.createCustomer.id));
      expect(rows).toMatchObject([{ event: 'CREATE', fromState: null, toState: 'prospect.pendingAudit', machine: 'customer' }]);
    });

    it('should ignore any attempt to set creator or custodian: there is no such input (E7)', async () => {
      const e = await app.fails(CREATE, { i: { ...customerInput(), custodianId: 'x' } }, sales1);
      expect(e.extensions?.code).toBe('BAD_USER_INPUT');
    });

    it('should require name, address, industry, phone and introduction, each named (E3)', async () => {
      const before = await count();
      const e = await app.fails(CREATE, { i: { name: ' ', address: '', industry: '', phone: '', introduction: '', contacts: [] } }, sales1);
      expect(e.extensions?.code).toBe('BAD_USER_INPUT');
      expect(Object.keys(e.extensions?.fields as object).sort()).toEqual([
        'input.address',
        'input.industry',
        'input.introduction',
        'input.name',
        'input.phone',
      ]);
      expect(await count()).toBe(before);
    });

    it('should check phone, contact numbers, email and postcode formats (E5)', async () => {
      const e = await app.fails(
        CREATE,
        {
          i: customerInput({
            phone: '12345',
            email: 'not-an-email',
            postcode: '2145',
            contacts: [{ name: '甲', mobile: '12812345678' }, { name: '乙' }, { name: '丙', landline: '523-8412345' }],
          }),
        },
        sales1,
      );
      expect(e.extensions?.fields).toMatchObject({
        'input.phone': expect.any(String),
        'input.email': expect.any(String),
        'input.postcode': expect.any(String),
        'input.contacts.0.mobile': expect.stringMatching(/11 digits/),
        'input.contacts.1.mobile': expect.stringMatching(/mobile or a landline/),
        'input.contacts.2.landline': expect.any(String),
      });
    });

    it('should normalise +86 numbers and landlines without a hyphen (E5)', async () => {
      const data = await app.ok(
        `mutation($i: CreateCustomerInput!) { createCustomer(input: $i) { phone contacts { mobile landline } } }`,
        { i: customerInput({ phone: '+86 523 8412 0001', contacts: [{ name: '李四', mobile: '+86 139-0000-7777', landline: '05238412002' }] }) },
        sales1,
      );
      expect(data.createCustomer).toEqual({ phone: '0523-84120001', contacts: [{ mobile: '13900007777', landline: '0523-8412002' }] });
    });

    it('should refuse a name whose trade-name key exists, returning the match (E2, E4)', async () => {
      const first = await app.ok(CREATE, { i: customerInput({ name: '上海市浦东新区华力电子科技有限公司' }) }, sales1);
      const before = await count();
      const e = await app.fails(CREATE, { i: customerInput({ name: '华力电子有限公司' }) }, sales2);
      expect(e.extensions?.code).toBe('DUPLICATE');
      expect(e.extensions?.matches).toEqual([
        {
          id: first.createCustomer.id,
          name: '上海市浦东新区华力电子科技有限公司',
          tradeName: '华力',
          stage: 'PROSPECT',
          state: 'prospect.pendingAudit',
          custodianName: '王销售 (sales1)',
        },
      ]);
      expect(await count()).toBe(before);
    });

    it('should refuse a phone that is an existing customer’s or contact’s phone (E4)', async () => {
      const a = customerInput();
      await app.ok(CREATE, { i: a }, sales1);
      const byCompanyPhone = await app.fails(CREATE, { i: customerInput({ phone: a.phone }) }, sales2);
      expect(byCompanyPhone.extensions?.code).toBe('DUPLICATE');
      const contactMobile = (a.contacts as { mobile: string }[])[0]?.mobile;
      const byContact = await app.fails(CREATE, { i: customerInput({ phone: contactMobile }) }, sales2);
      expect(byContact.extensions?.code).toBe('DUPLICATE');
      const byNewContact = await app.fails(CREATE, { i: customerInput({ contacts: [{ name: '赵六', landline: a.phone }] }) }, sales2);
      expect(byNewContact.extensions?.code).toBe('DUPLICATE');
    });

    it('should be refused to roles that do not enter customers', async () => {
      const e = await app.fails(CREATE, { i: customerInput() }, await app.login('auditor1'));
      expect(e.extensions?.code).toBe('FORBIDDEN');
    });
  });

  describe('updateCustomer', () => {
    it('should let the custodian edit and bump the version', async () => {
      const c = (await app.ok(CREATE, { i: customerInput() }, sales1)).createCustomer;
      const u = await app.ok(UPDATE, { id: c.id, i: { address: '江苏省靖江市新港大道1号' }, v: 1 }, sales1);
      expect(u.updateCustomer).toMatchObject({ address: '江苏省靖江市新港大道1号', version: 2 });
    });

    it('should refuse a stale expectedVersion with CONFLICT and change nothing', async () => {
      const c = (await app.ok(CREATE, { i: customerInput() }, sales1)).createCustomer;
      await app.ok(UPDATE, { id: c.id, i: { industry: '五金' }, v: 1 }, sales1);
      const e = await app.fails(UPDATE, { id: c.id, i: { industry: '化工' }, v: 1 }, manager);
      expect(e.extensions).toMatchObject({ code: 'CONFLICT', currentVersion: 2 });
      const [row] = await app.database.db.select().from(customers).where(eq(customers.id, c.id));
      expect(row?.industry).toBe('五金');
    });

    it('should refuse another salesperson but allow a manager (P8)', async () => {
      const c = (await app.ok(CREATE, { i: customerInput() }, sales1)).createCustomer;
      expect((await app.fails(UPDATE, { id: c.id, i: { industry: 'X' } }, sales2)).extensions?.code).toBe('FORBIDDEN');
      await app.ok(UPDATE, { id: c.id, i: { industry: '电子' } }, manager);
    });

    it('should re-run the duplicate rule on a name change (E4)', async () => {
      const a = (await app.ok(CREATE, { i: customerInput({ name: '苏州市金鼎精密模具有限公司' }) }, sales1)).createCustomer;
      const b = (await app.ok(CREATE, { i: customerInput() }, sales2)).createCustomer;
      const e = await app.fails(UPDATE, { id: b.id, i: { name: '金鼎模具有限公司' } }, sales2);
      expect(e.extensions?.code).toBe('DUPLICATE');
      expect((e.extensions?.matches as { id: string }[])[0]?.id).toBe(a.id);
      const same = await app.ok(UPDATE, { id: a.id, i: { name: '苏州金鼎精密模具有限公司' } }, sales1);
      expect(same.updateCustomer.tradeName).toBe(a.tradeName);
    });
  });

  describe('no deletes (E6)', () => {
    it('should offer no mutation that deletes a record', async () => {
      const names = Object.keys(app.schema.getMutationType()?.getFields() ?? {});
      expect(names.filter((n) => /^(delete|destroy|purge)/i.test(n))).toEqual([]);
      expect(names).not.toContain('updateFollowUp');
    });
  });

  describe('duplicateCheck (E2)', () => {
    it('should list every customer containing the keyword with state and custodian only', async () => {
      const c = (await app.ok(CREATE, { i: customerInput({ name: '无锡市远航物流有限公司' }) }, sales1)).createCustomer;
      const data = await app.ok(`{ duplicateCheck(keyword: "远航") { customerId name stage state custodianName } }`, {}, sales2);
      expect(data.duplicateCheck[0]).toEqual({
        customerId: c.id,
        name: '无锡市远航物流有限公司',
        stage: 'PROSPECT',
        state: 'prospect.pendingAudit',
        custodianName: '王销售 (sales1)',
      });
    });

    it('should find by full name too (the key of the keyword) and by phone in any format', async () => {
      const input = customerInput({ name: '杭州市博瑞软件有限公司', phone: '0571-88886666' });
      const c = (await app.ok(CREATE, { i: input }, sales1)).createCustomer;
      const byName = await app.ok(`{ duplicateCheck(keyword: "杭州博瑞软件技术有限公司") { customerId } }`, {}, sales2);
      expect(byName.duplicateCheck.map((m: { customerId: string }) => m.customerId)).toContain(c.id);
      const byPhone = await app.ok(`{ duplicateCheck(phone: "+86 571 8888 6666") { customerId } }`, {}, sales2);
      expect(byPhone.duplicateCheck).toEqual([{ customerId: c.id }]);
      const mobile = (input.contacts as { mobile: string }[])[0]?.mobile;
      const byContact = await app.ok(`query($p: String) { duplicateCheck(phone: $p) { customerId } }`, { p: mobile }, sales2);
      expect(byContact.duplicateCheck).toEqual([{ customerId: c.id }]);
    });

    it('should rank the exact trade name first and return at most 20', async () => {
      for (let i = 0; i < 22; i += 1)
        await app.ok(CREATE, { i: customerInput({ name: `深圳市海纳${'甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥'[i]}科技有限公司` }) }, sales1);
      const exact = (await app.ok(CREATE, { i: customerInput({ name: '深圳市海纳科技有限公司' }) }, sales1)).createCustomer;
      const data = await app.ok(`{ duplicateCheck(keyword: "海纳") { customerId name } }`, {}, sales2);
      expect(data.duplicateCheck).toHaveLength(20);
      expect(data.duplicateCheck[0].customerId).toBe(exact.id);
    });

    it('should require a keyword or a phone and be refused to after-sales', async () => {
      expect((await app.fails(`{ duplicateCheck { customerId } }`, {}, sales1)).extensions?.fields).toHaveProperty('keyword');
      expect((await app.fails(`{ duplicateCheck(keyword: "春意") { customerId } }`, {}, await app.login('aftersales1'))).extensions?.code).toBe('FORBIDDEN');
    });
  });

  describe('visibility (P8)', () => {
    it('should give another salesperson the public card and FORBIDDEN on details, not empty values', async () => {
      const c = (await app.ok(CREATE, { i: customerInput() }, sales1)).createCustomer;
      const result = await app.execute(
        `query($id: ID!) { customer(id: $id) { name stage custodian { username } phone address contacts { name } followUps { totalCount } } }`,
        { id: c.id },
        { token: sales2 },
      );
      expect(result.data?.customer).toMatchObject({ name: c.name, stage: 'PROSPECT', custodian: { username: 'sales1' }, phone: null, contacts: null });
      const forbidden = (result.errors ?? []).map((e) => [e.path?.join('.'), e.extensions?.code]);
      expect(forbidden).toEqual(
        expect.arrayContaining([
          ['customer.phone', 'FORBIDDEN'],
          ['customer.address', 'FORBIDDEN'],
          ['customer.contacts', 'FORBIDDEN'],
          ['customer.followUps', 'FORBIDDEN'],
        ]),
      );
    });

    it('should show full details to the custodian, a manager, an auditor and after-sales', async () => {
      const c = (await app.ok(CREATE, { i: customerInput() }, sales1)).createCustomer;
      for (const user of ['sales1', 'manager1', 'auditor1', 'aftersales1']) {
        const data = await app.ok(`query($id: ID!) { customer(id: $id) { phone contacts { name } } }`, { id: c.id }, await app.login(user));
        expect(data.customer.contacts).toHaveLength(1);
      }
    });

    it('should list a salesperson’s own customers by default and public cards with scope ALL', async () => {
      const mine = await app.ok(`{ customers(first: 100) { edges { node { custodian { username } } } } }`, {}, sales2);
      expect(new Set(mine.customers.edges.map((e: { node: { custodian: { username: string } } }) => e.node.custodian.username))).toEqual(new Set(['sales2']));
      const all = await app.ok(`{ customers(first: 100, filter: { scope: ALL }) { totalCount edges { node { custodian { username } } } } }`, {}, sales2);
      expect(all.customers.totalCount).toBeGreaterThan(mine.customers.edges.length);
    });
  });

  describe('customers connection', () => {
    it('should filter, order and page without gaps or repeats', async () => {
      const seen: string[] = [];
      let after: string | null = null;
      const q = `query($after: String) { customers(first: 4, after: $after, filter: { scope: ALL }, orderBy: { field: NAME, direction: ASC }) { totalCount pageInfo { hasNextPage endCursor } edges { node { id name } } } }`;
      let total = 0;
      for (;;) {
        const data: {
          customers: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string }; edges: { node: { id: string; name: string } }[] };
        } = await app.ok(q, { after }, manager);
        total = data.customers.totalCount;
        seen.push(...data.customers.edges.map((e) => e.node.name));
        if (!data.customers.pageInfo.hasNextPage) break;
        after = data.customers.pageInfo.endCursor;
      }
      expect(seen).toHaveLength(total);
      expect([...seen].sort()).toEqual(seen);
      const byKeyword = await app.ok(`{ customers(filter: { keyword: "春意" }) { edges { node { name } } } }`, {}, manager);
      // customerInput's generated names may hold 春意 too (its counter runs on across the files a worker shares): expect exactly the names that do.
      const containing = seen.filter((name) => name.includes('春意'));
      expect(containing).toContain('靖江市春意空调有限公司');
      expect(byKeyword.customers.edges.map((e: { node: { name: string } }) => e.node.name).sort()).toEqual(containing.sort());
      const pending = await app.ok(`{ customers(filter: { state: "prospect.pendingAudit", stage: PROSPECT }, first: 1) { totalCount } }`, {}, manager);
      expect(pending.customers.totalCount).toBe(total);
      const unknown = await app.fails(`{ customers(filter: { state: "PROTECTED" }) { totalCount } }`, {}, manager);
      expect(unknown.extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        fields: { 'filter.state': expect.stringMatching(/^must be one of pool, prospect.pendingAudit, /) },
      });
    });

    it('should refuse a cursor it did not give out', async () => {
      const e = await app.fails(`{ customers(after: "bm9wZQ") { totalCount } }`, {}, manager);
      expect(e.extensions?.fields).toHaveProperty('after');
    });
  });

  describe('single customer', () => {
    it('should answer NOT_FOUND for an unknown id', async () => {
      expect((await app.fails(GET, { id: '00000000-0000-4000-8000-000000000000' }, sales1)).extensions?.code).toBe('NOT_FOUND');
    });
  });
});

describe('the database refuses deletes (E6)', () => {
  it('should refuse to delete a customer, a follow-up or a history row even with raw SQL', async () => {
    const app = await startTestApp();
    try {
      const { sql } = await import('drizzle-orm');
      const sales1 = await app.login('sales1');
      const c = (await app.ok(CREATE, { i: customerInput() }, sales1)).createCustomer;
      await app.ok(
        `mutation($c: ID!) { addFollowUp(customerId: $c, input: { channel: PHONE, notes: "电话联系了采购经理。", nextContactAt: "2027-01-01T00:00:00Z" }) { id } }`,
        { c: c.id },
        sales1,
      );
      for (const table of ['customers', 'contacts', 'follow_ups', 'transitions', 'users']) {
        await expect(app.database.db.execute(sql.raw(`delete from ${table}`))).rejects.toThrow();
      }
      expect(await app.database.db.select().from(customers)).toHaveLength(1);
      const users = await app.database.rows<{ n: number }>(app.database.db, sql`select count(*)::int as n from users`);
      expect(users[0]?.n).toBe(DEMO_USERS.length);
    } finally {
      await app.close();
    }
  });
});
