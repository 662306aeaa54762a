import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { policyWith } from '../support/policy.js';

/** The demo seed replays each customer's life through the real engine (README: demo data). */
describe('demo seed', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ seedDemoCustomers: true });
  });
  afterAll(async () => app?.close());

  it('should seed about 30 customers in every stage, with contacts, follow-ups and history', async () => {
    const stages = await app.database.rows<{ stage: string; state: string; n: number }>(
      app.database.db,
      sql`select stage, state, count(*)::int as n from customers group by 1, 2 order by 1, 2`,
    );
    const byStage = Object.fromEntries(
      ['POOL', 'PROSPECT', 'INTENT', 'FORMAL'].map((s) => [s, stages.filter((r) => r.stage === s).reduce((a, r) => a + r.n, 0)]),
    );
    expect(Object.values(byStage).reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(30);
    for (const s of Object.keys(byStage)) expect(byStage[s], s).toBeGreaterThan(0);
    expect(stages.map((r) => r.state)).toEqual(expect.arrayContaining(['prospect.pendingAudit', 'prospect.rejected', 'prospect.protected']));
    const chunyi = await app.ok(`{ duplicateCheck(keyword: "春意") { name custodianName state } }`, {}, await app.login('sales1'));
    expect(chunyi.duplicateCheck[0]).toMatchObject({ name: '靖江市春意空调有限公司', state: 'prospect.protected' });
    const r = await app.ok(
      `{ reminders { overdue { customer { name } } today { customer { name } } upcoming { customer { name } } expiring { customer { name } } } }`,
      {},
      await app.login('sales1'),
    );
    expect(r.reminders.overdue.length + r.reminders.today.length + r.reminders.upcoming.length).toBeGreaterThan(0);
    const orphans = await app.database.rows<{ n: number }>(
      app.database.db,
      sql`select count(*)::int as n from customers c where not exists (select 1 from transitions t where t.entity_id = c.id and t.to_state = c.state)`,
    );
    expect(orphans[0]?.n).toBe(0);
    const states = await app.database.rows<{ state: string }>(app.database.db, sql`select distinct state from contracts order by 1`);
    expect(states.map((r) => r.state)).toEqual(['confirmed', 'creditReview', 'draft', 'reserved', 'settled', 'terminated', 'voided']);
    // V5: one order over its customer's credit limit waits for a manager.
    const credit = await app.database.rows<{ n: number }>(
      app.database.db,
      sql`select count(*)::int as n from applications where kind = 'CREDIT' and state = 'pending' and contract_id is not null`,
    );
    expect(credit[0]?.n).toBe(1);
    // V4: one complaint resolved and closed, one still open past the SLA.
    const complaintStates = await app.database.rows<{ state: string }>(app.database.db, sql`select state from complaints order by created_at`);
    expect(complaintStates.map((r) => r.state)).toEqual(['closed', 'open']);
    const formal = await app.database.rows<{ n: number }>(
      app.database.db,
      sql`select count(*)::int as n from customers c where c.stage = 'FORMAL' and not exists (select 1 from contracts k where k.customer_id = c.id and k.confirmed_at is not null)`,
    );
    expect(formal[0]?.n).toBe(0);
    // The audit queue holds only applications for customers still awaiting audit, and the credit decision (V5).
    const stale = await app.database.rows<{ n: number }>(
      app.database.db,
      sql`select count(*)::int as n from applications a join customers c on c.id = a.customer_id where a.state = 'pending' and a.kind <> 'CREDIT' and c.state <> 'prospect.pendingAudit'`,
    );
    expect(stale[0]?.n).toBe(0);
  });

  it('should seed under a policy of seconds-long terms too (README: watch the machine move by itself)', async () => {
    const fast = await startTestApp({ seedDemoCustomers: true, policy: policyWith({ customer: { prospectTerm: 'PT30S' } }) });
    try {
      const [n] = await fast.database.rows<{ n: number }>(fast.database.db, sql`select count(*)::int as n from customers`);
      expect(n?.n).toBeGreaterThanOrEqual(30);
      expect(fast.services.policy().customer.prospectTerm).toBe('PT30S');
    } finally {
      await fast.close();
    }
  }, 120_000);
});
