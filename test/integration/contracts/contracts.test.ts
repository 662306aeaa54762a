import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contracts } from '../../../src/platform/db/schema.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { COMPLETE, CONTRACT_FIELDS, draftContract } from '../../support/contracts.js';
import { createCustomer, intentCustomer, protectedCustomer } from '../../support/customers.js';
import { policyWith } from '../../support/policy.js';
import { historyOf } from '../../support/races.js';

const RESERVE = `mutation($c: ID!) { reserveContract(customerId: $c) { ${CONTRACT_FIELDS} } }`;
const UPDATE = `mutation($id: ID!, $i: ContractInput!, $v: Int) { updateContract(id: $id, input: $i, expectedVersion: $v) { ${CONTRACT_FIELDS} } }`;
const ADD_LINE = `mutation($id: ID!, $l: ContractLineInput!) { addContractLine(contractId: $id, input: $l) { id amount } }`;
const CONFIRM = `mutation($id: ID!) { confirmContract(id: $id) { ${CONTRACT_FIELDS} } }`;
const VOID = `mutation($id: ID!, $r: String!) { voidContract(id: $id, reason: $r) { state } }`;
const PAY = `mutation($id: ID!, $i: PaymentInput!) { recordPayment(contractId: $id, input: $i) { amount } }`;
const GET = `query($id: ID!) { contract(id: $id) { ${CONTRACT_FIELDS} customer { state stage custodian { username } } } }`;

