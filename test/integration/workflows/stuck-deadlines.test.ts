/**
 * A deadline that fails to fire (here: a row whose stored snapshot no longer fits its machine)
 * never holds up the others: it is recorded, backs off (1 minute, doubling), and after five
 * attempts is listed by `stuckTransitions` for ADMIN and DESIGNER; once it fires, it is cleared.
 */
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customers, deadlineFailures } from '../../../src/platform/db/schema.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { DAY, MINUTE } from '../../support/clock.js';
import { protectedCustomer } from '../../support/customers.js';
import { rowOf } from '../../support/races.js';

const STUCK = `{ stuckTransitions { machine entityId event attempts lastError firstFailedAt lastFailedAt nextAttemptAt } }`;
let app: TestApp;

beforeAll(async () => {
  app = await startTestApp();
});

afterAll(async () => {
  await app.close();
});

async function failureOf(id: string) {
  const [row] = await app.database.db.select().from(deadlineFailures).where(eq(deadlineFailures.entityId, id));
  return row;
}

describe('deadlines that keep failing (P2, sweeper)', () => {
  it('should fire the others, back the failing one off, list it after five attempts, and clear it once it fires', async () => {
    // The failing row falls due first: the sweeper plans the group on it, fails, and fires the group row by row.
    const bad = await protectedCustomer(app, 'sales1');
    app.clock.advance(1000);
    const good = await Promise.all([protectedCustomer(app, 'sales1'), protectedCustomer(app, 'sales2')]);
    const snapshot = bad.snapshot;
    await app.database.db
      .update(customers)
      .set({ snapshot: sql`'{"status":"active","value":"nowhere","context":{}}'::jsonb` })
      .where(eq(customers.id, bad.id));
    app.clock.advance(31 * DAY);

    const first = await app.services.sweeper.sweepOnce();
    expect(first).toEqual({ fired: 2, failed: 1 });
    for (const c of good) expect((await rowOf(app, c.id)).state).toBe('pool');
    expect(await failureOf(bad.id)).toMatchObject({ machine: 'customer', event: 'TERM_EXPIRED', attempts: 1, resolvedAt: null });

    // Backing off: an immediate sweep does not try it again.
    expect(await app.services.sweeper.sweepOnce()).toEqual({ fired: 0, failed: 0 });
    // 1, 2, 4, 8 minutes later: attempts 2 to 5.
    for (const wait of [1, 2, 4, 8]) {
      app.clock.advance(wait * MINUTE);
      expect(await app.services.sweeper.sweepOnce()).toEqual({ fired: 0, failed: 1 });
    }
    expect((await failureOf(bad.id))?.attempts).toBe(5);

    const { stuckTransitions } = await app.ok(STUCK, {}, await app.login('admin'));
    expect(stuckTransitions).toEqual([expect.objectContaining({ machine: 'customer', entityId: bad.id, event: 'TERM_EXPIRED', attempts: 5 })]);
    expect(stuckTransitions[0].lastError).not.toBe('');
    expect((await app.ok(STUCK, {}, await app.login('designer1'))).stuckTransitions).toHaveLength(1);
    expect((await app.fails(STUCK, {}, await app.login('sales1'))).extensions?.code).toBe('FORBIDDEN');

    // Repaired, it fires at its next attempt and is no longer listed.
    await app.database.db.update(customers).set({ snapshot }).where(eq(customers.id, bad.id));
    app.clock.advance(16 * MINUTE);
    expect(await app.services.sweeper.sweepOnce()).toEqual({ fired: 1, failed: 0 });
    expect((await rowOf(app, bad.id)).state).toBe('pool');
    expect((await failureOf(bad.id))?.resolvedAt).not.toBeNull();
    expect((await app.ok(STUCK, {}, await app.login('admin'))).stuckTransitions).toEqual([]);
  });
});
