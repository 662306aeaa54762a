import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applicationDecisions, transitions } from '../../../src/platform/db/schema.js';
import { onPostgres, startTestApp, type TestApp } from '../../support/app.js';
import { createCustomer, pendingApplication } from '../../support/customers.js';

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
