import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customerNames } from '../../../src/platform/db/schema.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { customerInput } from '../../support/customers.js';

const CREATE = `mutation($i: CreateCustomerInput!) { createCustomer(input: $i) { id version tradeName } }`;
const UPDATE = `mutation($id: ID!, $i: UpdateCustomerInput!) { updateCustomer(id: $id, input: $i) { id tradeName } }`;
const CHECK = `query($k: String, $p: String) { duplicateCheck(keyword: $k, phone: $p) { customerId name tradeName } }`;

describe('duplicateCheck limits and its search table (issue 14)', () => {
  let app: TestApp;
  let sales1: string;
  let sales2: string;
  beforeAll(async () => {
    app = await startTestApp();
    [sales1, sales2] = await Promise.all([app.login('sales1'), app.login('sales2')]);
  });
  afterAll(async () => app?.close());

  /** Runs `fn` and returns the statements it sent to the database. */
  async function statementsOf(fn: () => Promise<unknown>): Promise<string[]> {
    const seen: string[] = [];
    const stop = app.database.onQuery((q) => seen.push(q));
    try {
      await fn();
    } finally {
      stop();
    }
    return seen;
  }

  describe('argument lengths (E2)', () => {
    it('should accept a keyword of 100 characters and refuse 101 with BAD_USER_INPUT naming keyword, before any query', async () => {
      expect((await app.ok<{ duplicateCheck: unknown[] }>(CHECK, { k: '春'.repeat(100) }, sales1)).duplicateCheck).toEqual([]);
      let error: Awaited<ReturnType<TestApp['fails']>> | undefined;
      const statements = await statementsOf(async () => (error = await app.fails(CHECK, { k: '春'.repeat(101) }, sales1)));
      expect(error?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(error?.extensions?.fields).toEqual({ keyword: 'must be at most 100 characters' });
      expect(statements).toEqual([]);
    });

    it('should count characters, not UTF-16 units: 100 characters outside the BMP are fine', async () => {
      expect((await app.ok<{ duplicateCheck: unknown[] }>(CHECK, { k: '𠀀'.repeat(100) }, sales1)).duplicateCheck).toEqual([]);
      expect((await app.fails(CHECK, { k: '𠀀'.repeat(101) }, sales1)).extensions?.fields).toHaveProperty('keyword');
    });

    it('should refuse a 1 MB keyword with BAD_USER_INPUT', async () => {
      const e = await app.fails(CHECK, { k: '春意'.repeat(512 * 1024) }, sales1);
      expect(e.extensions?.code).toBe('BAD_USER_INPUT');
      expect(e.extensions?.fields).toEqual({ keyword: 'must be at most 100 characters' });
    });

    // NFC can make a text longer (U+0958 is two characters in NFC, U+FB2C three): the boundary
    // measures the form it hands on too, so the search never sees more than 100 characters.
    it('should refuse a keyword or phone whose NFC form is over the limit, before any query', async () => {
      let error: Awaited<ReturnType<TestApp['fails']>> | undefined;
      const statements = await statementsOf(async () => (error = await app.fails(CHECK, { k: '\u0958'.repeat(100) }, sales1)));
      expect(error?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(error?.extensions?.fields).toEqual({ keyword: 'must be at most 100 characters' });
      expect(statements).toEqual([]);
      const phone = await app.fails(CHECK, { p: '\ufb2c'.repeat(14) }, sales1);
      expect(phone.extensions?.fields).toEqual({ phone: 'must be at most 40 characters' });
    });

    it('should refuse a phone over 40 characters naming phone, and both arguments at once', async () => {
      const e = await app.fails(CHECK, { p: '1'.repeat(41) }, sales1);
      expect(e.extensions?.code).toBe('BAD_USER_INPUT');
      expect(e.extensions?.fields).toEqual({ phone: 'must be at most 40 characters' });
      const both = await app.fails(CHECK, { k: 'x'.repeat(1_000_000), p: '1'.repeat(1_000_000) }, sales1);
      expect(Object.keys(both.extensions?.fields as object).sort()).toEqual(['keyword', 'phone']);
    });
  });

  describe('the search table (customer_names)', () => {
    it('should follow a rename: the new name and key are found, the old ones no longer', async () => {
      const c = (await app.ok<{ createCustomer: { id: string } }>(CREATE, { i: customerInput({ name: '扬州市澄明照明有限公司' }) }, sales1)).createCustomer;
      expect((await app.ok<{ duplicateCheck: { customerId: string }[] }>(CHECK, { k: '澄明' }, sales2)).duplicateCheck.map((m) => m.customerId)).toEqual([
        c.id,
      ]);
      await app.ok(UPDATE, { id: c.id, i: { name: '扬州市朗晖照明有限公司' } }, sales1);
      expect((await app.ok<{ duplicateCheck: unknown[] }>(CHECK, { k: '澄明' }, sales2)).duplicateCheck).toEqual([]);
      expect((await app.ok<{ duplicateCheck: unknown[] }>(CHECK, { k: '朗晖' }, sales2)).duplicateCheck).toEqual([
        { customerId: c.id, name: '扬州市朗晖照明有限公司', tradeName: '朗晖' },
      ]);
      const [row] = await app.database.db.select().from(customerNames).where(eq(customerNames.customerId, c.id));
      expect(row).toEqual({
        customerId: c.id,
        name: '扬州市朗晖照明有限公司',
        tradeName: '朗晖',
        namePairs: '扬扬州州市市朗朗晖晖照照明明有有限限公公司司',
        tradeNamePairs: '朗朗晖晖',
      });
    });

    it('should find a key inside a longer key and a name containing two characters, ranked after the equal key (E4)', async () => {
      for (const name of ['镇江市澜拓科技有限公司', '镇江市澜拓远景科技有限公司', '镇江市远景澜拓电子有限公司']) {
        await app.ok(CREATE, { i: customerInput({ name }) }, sales1);
      }
      const keys = (await app.ok<{ duplicateCheck: { tradeName: string }[] }>(CHECK, { k: '澜拓' }, sales2)).duplicateCheck.map((m) => m.tradeName);
      expect(keys[0]).toBe('澜拓');
      expect(keys.slice(1).sort()).toEqual(['澜拓远景', '远景澜拓']);
    });

    it("should serve the customer list's keyword filter too: a rename is followed, one or two characters and ILIKE's _ match", async () => {
      const c = (await app.ok<{ createCustomer: { id: string } }>(CREATE, { i: customerInput({ name: '泰州市翠微园林有限公司' }) }, sales1)).createCustomer;
      const names = async (keyword: string) =>
        (
          await app.ok<{ customers: { edges: { node: { id: string } }[] } }>(
            `query($k: String) { customers(filter: { keyword: $k, scope: ALL }) { edges { node { id } } } }`,
            { k: keyword },
            sales1,
          )
        ).customers.edges.map((e) => e.node.id);
      expect(await names('翠微')).toEqual([c.id]);
      expect(await names('翠')).toEqual([c.id]);
      expect(await names('翠_园')).toEqual([c.id]);
      await app.ok(UPDATE, { id: c.id, i: { name: '泰州市碧波园林有限公司' } }, sales1);
      expect(await names('翠微')).toEqual([]);
      expect(await names('碧波园林')).toEqual([c.id]);
    });

    it('should take % and _ in a keyword literally', async () => {
      expect((await app.ok<{ duplicateCheck: unknown[] }>(CHECK, { k: '%%' }, sales2)).duplicateCheck).toEqual([]);
      expect((await app.ok<{ duplicateCheck: unknown[] }>(CHECK, { k: '__' }, sales2)).duplicateCheck).toEqual([]);
    });
  });
});
