import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contracts, payments } from '../../../src/platform/db/schema.js';
import { onPostgres, startTestApp, type TestApp } from '../../support/app.js';
import { draftContract } from '../../support/contracts.js';
import { intentCustomer } from '../../support/customers.js';
import { historyOf } from '../../support/races.js';

/** C3/C4 races on a real PostgreSQL. */
describe.skipIf(!onPostgres)('contract races (PostgreSQL)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => app?.close());

  it('should let exactly one of confirm and void win, 20 times, with history matching the state', async () => {
    const outcomes: Record<string, number> = {};
    const [sales, manager] = [await app.login('sales1'), await app.login('manager1')];
    for (let i = 0; i < 20; i += 1) {
      const c = await intentCustomer(app, 'sales1');
      const { id } = await draftContract(app, c.id, sales);
      const [confirm, voided] = await Promise.all([
        app.execute(`mutation($id: ID!) { confirmContract(id: $id) { state } }`, { id }, { token: sales }),
        app.execute(`mutation($id: ID!) { voidContract(id: $id, reason: "客户取消订单") { state } }`, { id }, { token: manager }),
      ]);
      expect([confirm, voided].filter((r) => !r.errors)).toHaveLength(1);
      const [row] = await app.database.db.select().from(contracts).where(eq(contracts.id, id));
      const last = (await historyOf(app, id)).at(-1);
      expect(last?.toState).toBe(row?.state);
      const [customer] = await app.services.customers.byIds([c.id]);
      expect(customer?.state).toBe(row?.state === 'confirmed' ? 'formal' : 'intent');
      outcomes[row?.state ?? '?'] = (outcomes[row?.state ?? '?'] ?? 0) + 1;
    }
    console.log(`confirm vs void: ${JSON.stringify(outcomes)}`);
  });

  it('should never overpay when two payments race for the last amount, 20 times', async () => {
    const [sales, after, manager] = [await app.login('sales1'), await app.login('aftersales1'), await app.login('manager1')];
    let refused = 0;
    for (let i = 0; i < 20; i += 1) {
      const c = await intentCustomer(app, 'sales1');
      const { id } = await draftContract(app, c.id, sales, '1000.00');
      await app.ok(`mutation($id: ID!) { confirmContract(id: $id) { state } }`, { id }, sales);
      const pay = (token: string) =>
        app.execute(
          `mutation($id: ID!) { recordPayment(contractId: $id, input: { amount: "700.00", paidAt: "2026-11-23T00:00:00Z", method: CASH }) { amount } }`,
          { id },
          { token },
        );
      const results = await Promise.all([pay(after), pay(manager)]);
      expect(results.filter((r) => !r.errors)).toHaveLength(1);
      refused += results.filter((r) => r.errors?.[0]?.extensions?.code === 'BAD_USER_INPUT').length;
      const [row] = await app.database.db.select().from(contracts).where(eq(contracts.id, id));
      expect(row?.paid).toBe('700.00');
      expect(await app.database.db.select().from(payments).where(eq(payments.contractId, id))).toHaveLength(1);
    }
    console.log(`two payments racing: 20 races, 20 single payments, ${refused} refused as overpayment`);
    expect(refused).toBe(20);
  });
});