describe('contracts and payments', () => {
  let app: TestApp;
  const t = (u: string) => app.login(u);
  beforeAll(async () => {
    app = await startTestApp({ policy: policyWith({ contract: { afterSales: { mode: 'USER', username: 'aftersales1' } } }) });
  });
  afterAll(async () => app?.close());

  describe('C1 who signs', () => {
    it('should let the custodian of an intent customer reserve a numbered contract', async () => {
      const c = await intentCustomer(app, 'sales1');
      const data = await app.ok(RESERVE, { c: c.id }, await t('sales1'));
      expect(data.reserveContract).toMatchObject({ state: 'reserved', number: expect.stringMatching(/^HT-2026-\d{6}$/), total: '0.00' });
    });

    it('should refuse a prospect with ILLEGAL_TRANSITION and another salesperson with FORBIDDEN', async () => {
      const p = await protectedCustomer(app, 'sales1');
      expect((await app.fails(RESERVE, { c: p.id }, await t('sales1'))).extensions).toMatchObject({
        code: 'ILLEGAL_TRANSITION',
        rule: 'C1',
        state: 'prospect.protected',
      });
      const c = await intentCustomer(app, 'sales1');
      expect((await app.fails(RESERVE, { c: c.id }, await t('sales2'))).extensions).toMatchObject({ code: 'FORBIDDEN', rule: 'C1' });
      expect((await app.fails(RESERVE, { c: c.id }, await t('aftersales1'))).extensions?.code).toBe('FORBIDDEN');
    });
  });

  describe('C2 fill in and confirm', () => {
    it('should move to draft on the first update and compute totals on the server', async () => {
      const c = await intentCustomer(app, 'sales1');
      const r = (await app.ok(RESERVE, { c: c.id }, await t('sales1'))).reserveContract;
      const u = await app.ok(UPDATE, { id: r.id, i: { type: '销售合同' }, v: r.version }, await t('sales1'));
      expect(u.updateContract).toMatchObject({ state: 'draft', version: r.version + 1 });
      await app.ok(ADD_LINE, { id: r.id, l: { description: '配件', quantity: '3', unitPrice: '0.10' } }, await t('sales1'));
      await app.ok(ADD_LINE, { id: r.id, l: { description: '机组', quantity: '2.5', unitPrice: '19.99', discount: '0.1' } }, await t('sales1'));
      const view = await app.ok(GET, { id: r.id }, await t('sales1'));
      expect(view.contract.lines.map((l: { amount: string }) => l.amount)).toEqual(['0.30', '44.98']);
      expect(view.contract.total).toBe('45.28');
    });

    it('should refuse confirmation listing every missing C2 field, and change nothing', async () => {
      const c = await intentCustomer(app, 'sales1');
      const r = (await app.ok(RESERVE, { c: c.id }, await t('sales1'))).reserveContract;
      await app.ok(UPDATE, { id: r.id, i: { type: '销售合同' } }, await t('sales1'));
      const e = await app.fails(CONFIRM, { id: r.id }, await t('sales1'));
      expect(e.extensions).toMatchObject({ code: 'BAD_USER_INPUT', rule: 'C2' });
      expect(Object.keys(e.extensions?.fields as object)).toEqual(
        expect.arrayContaining(['input.signDate', 'input.paymentMethod', 'input.buyer.name', 'input.commitments', 'lines']),
      );
      expect((await app.ok(GET, { id: r.id }, await t('sales1'))).contract.state).toBe('draft');
    });

    it('should confirm, make the customer formal and hand it to after-sales in one transaction (P6)', async () => {
      const c = await intentCustomer(app, 'sales1');
      const { id } = await draftContract(app, c.id, await t('sales1'));
      const data = await app.ok(CONFIRM, { id }, await t('sales1'));
      expect(data.confirmContract.state).toBe('confirmed');
      const view = await app.ok(GET, { id }, await t('manager1'));
      expect(view.contract.customer).toEqual({ state: 'formal', stage: 'FORMAL', custodian: { username: 'aftersales1' } });
      const signed = await historyOf(app, c.id);
      expect(signed.at(-1)).toMatchObject({ event: 'CONTRACT_SIGNED', fromState: 'intent', toState: 'formal', payload: { contractId: id } });
      // Confirmed means locked.
      expect((await app.fails(UPDATE, { id, i: { terms: '改条款' } }, await t('manager1'))).extensions).toMatchObject({
        code: 'ILLEGAL_TRANSITION',
        state: 'confirmed',
      });
      expect((await app.fails(ADD_LINE, { id, l: { description: 'x', quantity: '1', unitPrice: '1' } }, await t('manager1'))).extensions?.code).toBe(
        'ILLEGAL_TRANSITION',
      );
    });

    it('should keep a formal customer formal on a second contract, reserved by after-sales', async () => {
      const c = await intentCustomer(app, 'sales1');
      await app.ok(CONFIRM, { id: (await draftContract(app, c.id, await t('sales1'))).id }, await t('sales1'));
      const second = await draftContract(app, c.id, await t('aftersales1'), '500.00');
      const data = await app.ok(CONFIRM, { id: second.id }, await t('aftersales1'));
      expect(data.confirmContract.state).toBe('confirmed');
      const [row] = await app.services.customers.byIds([c.id]);
      expect(row?.state).toBe('formal');
    });

    it('should check dates, payment method and decimals per field', async () => {
      const c = await intentCustomer(app, 'sales1');
      const r = (await app.ok(RESERVE, { c: c.id }, await t('sales1'))).reserveContract;
      const e = await app.fails(UPDATE, { id: r.id, i: { signDate: '2026-02-30', startDate: '2027-01-01', endDate: '2026-01-01' } }, await t('sales1'));
      expect(Object.keys(e.extensions?.fields as object).sort()).toEqual(['input.endDate', 'input.signDate']);
      const f = await app.fails(ADD_LINE, { id: r.id, l: { description: 'x', quantity: '0', unitPrice: '1.234' } }, await t('sales1'));
      expect(Object.keys(f.extensions?.fields as object).sort()).toEqual(['input.quantity', 'input.unitPrice']);
      const float = await app.fails(
        `mutation($id: ID!) { addContractLine(contractId: $id, input: { description: "x", quantity: 1, unitPrice: "1" }) { id } }`,
        { id: r.id },
        await t('sales1'),
      );
      expect(float.extensions?.code).toBe('BAD_USER_INPUT');
    });
  });

  describe('C4 void', () => {
    it('should void a draft with a reason and never reuse its number', async () => {
      const c = await intentCustomer(app, 'sales1');
      const first = await draftContract(app, c.id, await t('sales1'));
      expect((await app.fails(VOID, { id: first.id, r: ' ' }, await t('sales1'))).extensions).toMatchObject({ code: 'BAD_USER_INPUT', rule: 'C4' });
      expect((await app.ok(VOID, { id: first.id, r: '客户要求修改条款' }, await t('sales1'))).voidContract.state).toBe('voided');
      const next = (await app.ok(RESERVE, { c: c.id }, await t('sales1'))).reserveContract;
      expect(next.number).not.toBe(first.number);
      expect(Number(next.number.slice(-6))).toBeGreaterThan(Number(first.number.slice(-6)));
      const numbers = await app.database.rows<{ n: number; d: number }>(
        app.database.db,
        sql`select count(*)::int as n, count(distinct number)::int as d from contracts`,
      );
      expect(numbers[0]?.n).toBe(numbers[0]?.d);
    });

    it('should not void a confirmed contract; a manager terminates it with a reason', async () => {
      const c = await intentCustomer(app, 'sales1');
      const { id } = await draftContract(app, c.id, await t('sales1'));
      await app.ok(CONFIRM, { id }, await t('sales1'));
      expect((await app.fails(VOID, { id, r: '不要了' }, await t('manager1'))).extensions).toMatchObject({
        code: 'ILLEGAL_TRANSITION',
        allowedEvents: ['TERMINATE', 'PAYMENT'],
      });
      expect(
        (await app.fails(`mutation($id: ID!) { terminateContract(id: $id, reason: "客户违约") { state } }`, { id }, await t('aftersales1'))).extensions?.code,
      ).toBe('FORBIDDEN');
      expect(
        (await app.ok(`mutation($id: ID!) { terminateContract(id: $id, reason: "客户违约") { state } }`, { id }, await t('manager1'))).terminateContract.state,
      ).toBe('terminated');
    });
  });

  describe('C3 payments', () => {
    it('should record payments, refuse overpayment and settle at the total', async () => {
      const c = await intentCustomer(app, 'sales1');
      const { id } = await draftContract(app, c.id, await t('sales1'), '1000.00');
      expect(
        (await app.fails(PAY, { id, i: { amount: '10.00', paidAt: '2026-11-23T00:00:00Z', method: 'CASH' } }, await t('aftersales1'))).extensions?.code,
      ).toBe('ILLEGAL_TRANSITION');
      await app.ok(CONFIRM, { id }, await t('sales1'));
      const pay = (amount: string) => ({ id, i: { amount, paidAt: '2026-11-23T00:00:00Z', method: 'BANK_TRANSFER', account: '6222 0000 1111' } });
      await app.ok(PAY, pay('600.00'), await t('aftersales1'));
      const over = await app.fails(PAY, pay('400.01'), await t('aftersales1'));
      expect(over.extensions).toMatchObject({ code: 'BAD_USER_INPUT', rule: 'C3', fields: { 'input.amount': expect.stringMatching(/exceed/) } });
      expect((await app.fails(PAY, pay('0'), await t('aftersales1'))).extensions?.code).toBe('BAD_USER_INPUT');
      expect((await app.ok(GET, { id }, await t('aftersales1'))).contract).toMatchObject({
        state: 'confirmed',
        paidAmount: '600.00',
        outstandingAmount: '400.00',
      });
      await app.ok(PAY, pay('400.00'), await t('manager1'));
      const done = await app.ok(GET, { id }, await t('aftersales1'));
      expect(done.contract).toMatchObject({
        state: 'settled',
        paidAmount: '1000.00',
        outstandingAmount: '0.00',
        payments: [{ amount: '600.00' }, { amount: '400.00' }],
      });
      expect((await app.fails(PAY, pay('1.00'), await t('aftersales1'))).extensions?.code).toBe('ILLEGAL_TRANSITION');
    });

    it('should track delivery on a confirmed contract', async () => {
      const c = await intentCustomer(app, 'sales1');
      const { id } = await draftContract(app, c.id, await t('sales1'));
      await app.ok(CONFIRM, { id }, await t('sales1'));
      const d = await app.ok(`mutation($id: ID!) { updateDelivery(contractId: $id, status: PARTIAL) { deliveryStatus } }`, { id }, await t('aftersales1'));
      expect(d.updateDelivery.deliveryStatus).toBe('PARTIAL');
      expect(
        (await app.fails(`mutation($id: ID!) { updateDelivery(contractId: $id, status: DELIVERED) { deliveryStatus } }`, { id }, await t('sales2'))).extensions
          ?.code,
      ).toBe('FORBIDDEN');
    });
  });

  describe('money exactness', () => {
    it('should total a 10,000-line contract exactly and confirm it', async () => {
      const c = await intentCustomer(app, 'sales1');
      const r = (await app.ok(RESERVE, { c: c.id }, await t('sales1'))).reserveContract;
      await app.ok(UPDATE, { id: r.id, i: COMPLETE }, await t('sales1'));
      const viewer = await app.services.users.viewerForToken(await t('sales1'));
      const lines = Array.from({ length: 10_000 }, (_, i) => ({ description: `零件 ${i}`, quantity: '3', unitPrice: '0.10', discount: i % 2 ? '0.5' : '0' }));
      await app.services.contractLines.addLines(viewer, r.id, lines);
      const [row] = await app.database.db.select().from(contracts).where(eq(contracts.id, r.id));
      // 5,000 × 0.30 + 5,000 × 0.15 = 2250.00
      expect(row?.total).toBe('2250.00');
      await app.ok(CONFIRM, { id: r.id }, await t('sales1'));
    });
  });

  describe('products', () => {
    it('should let a manager keep the catalogue and sales use it for lines at list price', async () => {
      const p = await app.ok(
        `mutation { createProduct(input: { code: "AC-100", name: "春意 AC-100 空调机组", unit: "台", listPrice: "12800.00" }) { id code listPrice active } }`,
        {},
        await t('manager1'),
      );
      expect(p.createProduct).toMatchObject({ code: 'AC-100', listPrice: '12800.00', active: true });
      expect(
        (await app.fails(`mutation { createProduct(input: { code: "ac-100", name: "重复", unit: "台", listPrice: "1" }) { id } }`, {}, await t('manager1')))
          .extensions?.code,
      ).toBe('DUPLICATE');
      expect(
        (await app.fails(`mutation { createProduct(input: { code: "X1", name: "x", unit: "台", listPrice: "1" }) { id } }`, {}, await t('sales1'))).extensions
          ?.code,
      ).toBe('FORBIDDEN');
      const c = await intentCustomer(app, 'sales1');
      const r = (await app.ok(RESERVE, { c: c.id }, await t('sales1'))).reserveContract;
      const line = await app.ok(
        `mutation($id: ID!, $p: ID!) { addContractLine(contractId: $id, input: { productId: $p, quantity: "2" }) { amount description product { code } } }`,
        { id: r.id, p: p.createProduct.id },
        await t('sales1'),
      );
      expect(line.addContractLine).toEqual({ amount: '25600.00', description: '春意 AC-100 空调机组', product: { code: 'AC-100' } });
      const list = await app.ok(`{ products(filter: { keyword: "AC" }) { totalCount edges { node { code } } } }`, {}, await t('sales1'));
      expect(list.products.totalCount).toBe(1);
    });
  });

  describe('reads', () => {
    it('should list a customer’s contracts and filter by state; details follow P8', async () => {
      const c = await intentCustomer(app, 'sales3');
      const { id } = await draftContract(app, c.id, await t('sales3'));
      const list = await app.ok(
        `query($c: ID!) { contracts(filter: { customerId: $c, state: "draft" }) { totalCount edges { node { id } } } }`,
        { c: c.id },
        await t('sales3'),
      );
      expect(list.contracts.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual([id]);
      const unknown = await app.fails(`{ contracts(filter: { state: "CONFIRMED" }) { totalCount } }`, {}, await t('sales3'));
      expect(unknown.extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        fields: { 'filter.state': 'must be one of reserved, draft, creditReview, confirmed, settled, voided, terminated' },
      });
      const onCustomer = await app.ok(`query($c: ID!) { customer(id: $c) { contracts { number state } } }`, { c: c.id }, await t('sales3'));
      expect(onCustomer.customer.contracts).toHaveLength(1);
      expect((await app.fails(GET, { id }, await t('sales2'))).extensions).toMatchObject({ code: 'FORBIDDEN', rule: 'P8' });
      const others = await app.ok(`{ contracts(first: 100) { edges { node { id } } } }`, {}, await t('sales2'));
      expect(others.contracts.edges.map((e: { node: { id: string } }) => e.node.id)).not.toContain(id);
    });

    it('should refuse contracts on a customer who is not yet intent', async () => {
      const c = await createCustomer(app, 'sales1');
      expect((await app.fails(RESERVE, { c: c.id }, await t('sales1'))).extensions?.rule).toBe('C1');
    });
  });
});
