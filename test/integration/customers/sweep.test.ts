/**
 * P2, P4, P1: the deadline sweeper fires due deadlines set-based (one statement per batch of a
 * (version, state, event) group) and writes exactly what the engine writes when it fires the
 * same deadline for one row (late, inside a user's event): the same row and the same history.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../support/app.js';
import { DAY } from '../../support/clock.js';
import { actorFor, protectedCustomer, rejectedCustomer, sendCustomer } from '../../support/customers.js';
import { historyOf, rowOf } from '../../support/races.js';
import { customerWorkflow } from '../../support/machines.js';

let app: TestApp;

beforeAll(async () => {
  app = await startTestApp();
});

afterAll(async () => {
  await app.close();
});

/** The history row of one event of a customer. */
async function historyRow(id: string, event: string) {
  const rows = (await historyOf(app, id)).filter((h) => h.event === event);
  expect(rows, `${event} recorded once`).toHaveLength(1);
  return rows[0]!;
}

describe('the set-based deadline sweeper', () => {
  it('should move the row to the pool keeping the rest of its snapshot, and explain it in history (P2)', async () => {
    const swept = await protectedCustomer(app, 'sales1');
    app.clock.advance(31 * DAY);
    await app.services.sweeper.sweepOnce();
    const sweptRow = await rowOf(app, swept.id);
    expect(sweptRow).toMatchObject({ state: 'pool', stage: 'POOL', custodianId: null, deadlineAt: null, deadlineEvent: null, version: swept.version + 1 });
    expect(sweptRow.snapshot).toEqual({
      ...swept.snapshot,
      value: 'pool',
      context: { ...(swept.snapshot.context as object), custodianId: null, collaborators: {} },
    });
    // T5: a pool customer has no team; the clearing is a constant, so this stayed set-based.
    const h = await historyRow(swept.id, 'TERM_EXPIRED');
    expect(h).toMatchObject({ fromState: 'prospect.protected', toState: 'pool', actorId: null, reason: null, machineVersion: swept.machineVersion });
    expect(h.payload).toEqual({
      dueAt: swept.deadlineAt?.toISOString(),
      changes: { stage: ['PROSPECT', 'POOL'], custodianId: [swept.custodianId, null] },
      deadlineAt: null,
    });
  });

  it('should record exactly the history the engine records for a late firing', async () => {
    const swept = await protectedCustomer(app, 'sales1');
    const late = await protectedCustomer(app, 'sales1');
    app.clock.advance(31 * DAY);
    // The engine fires `late`'s due deadline inside sales2's claim; the sweeper fires `swept`'s.
    await sendCustomer(app, late.id, { type: 'CLAIM' }, await actorFor(app, 'sales2'));
    await app.services.sweeper.sweepOnce();
    const bySweeper = await historyRow(swept.id, 'TERM_EXPIRED');
    const byEngine = await historyRow(late.id, 'TERM_EXPIRED');
    const { dueAt: _a, ...sweptPayload } = bySweeper.payload as Record<string, unknown>;
    const { dueAt: _b, firedBy, ...latePayload } = byEngine.payload as Record<string, unknown>;
    expect(firedBy).toBe('late');
    expect(sweptPayload).toEqual(latePayload);
    const pick = (h: typeof bySweeper) => [h.entityType, h.machine, h.machineVersion, h.event, h.fromState, h.toState, h.actorId, h.reason];
    expect(pick(bySweeper)).toEqual(pick(byEngine));
  });

  it('should fire many due deadlines of several groups in a few statements, not a few per row (P1, P2)', async () => {
    const due = [...(await Promise.all(Array.from({ length: 30 }, () => protectedCustomer(app, 'sales1'))))];
    const rejected = await Promise.all(Array.from({ length: 10 }, () => rejectedCustomer(app, 'sales1')));
    app.clock.advance(40 * DAY);
    const groups = await app.services.engine.dueGroups(customerWorkflow);
    expect(groups.map((g) => [g.state, g.event])).toEqual(
      expect.arrayContaining([
        ['prospect.rejected', 'REJECTION_LAPSED'],
        ['prospect.protected', 'TERM_EXPIRED'],
      ]),
    );
    const dueCount = groups.reduce((n, g) => n + g.count, 0);
    expect(dueCount).toBeGreaterThanOrEqual(40);
    const statements: string[] = [];
    const stop = app.database.onQuery((q) => statements.push(q));
    const result = await app.services.sweeper.sweepOnce().finally(stop);
    expect(result).toEqual({ fired: dueCount, failed: 0 });
    // Per workflow: the groups, then per group a sample row and one statement for its batch; then the groups again.
    // Per batch also one statement of the follow-up plans' custody listener (F6: the plans of the customers moved)
    // and one of the pools' (T2: the customers go to their custodian's department's pool). Each timed
    // workflow with nothing due (follow-up plans, complaints, V4) costs its groups statement.
    expect(statements.length).toBeLessThanOrEqual(17);
    for (const c of [...due, ...rejected]) expect((await rowOf(app, c.id)).state).toBe('pool');
    expect((await historyRow(rejected[0]!.id, 'REJECTION_LAPSED')).payload).toMatchObject({ changes: { stage: ['PROSPECT', 'POOL'] } });
  });
});
