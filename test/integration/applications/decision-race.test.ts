import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applicationDecisions, applications, transitions } from '../../../src/platform/db/schema.js';
import { onPostgres, startTestApp, type TestApp } from '../../support/app.js';
import { createCustomer, pendingApplication, protectedCustomer, viewerFor } from '../../support/customers.js';
import { expectHistoryExplainsRow, historyOf, rowOf } from '../../support/races.js';

const APPROVE = `mutation($id: ID!) { approveApplication(id: $id) { status } }`;
const REJECT = `mutation($id: ID!) { rejectApplication(id: $id, reason: "资料不全，请补充") { status } }`;

/** A2/A4 on a real PostgreSQL: two auditors deciding one application at once → one decision. */
describe.skipIf(!onPostgres)('two auditors deciding at once (PostgreSQL)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
    await app.ok(
      `mutation { createUser(input: { username: "auditor2", displayName: "二号审核", password: "password-2", roles: [AUDITOR] }) { id } }`,
      {},
      await app.login('admin'),
    );
  });
  afterAll(async () => app?.close());

  it('should record exactly one decision and one customer move, 50 times', async () => {
    const [a1, a2] = [await app.login('auditor1'), await app.login('auditor2', 'password-2')];
    const codes: Record<string, number> = {};
    for (let i = 0; i < 50; i += 1) {
      const c = await createCustomer(app, 'sales1');
      const application = await pendingApplication(app, c.id);
      const results = await Promise.all([
        app.execute(APPROVE, { id: application.id }, { token: a1 }),
        app.execute(i % 2 === 0 ? APPROVE : REJECT, { id: application.id }, { token: a2 }),
      ]);
      const winners = results.filter((r) => !r.errors);
      expect(winners).toHaveLength(1);
      for (const r of results) if (r.errors) codes[String(r.errors[0]?.extensions?.code)] = (codes[String(r.errors[0]?.extensions?.code)] ?? 0) + 1;
      expect(await app.database.db.select().from(applicationDecisions).where(eq(applicationDecisions.applicationId, application.id))).toHaveLength(1);
      const moves = (await app.database.db.select().from(transitions).where(eq(transitions.entityId, c.id))).filter((h) => h.event !== 'CREATE');
      expect(moves).toHaveLength(1);
    }
    console.log(`decision race: 50 × 2 auditors → 50 decisions; losers: ${JSON.stringify(codes)}`);
    expect(Object.keys(codes).every((c) => c === 'ILLEGAL_TRANSITION' || c === 'CONFLICT')).toBe(true);
  });
});

/**
 * A4, P2 on a real PostgreSQL: an auditor approving an INTENT application while its custodian
 * abandons the customer. Both take the customer's lock first, so one waits for the other: either
 * the approval lands (the customer becomes intent, then is abandoned from intent) or the abandon
 * lands and lapses the application in its own transaction (the approval is then refused). Never a
 * deadlock, never a pending application on a pool customer, never an approval of a lapsed one.
 */
describe.skipIf(!onPostgres)('a decision racing a lapse (PostgreSQL)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => app?.close());

  it('should either approve then abandon, or lapse then refuse the approval, 30 times', async () => {
    const [auditor, custodian] = [await app.login('auditor1'), await app.login('sales1')];
    const sales1 = await viewerFor(app, 'sales1');
    const outcomes = { approvedFirst: 0, lapsedFirst: 0 };
    for (let i = 0; i < 30; i += 1) {
      const c = await protectedCustomer(app, 'sales1');
      const intent = await app.services.applicationOpenings.applyForIntent(sales1, c.id, '客户确认了采购预算');
      // The approval does more before it locks (its checklist): on odd races the abandon starts later.
      const lag = i % 2 === 1 ? 5 + (i % 6) * 5 : 0;
      const [approve, abandon] = await Promise.all([
        app.execute(APPROVE, { id: intent.id }, { token: auditor }),
        new Promise((r) => setTimeout(r, lag)).then(() =>
          app.execute(`mutation($id: ID!) { abandonCustomer(id: $id, reason: "客户已经转向竞争对手") { state } }`, { id: c.id }, { token: custodian }),
        ),
      ]);
      expect(abandon.errors, `race ${i}: abandon`).toBeUndefined();
      const [application] = await app.database.db.select().from(applications).where(eq(applications.id, intent.id));
      const events = (await historyOf(app, c.id)).map((h) => h.event);
      if (application?.state === 'approved') {
        outcomes.approvedFirst += 1;
        expect(approve.errors).toBeUndefined();
        expect(events.slice(-2)).toEqual(['INTENT_APPROVED', 'ABANDON']);
      } else {
        outcomes.lapsedFirst += 1;
        expect(application?.state, `race ${i}`).toBe('lapsed');
        expect(approve.errors?.[0]?.extensions).toMatchObject({ code: 'ILLEGAL_TRANSITION', state: 'lapsed' });
        expect(events.at(-1)).toBe('ABANDON');
        expect(events).not.toContain('INTENT_APPROVED');
        expect(await app.database.db.select().from(applicationDecisions).where(eq(applicationDecisions.applicationId, intent.id))).toEqual([]);
      }
      const row = await rowOf(app, c.id);
      expect(row).toMatchObject({ state: 'pool', custodianId: null });
      expect((row.snapshot as { context: { heldBy?: string[] } }).context.heldBy ?? []).toEqual([]);
      expectHistoryExplainsRow(await historyOf(app, c.id), row);
    }
    console.log(`decision vs lapse: 30 races → ${JSON.stringify(outcomes)}`);
  });
});
