import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customers } from '../../../src/platform/db/schema.js';
import { rederiveTradeNames } from '../../../src/customers/rules/e4-key-conflicts.js';
import { TRADE_NAME_KEY_VERSION } from '../../../src/customers/rules/e1-trade-name.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { MINUTE } from '../../support/clock.js';
import { createCustomer, customerInput, pendingApplication } from '../../support/customers.js';

const MATCH = `customerId name tradeName stage state custodianName`;
const CREATE = `mutation($i: CreateCustomerInput!) { createCustomer(input: $i) { id tradeName warnings { code message customers { ${MATCH} } } } }`;
const CHECK = `query($k: String) { duplicateCheck(keyword: $k) { ${MATCH} } }`;
const CHECKLIST = `query($id: ID!) { application(id: $id) { checklist { code passed detail } } }`;
const CONFLICTS = `query { duplicateKeyConflicts { tradeName customers { ${MATCH} } } }`;

describe('duplicate keys (issue 13 §1)', () => {
  let app: TestApp;
  let sales1: string;
  let sales2: string;
  let manager: string;
  let auditor: string;
  beforeAll(async () => {
    app = await startTestApp();
    [sales1, sales2, manager, auditor] = await Promise.all([app.login('sales1'), app.login('sales2'), app.login('manager1'), app.login('auditor1')]);
  });
  afterAll(async () => app?.close());

  const create = (name: string, token: string) => app.ok(CREATE, { i: customerInput({ name }) }, token);

  describe('E1 stacked industry words', () => {
    it('should refuse 泰州市同创包装 as a duplicate of 泰州同创医药包装 (E1, E4: both key 同创)', async () => {
      const first = await create('泰州同创医药包装有限公司', sales1);
      expect(first.createCustomer).toMatchObject({ tradeName: '同创', warnings: [] });
      const e = await app.fails(CREATE, { i: customerInput({ name: '泰州市同创包装有限公司' }) }, sales2);
      expect(e.extensions?.code).toBe('DUPLICATE');
      expect(e.extensions?.matches).toMatchObject([{ id: first.createCustomer.id, tradeName: '同创' }]);
    });
  });

  describe('E4 similar keys', () => {
    let older: string;
    let newer: string;
    it('should accept a key containing an existing key, with a SIMILAR_NAME warning naming it (E4)', async () => {
      older = (await create('无锡市宏达机械制造有限公司', sales1)).createCustomer.id;
      const data = await create('宏达华光照明有限公司', sales2);
      newer = data.createCustomer.id;
      expect(data.createCustomer.tradeName).toBe('宏达华光');
      expect(data.createCustomer.warnings).toEqual([
        {
          code: 'SIMILAR_NAME',
          message: expect.stringContaining('无锡市宏达机械制造有限公司'),
          customers: [
            {
              customerId: older,
              name: '无锡市宏达机械制造有限公司',
              tradeName: '宏达',
              stage: 'PROSPECT',
              state: 'prospect.pendingAudit',
              custodianName: expect.any(String),
            },
          ],
        },
      ]);
    });

    it('should warn the other way round too: a key contained in an existing key (E4)', async () => {
      const data = await create('靖江市华光五金有限公司', sales2);
      expect(data.createCustomer.tradeName).toBe('华光');
      expect(data.createCustomer.warnings[0].customers.map((m: { customerId: string }) => m.customerId)).toEqual([newer]);
    });

    it('should fail SIMILAR_NAME on the PROTECTION checklist, naming the similar customers (E4, P1)', async () => {
      const application = await pendingApplication(app, newer);
      const view = await app.ok(CHECKLIST, { id: application.id }, auditor);
      const item = view.application.checklist.find((i: { code: string }) => i.code === 'SIMILAR_NAME');
      expect(item.passed).toBe(false);
      expect(item.detail).toContain('无锡市宏达机械制造有限公司');
      expect(item.detail).toContain('靖江市华光五金有限公司');
    });

    it('should pass SIMILAR_NAME when no key is similar (E4)', async () => {
      const id = (await create('泰兴市远帆船舶工程有限公司', sales1)).createCustomer.id;
      const view = await app.ok(CHECKLIST, { id: (await pendingApplication(app, id)).id }, auditor);
      expect(view.application.checklist.find((i: { code: string }) => i.code === 'SIMILAR_NAME')).toMatchObject({ passed: true, detail: null });
    });

    it('should rank the exact key, then containing keys, before names that merely resemble (E2, E4)', async () => {
      await create('宏远达通物流有限公司', sales1);
      const data = await app.ok(CHECK, { k: '宏达' }, sales2);
      const keys = data.duplicateCheck.map((m: { tradeName: string }) => m.tradeName);
      expect(keys[0]).toBe('宏达');
      expect(keys[1]).toBe('宏达华光');
      const containing = keys.map((k: string) => k !== '宏达' && (k.includes('宏达') || '宏达'.includes(k)));
      expect(containing.slice(1, containing.lastIndexOf(true) + 1).every(Boolean)).toBe(true);
    });

    it('should not compare keys shorter than two characters (E4)', async () => {
      const data = await app.ok(CHECK, { k: '宏' }, sales2);
      expect(data.duplicateCheck.every((m: { tradeName: string }) => m.tradeName.includes('宏'))).toBe(true);
    });
  });

  describe('E1/E4 re-derivation of stored keys', () => {
    it('should re-derive old keys, keep both customers that now share a key, and list them for a manager (E1, E4)', async () => {
      // Keys as the old derivation stored them (one industry word stripped), version 1.
      for (const [name, oldKey] of [
        ['常州恒立液压设备制造有限公司', '恒立液压设备'],
        ['常州市恒立液压有限公司', '恒立液压'],
      ] as const) {
        const row = await createCustomer(app, 'sales1', { name });
        await app.database.db.update(customers).set({ tradeName: oldKey, tradeNameVersion: 1 }).where(eq(customers.id, row.id));
        app.clock.advance(MINUTE);
      }
      expect(await rederiveTradeNames(app.database)).toBeGreaterThanOrEqual(2);
      const rows = await app.database.db.select().from(customers).where(eq(customers.tradeName, '恒立'));
      expect(rows.map((r) => [r.name, r.keyConflict, r.tradeNameVersion]).sort()).toEqual([
        ['常州市恒立液压有限公司', true, TRADE_NAME_KEY_VERSION],
        ['常州恒立液压设备制造有限公司', false, TRADE_NAME_KEY_VERSION],
      ]);
      const data = await app.ok(CONFLICTS, {}, manager);
      expect(data.duplicateKeyConflicts).toEqual([
        {
          tradeName: '恒立',
          customers: [expect.objectContaining({ name: '常州恒立液压设备制造有限公司' }), expect.objectContaining({ name: '常州市恒立液压有限公司' })],
        },
      ]);
    });

    it('should do nothing the second time (E1)', async () => {
      expect(await rederiveTradeNames(app.database)).toBe(0);
    });

    it('should still refuse a new entry with the shared key (E4)', async () => {
      const e = await app.fails(CREATE, { i: customerInput({ name: '恒立液压制造有限公司' }) }, sales1);
      expect(e.extensions?.code).toBe('DUPLICATE');
      expect(e.extensions?.matches).toHaveLength(2);
    });

    it('should refuse duplicateKeyConflicts to anyone but a manager (E4)', async () => {
      for (const token of [sales1, auditor]) {
        expect((await app.fails(CONFLICTS, {}, token)).extensions?.code).toBe('FORBIDDEN');
      }
    });
  });
});
