/**
 * V5 (issue 18 §5): a formal customer's credit limit and term (MANAGER). Confirming a contract
 * that would take what the customer owes over the limit sends it to credit review with a CREDIT
 * application; a MANAGER's approval confirms it (and signs, P6), a rejection returns it to the
 * draft; payments make room again; receivables past the term are listed.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onPostgres, startTestApp, type TestApp } from '../../support/app.js';
import { DAY } from '../../support/clock.js';
import { draftContract } from '../../support/contracts.js';
import { intentCustomer, protectedCustomer } from '../../support/customers.js';

const SET_CREDIT = `mutation($c: ID!, $l: String, $t: Int) { setCustomerCredit(customerId: $c, limit: $l, termDays: $t) { id creditLimit creditTermDays } }`;
const CONFIRM = `mutation($id: ID!) { confirmContract(id: $id) { id state confirmedAt availableActions { event } } }`;
const CREDIT_APPS = `query($c: ID!) { customer(id: $c) { applications { id kind status contractId applicant { username } reason } } }`;

describe('credit limits (V5)', () => {
  let app: TestApp;
  let customerId: string;

  const token = (u: string) => app.login(u);
  const contractFor = async (price: string) => (await draftContract(app, customerId, await token('aftersales1'), price)).id;
  const creditApplication = async (contractId: string) => {
    const apps = (await app.ok(CREDIT_APPS, { c: customerId }, await token('manager1'))).customer.applications as {
      id: string;
      kind: string;
      status: string;
      contractId: string | null;
    }[];
    return apps.find((a) => a.kind === 'CREDIT' && a.contractId === contractId);
  };

  beforeAll(async () => {
    app = await startTestApp();
    const customer = await intentCustomer(app, 'sales1');
    customerId = customer.id;
    const first = (await draftContract(app, customerId, await token('sales1'), '1000.00')).id;
    await app.ok(CONFIRM, { id: first }, await token('sales1')); // formal; after-sales holds it (P6)
    await app.ok(SET_CREDIT, { c: customerId, l: '1500.00', t: 30 }, await token('manager1'));
  });
  afterAll(async () => app?.close());

  it('V5: should let only a manager set credit, on a formal customer, with an amount and a term in range', async () => {
    expect((await app.fails(SET_CREDIT, { c: customerId, l: '1.00', t: 30 }, await token('aftersales1'))).extensions).toMatchObject({ code: 'FORBIDDEN' });
    const prospect = await protectedCustomer(app, 'sales2');
    expect((await app.fails(SET_CREDIT, { c: prospect.id, l: '100.00', t: 30 }, await token('manager1'))).extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: { customerId: expect.stringMatching(/formal/) },
    });
    expect((await app.fails(SET_CREDIT, { c: customerId, l: '-5', t: 0 }, await token('manager1'))).extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: { limit: expect.any(String), termDays: expect.any(String) },
    });
    const row = (await app.ok(`query($c: ID!) { customer(id: $c) { creditLimit creditTermDays } }`, { c: customerId }, await token('manager1'))).customer;
    expect(row).toEqual({ creditLimit: '1500.00', creditTermDays: 30 });
  });

  it('V5: should confirm within the limit, and send a contract over it to credit review with a CREDIT application a MANAGER approves', async () => {
    const within = await contractFor('400.00'); // owes 1,000 + 400 = 1,400 ≤ 1,500
    expect((await app.ok(CONFIRM, { id: within }, await token('aftersales1'))).confirmContract.state).toBe('confirmed');
    const over = await contractFor('200.00'); // 1,400 + 200 = 1,600 > 1,500
    const reviewed = (await app.ok(CONFIRM, { id: over }, await token('aftersales1'))).confirmContract;
    expect(reviewed).toMatchObject({ state: 'creditReview', confirmedAt: null, availableActions: [] });
    const application = await creditApplication(over);
    const confirmedNotices = async () =>
      (
        await app.database.rows<{ n: number }>(
          app.database.db,
          sql`select count(*)::int as n from notifications where kind = 'CONTRACT_CONFIRMED' and subject_id = ${over}`,
        )
      )[0]?.n;
    expect(await confirmedNotices()).toBe(0); // N1: not confirmed yet, nobody is told so
    expect(application).toMatchObject({ status: 'PENDING', applicant: { username: 'aftersales1' }, reason: expect.stringContaining('1500.00') });
    // Not again while it waits, not by an auditor, and never by a client sending the decision itself.
    expect((await app.fails(CONFIRM, { id: over }, await token('aftersales1'))).extensions).toMatchObject({
      code: 'ILLEGAL_TRANSITION',
      state: 'creditReview',
    });
    const send = `mutation($id: ID!) { sendWorkflowEvent(workflow: "contract", id: $id, event: "CREDIT_APPROVED", input: {}) { workflow } }`;
    expect((await app.fails(send, { id: over }, await token('manager1'))).extensions).toMatchObject({ code: 'FORBIDDEN' });
    const approve = `mutation($id: ID!) { approveApplication(id: $id) { status } }`;
    expect((await app.fails(approve, { id: application!.id }, await token('auditor1'))).extensions).toMatchObject({ code: 'FORBIDDEN' });
    expect((await app.ok(approve, { id: application!.id }, await token('manager1'))).approveApplication.status).toBe('APPROVED');
    const after = (
      await app.ok(
        `query($id: ID!) { contract(id: $id) { state confirmedAt history(first: 10) { edges { node { event toState } } } } }`,
        { id: over },
        await token('manager1'),
      )
    ).contract;
    expect(after.state).toBe('confirmed');
    expect(after.confirmedAt).not.toBeNull();
    expect(after.history.edges.map((h: { node: { event: string } }) => h.node.event)).toEqual(expect.arrayContaining(['CONFIRM', 'CREDIT_APPROVED']));
    const signed = await app.database.rows<{ n: number }>(
      app.database.db,
      (await import('drizzle-orm'))
        .sql`select count(*)::int as n from transitions where entity_id = ${customerId} and event = 'CONTRACT_SIGNED' and payload->>'contractId' = ${over}`,
    );
    expect(signed[0]?.n).toBe(1); // P6: the approval signs as a confirmation does
    expect(await confirmedNotices()).toBe(1); // N1: after-sales is told now
  });

  it('V5: should return a rejected contract to the draft, and confirm it once payments make room', async () => {
    const next = await contractFor('300.00'); // owes 1,600 + 300 > 1,500
    expect((await app.ok(CONFIRM, { id: next }, await token('aftersales1'))).confirmContract.state).toBe('creditReview');
    const application = await creditApplication(next);
    await app.ok(
      `mutation($id: ID!) { rejectApplication(id: $id, reason: "欠款过多，请先催收") { status } }`,
      { id: application!.id },
      await token('manager1'),
    );
    expect((await app.ok(`query($id: ID!) { contract(id: $id) { state } }`, { id: next }, await token('aftersales1'))).contract.state).toBe('draft');
    // 600.00 paid on the first contract: it owes 1,000 now, and 1,000 + 300 is within the limit.
    const first = (
      await app.ok(
        `query($c: ID!) { contracts(filter: { customerId: $c, state: "confirmed" }) { edges { node { id total } } } }`,
        { c: customerId },
        await token('manager1'),
      )
    ).contracts.edges
      .map((e: { node: unknown }) => e.node)
      .find((k: { total: string }) => k.total === '1000.00');
    const payment = { amount: '600.00', paidAt: app.clock().toISOString(), method: 'BANK_TRANSFER' };
    await app.ok(
      `mutation($id: ID!, $i: PaymentInput!) { recordPayment(contractId: $id, input: $i) { amount } }`,
      { id: first.id, i: payment },
      await token('aftersales1'),
    );
    expect((await app.ok(CONFIRM, { id: next }, await token('aftersales1'))).confirmContract.state).toBe('confirmed');
  });

  it('V5: should list receivables past the customer’s credit term, longest overdue first, for managers and after-sales only', async () => {
    const OVERDUE = `{ overdueReceivables { contract { id total } outstanding dueAt daysOverdue } }`;
    expect((await app.ok(OVERDUE, {}, await token('manager1'))).overdueReceivables).toEqual([]);
    app.clock.advance(32 * DAY);
    const overdue = (await app.ok(OVERDUE, {}, await token('manager1'))).overdueReceivables as { outstanding: string; daysOverdue: number }[];
    expect(overdue.map((o) => o.outstanding).sort()).toEqual(['200.00', '300.00', '400.00', '400.00']);
    expect(overdue.every((o) => o.daysOverdue === 2)).toBe(true);
    expect((await app.fails(OVERDUE, {}, await token('sales1'))).extensions).toMatchObject({ code: 'FORBIDDEN' });
  });
});

describe.skipIf(!onPostgres)('credit limits under races (V5, PostgreSQL)', () => {
  let app: TestApp;
  afterAll(async () => app?.close());

  it('V5: should let only one of two contracts that each fit, but not together, confirm when both confirm at once', async () => {
    app = await startTestApp();
    const manager = await app.login('manager1');
    for (let race = 0; race < 5; race += 1) {
      const customer = await intentCustomer(app, 'sales1');
      const first = (await draftContract(app, customer.id, await app.login('sales1'), '1000.00')).id;
      await app.ok(CONFIRM, { id: first }, await app.login('sales1'));
      await app.ok(SET_CREDIT, { c: customer.id, l: '1500.00', t: 30 }, manager);
      const after = await app.login('aftersales1');
      const a = (await draftContract(app, customer.id, after, '400.00')).id;
      const b = (await draftContract(app, customer.id, after, '400.00')).id;
      const results = await Promise.all([app.execute(CONFIRM, { id: a }, { token: after }), app.execute(CONFIRM, { id: b }, { token: after })]);
      const states = results.map((r) => (r.data as { confirmContract?: { state: string } } | null)?.confirmContract?.state ?? JSON.stringify(r.errors)).sort();
      // Both at 1,400 would be 1,800 > 1,500: one is confirmed, the other waits for a manager.
      expect(states, `race ${race}`).toEqual(['confirmed', 'creditReview']);
    }
  }, 120_000);
});
