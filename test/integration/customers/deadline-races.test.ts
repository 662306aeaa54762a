/**
 * Concurrency, deadlines (P2): claims racing the deadline sweeper, and several app instances
 * sweeping one database. PostgreSQL only: PGlite is one connection, so its transactions run one
 * after another and a race there proves nothing.
 */
import { and, count, eq, inArray, isNotNull } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../../src/app.js';
import { customers, transitions, type TransitionRow } from '../../../src/platform/db/schema.js';
import type { Viewer } from '../../../src/platform/auth/viewer.js';
import { actorOf, type Actor } from '../../../src/workflow/actor.js';
import { onPostgres, startTestApp, TEST_JWT_SECRET, type TestApp } from '../../support/app.js';
import { DAY, SECOND } from '../../support/clock.js';
import { CLAIM, expectHistoryExplainsRow, historyOf, protectedFor, RACE_TIMEOUT, rowOf, viewerNamed } from '../../support/races.js';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Moves every deadline the demo data left behind out of the way, so counts below are exact. */
async function flushDemoDeadlines(app: TestApp): Promise<void> {
  app.clock.advance(60 * DAY);
  await app.services.sweeper.sweepOnce();
  const [left] = await app.database.db.select({ n: count() }).from(customers).where(isNotNull(customers.deadlineAt));
  expect(left?.n, 'no running deadline left from the demo data').toBe(0);
}

