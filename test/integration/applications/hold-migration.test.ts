/**
 * Migration 0012 (P2/A4): rows written before pending applications held their customer's term are
 * brought in line: an application whose customer left its state lapses, the others hold.
 */
import { readFile } from 'node:fs/promises';
import { asc, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applications, customers, transitions } from '../../../src/platform/db/schema.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { createCustomer, pendingApplication, protectedCustomer, viewerFor } from '../../support/customers.js';
import { expectHistoryExplainsRow, historyOf } from '../../support/races.js';

const MIGRATION = new URL('../../../drizzle/0012_pending_applications_hold.sql', import.meta.url);

describe('migration 0012: pending applications hold their customers (P2, A4)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => app?.close());

  /** The customer as it was stored before holds: no heldBy, its term running, no APPLICATION_OPENED rows. */
  async function asBeforeHolds(id: string, state?: string): Promise<void> {
    const [row] = await app.database.db.select().from(customers).where(eq(customers.id, id));
    if (!row) throw new Error('customer vanished');
    const context = (row.snapshot as { context: Record<string, unknown> }).context;
    const kept = context.heldDeadline as { at: string | null; event: string | null } | undefined;
    const { heldBy: _heldBy, heldDeadline: _kept, ...rest } = context;
    const opened = await app.database.db.select().from(transitions).where(eq(transitions.entityId, id));
    await app.database.db.execute(sql`alter table ${transitions} disable trigger transitions_no_delete`);
    await app.database.db.execute(sql`delete from ${transitions} where entity_id = ${id} and event = 'APPLICATION_OPENED'`);
    await app.database.db.execute(sql`alter table ${transitions} enable trigger transitions_no_delete`);
    const removed = opened.filter((h) => h.event === 'APPLICATION_OPENED').length;
    await app.database.db
      .update(customers)
      .set({
        snapshot: { ...row.snapshot, context: rest, ...(state && { value: state }) },
        ...(state && { state }),
        deadlineAt: kept?.at ? new Date(kept.at) : row.deadlineAt,
        deadlineEvent: kept?.event ?? row.deadlineEvent,
        version: row.version - removed,
      })
      .where(eq(customers.id, id));
  }

  it('should lapse what the customer no longer applies to and hold the rest, each with its history row', async () => {
    const waiting = await protectedCustomer(app, 'sales1');
    const intent = await app.services.applicationOpenings.applyForIntent(await viewerFor(app, 'sales1'), waiting.id, '客户确认了采购预算');
    await asBeforeHolds(waiting.id);
    const fallen = await createCustomer(app, 'sales1');
    const orphan = await pendingApplication(app, fallen.id);
    await asBeforeHolds(fallen.id, 'pool');

    const statements = (await readFile(MIGRATION, 'utf8')).split('--> statement-breakpoint');
    await app.database.db.transaction(async (tx) => {
      for (const statement of statements) await tx.execute(sql.raw(statement));
    });

    const [lapsed] = await app.database.db.select().from(applications).where(eq(applications.id, orphan.id));
    expect(lapsed).toMatchObject({ state: 'lapsed', version: orphan.version + 1 });
    const [held] = await app.database.db.select().from(customers).where(eq(customers.id, waiting.id));
    expect(held).toMatchObject({ deadlineAt: null, deadlineEvent: null });
    expect(held?.snapshot).toMatchObject({ context: { heldBy: [intent.id], heldDeadline: { event: 'TERM_EXPIRED' } } });
    expect(app.services.customers.protectedUntil(held!)).toEqual(waiting.deadlineAt);
    const history = await app.database.db.select().from(transitions).where(eq(transitions.entityId, waiting.id)).orderBy(asc(transitions.id));
    expect(history.at(-1)).toMatchObject({ event: 'APPLICATION_OPENED', payload: { applicationId: intent.id } });
    expectHistoryExplainsRow(history, held!);
    expect((await historyOf(app, orphan.id)).at(-1)).toMatchObject({ event: 'LAPSE' });

    // The held customer takes its decision as if it had been held all along.
    await app.services.applicationDecisions.approve(await viewerFor(app, 'auditor1'), intent.id, 'ok');
    expect((await app.services.customers.byIds([waiting.id]))[0]).toMatchObject({ state: 'intent' });
  });
});