describe.skipIf(!onPostgres)('deadline races on a real PostgreSQL', () => {
  describe('P2 claim racing the deadline sweeper', () => {
    let app: TestApp;
    beforeAll(async () => {
      // A clock of its own: this suite only moves forward.
      app = await startTestApp();
      await flushDemoDeadlines(app);
    }, RACE_TIMEOUT);
    afterAll(async () => app?.close());

    it(
      'should expire an overdue term exactly once and then let the claim protect it, whichever runs first',
      async () => {
        const owner = await viewerNamed(app, 'sales1');
        const auditor = actorOf(await viewerNamed(app, 'auditor1'));
        const claimer = await viewerNamed(app, 'sales2');
        const firedBy = { sweeper: 0, claim: 0 };
        for (let race = 0; race < 20; race += 1) {
          const c = await protectedFor(app, owner, auditor);
          app.clock.advance(31 * DAY);
          const token = await app.login('sales2');
          // Vary who reaches the row first: the claim has a token to check before its transaction,
          // so on every other race the sweeper starts a few milliseconds late.
          const sweeperLag = race % 2 === 1 ? 1 + (race % 5) : 0;
          const [sweep, claim] = await Promise.all([
            sleep(sweeperLag).then(() => app.services.sweeper.sweepOnce()),
            app.execute(CLAIM, { id: c.id }, { token }),
          ]);
          expect(sweep.failed).toBe(0);
          // Whichever came first, the claim is legal: the overdue term is expired first (P2), then claimed (P7).
          expect(claim.errors, `race ${race}: ${JSON.stringify(claim.errors)}`).toBeUndefined();
          const history = await historyOf(app, c.id);
          expect(history.map((h) => h.event)).toEqual(['CREATE', 'PROTECTION_APPROVED', 'TERM_EXPIRED', 'CLAIM']);
          expect(history.map((h) => h.toState)).toEqual(['prospect.pendingAudit', 'prospect.protected', 'pool', 'prospect.protected']);
          const expired = history[2]!;
          expect(expired.actorId).toBeNull();
          if ((expired.payload as { firedBy?: string }).firedBy === 'late') firedBy.claim += 1;
          else firedBy.sweeper += 1;
          const row = await rowOf(app, c.id);
          expect(row).toMatchObject({ state: 'prospect.protected', custodianId: claimer.id, deadlineEvent: 'TERM_EXPIRED' });
          // A fresh 30-day term from the claim.
          expect(row.deadlineAt?.getTime()).toBe(app.clock().getTime() + 30 * DAY);
          expectHistoryExplainsRow(history, row);
        }
        console.log(
          `[races] claim vs sweeper: 20 races: TERM_EXPIRED fired by the sweeper first ${firedBy.sweeper}×, late inside the claim ${firedBy.claim}×; claim succeeded 20×`,
        );
      },
      RACE_TIMEOUT,
    );
  });

  describe('P2 several instances on one database', () => {
    let app: TestApp;
    let owner: Viewer;
    let auditor: Actor;
    beforeAll(async () => {
      app = await startTestApp();
      await flushDemoDeadlines(app);
      owner = await viewerNamed(app, 'sales1');
      auditor = actorOf(await viewerNamed(app, 'auditor1'));
    }, RACE_TIMEOUT);
    afterAll(async () => app?.close());

    /** `n` protected customers of `owner` created through `on`, ten at a time. */
    async function protectedMany(on: App, n: number): Promise<string[]> {
      const ids: string[] = [];
      for (let i = 0; i < n; i += 10) {
        const batch = await Promise.all(Array.from({ length: Math.min(10, n - i) }, () => protectedFor(on, owner, auditor)));
        ids.push(...batch.map((c) => c.id));
      }
      return ids;
    }

    async function expiredOnceEach(ids: string[]): Promise<TransitionRow[]> {
      const expired = await app.database.db
        .select()
        .from(transitions)
        .where(and(inArray(transitions.entityId, ids), eq(transitions.event, 'TERM_EXPIRED')));
      const perCustomer = new Map<string, number>();
      for (const t of expired) perCustomer.set(t.entityId, (perCustomer.get(t.entityId) ?? 0) + 1);
      expect(perCustomer.size).toBe(ids.length);
      expect([...perCustomer.values()].filter((n) => n !== 1)).toEqual([]);
      return expired;
    }

    it(
      'should fire each of 300 due deadlines exactly once when two instances sweep at the same moment',
      async () => {
        const ids = await protectedMany(app, 300);
        app.clock.advance(31 * DAY);
        const other = await createApp({ databaseUrl: app.databaseUrl, jwtSecret: TEST_JWT_SECRET, clock: app.clock, sweepIntervalMs: 0 });
        try {
          const started = Date.now();
          const [a, b] = await Promise.all([app.services.sweeper.sweepOnce(), other.services.sweeper.sweepOnce()]);
          const seconds = (Date.now() - started) / 1000;
          console.log(
            `[races] two sweepers, 300 due: instance A fired ${a.fired}, instance B fired ${b.fired}, failed ${a.failed + b.failed}, in ${seconds.toFixed(2)} s`,
          );
          expect(a.failed + b.failed).toBe(0);
          expect(a.fired + b.fired).toBe(300);
          const expired = await expiredOnceEach(ids);
          expect(expired.every((t) => (t.payload as { firedBy?: string }).firedBy === undefined && t.actorId === null)).toBe(true);
          const rows = await app.database.db.select().from(customers).where(inArray(customers.id, ids));
          expect(rows.filter((r) => r.state !== 'pool' || r.custodianId !== null || r.deadlineAt !== null)).toEqual([]);
          // Nothing left for a third sweep.
          expect(await app.services.sweeper.sweepOnce()).toEqual({ fired: 0, failed: 0 });
        } finally {
          await other.close();
        }
      },
      RACE_TIMEOUT,
    );

    it(
      'should fire the deadlines that passed while no instance ran on the first sweep after a start',
      async () => {
        // Instance B enters customers, then stops.
        const b = await createApp({ databaseUrl: app.databaseUrl, jwtSecret: TEST_JWT_SECRET, clock: app.clock, sweepIntervalMs: 0 });
        let ids: string[];
        try {
          ids = await protectedMany(b, 40);
        } finally {
          await b.close();
        }
        // Their terms end while nothing runs (the test app's own sweeper is off).
        app.clock.advance(31 * DAY);
        const [before] = await app.database.db
          .select({ n: count() })
          .from(customers)
          .where(and(inArray(customers.id, ids), eq(customers.state, 'prospect.protected')));
        expect(before?.n).toBe(40);
        // Instance C starts with its sweeper on: it sweeps at once, not only after the first interval.
        const c = await createApp({ databaseUrl: app.databaseUrl, jwtSecret: TEST_JWT_SECRET, clock: app.clock, sweepIntervalMs: 1000 });
        try {
          const started = Date.now();
          let pooled = 0;
          while (Date.now() - started < 10 * SECOND) {
            const [n] = await app.database.db
              .select({ n: count() })
              .from(customers)
              .where(and(inArray(customers.id, ids), eq(customers.state, 'pool')));
            pooled = n?.n ?? 0;
            if (pooled === ids.length) break;
            await sleep(100);
          }
          console.log(`[races] restart: 40 deadlines passed while down; ${pooled} in the pool ${((Date.now() - started) / 1000).toFixed(2)} s after start`);
          expect(pooled).toBe(40);
          await expiredOnceEach(ids);
        } finally {
          await c.close();
        }
        const rows = await app.database.db.select().from(customers).where(inArray(customers.id, ids));
        for (const row of rows) expectHistoryExplainsRow(await historyOf(app, row.id), row);
      },
      RACE_TIMEOUT,
    );
  });
});
