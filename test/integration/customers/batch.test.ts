/**
 * T6: claims, assignments and transfers in batches, each item all or nothing; a refused item is
 * reported with the code, rule and message of the single mutation, and the others still run.
 * The race at the end proves that two batches never give a customer two owners: each item is
 * the engine's row-locked event. It runs on both databases, but only PostgreSQL races for real
 * (PGlite is one connection, its transactions run one after another).
 */
import { and, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { customers, transitions, type CustomerRow } from '../../../src/platform/db/schema.js';
import type { Viewer } from '../../../src/platform/auth/viewer.js';
import { actorOf, type Actor } from '../../../src/workflow/actor.js';
import { onPostgres, startTestApp, type TestApp } from '../../support/app.js';
import { createRacers, expectHistoryExplainsRow, historyOf, poolFor, protectedFor, RACE_TIMEOUT, rowOf, viewerNamed } from '../../support/races.js';

const RESULT = `results { id ok customer { id state stage custodian { username } } error { code rule message } } succeeded failed`;
const CLAIMS = `mutation($ids: [ID!]!) { claimCustomers(ids: $ids) { ${RESULT} } }`;
const ASSIGN = `mutation($ids: [ID!]!, $to: ID!, $r: String!) { assignCustomers(ids: $ids, toUserId: $to, reason: $r) { ${RESULT} } }`;
const TRANSFERS = `mutation($ids: [ID!]!, $to: ID!, $r: String!) { transferCustomers(ids: $ids, toUserId: $to, reason: $r) { ${RESULT} } }`;
const CLAIM_ONE = `mutation($id: ID!) { claimCustomer(id: $id) { id } }`;
const TRANSFER_ONE = `mutation($id: ID!, $to: ID!, $r: String!) { transferCustomer(id: $id, toUserId: $to, reason: $r) { id } }`;
const ASSIGN_ONE = `mutation($id: ID!, $to: ID!, $r: String!) { assignFromPool(customerId: $id, toUserId: $to, reason: $r) { id } }`;
const REASON = '区域调整，由新销售跟进';

interface Item {
  id: string;
  ok: boolean;
  customer: { id: string; state: string; stage: string; custodian: { username: string } | null } | null;
  error: { code: string; rule: string | null; message: string } | null;
}
interface Payload {
  results: Item[];
  succeeded: number;
  failed: number;
}

describe('T6 batch claims, assignments and transfers', () => {
  let app: TestApp;
  let auditor: Actor;
  let sales1: Viewer;
  let sales2: Viewer;
  let sales3: Viewer;
  let tokens: Record<'sales1' | 'sales2' | 'manager' | 'auditor', string>;

  beforeAll(async () => {
    app = await startTestApp();
    auditor = actorOf(await viewerNamed(app, 'auditor1'));
    [sales1, sales2, sales3] = await Promise.all([viewerNamed(app, 'sales1'), viewerNamed(app, 'sales2'), viewerNamed(app, 'sales3')]);
    const [s1, s2, m, a] = await Promise.all(['sales1', 'sales2', 'manager1', 'auditor1'].map((u) => app.login(u)));
    tokens = { sales1: s1 ?? '', sales2: s2 ?? '', manager: m ?? '', auditor: a ?? '' };
  }, RACE_TIMEOUT);
  afterAll(async () => app?.close());

  /** Pool customers abandoned by sales3 (so sales1 and sales2 have no cool-down on them, P5). */
  const pool = (n: number) => Promise.all(Array.from({ length: n }, () => poolFor(app, sales3, auditor)));
  /** The single mutation's error for the same request, to compare an item's error with (T6: same code, rule, message). */
  const singleError = async (query: string, variables: Record<string, unknown>, token: string) => {
    const e = await app.fails(query, variables, token);
    return { code: e.extensions?.code, rule: e.extensions?.rule ?? null, message: e.message };
  };

  describe('claimCustomers', () => {
    it('should claim each pool customer in order and refuse only the one in cool-down (P5) or not in the pool, each with code and rule (T6)', async () => {
      const [a, b, c] = await pool(3);
      const cooling = await poolFor(app, sales1, auditor); // sales1 abandoned it: P5 cool-down
      const held = await protectedFor(app, sales2, auditor); // not in the pool
      const ids = [a!.id, cooling.id, b!.id, held.id, c!.id];

      const { claimCustomers } = await app.ok<{ claimCustomers: Payload }>(CLAIMS, { ids }, tokens.sales1);

      expect(claimCustomers.results.map((r) => r.id)).toEqual(ids);
      expect(claimCustomers.results.map((r) => r.ok)).toEqual([true, false, true, false, true]);
      expect(claimCustomers).toMatchObject({ succeeded: 3, failed: 2 });
      for (const r of claimCustomers.results.filter((x) => x.ok)) {
        expect(r).toMatchObject({ error: null, customer: { id: r.id, state: 'prospect.protected', stage: 'PROSPECT', custodian: { username: 'sales1' } } });
      }
      const [coolingResult, heldResult] = [claimCustomers.results[1]!, claimCustomers.results[3]!];
      expect(coolingResult).toMatchObject({ customer: null, error: { code: 'ILLEGAL_TRANSITION', rule: 'P5' } });
      // The same code, rule and message as claimCustomer gives for each (nothing changed meanwhile).
      expect(coolingResult.error).toEqual(await singleError(CLAIM_ONE, { id: cooling.id }, tokens.sales1));
      expect(heldResult).toMatchObject({ customer: null, error: { code: 'ILLEGAL_TRANSITION' } });
      expect(heldResult.error).toEqual(await singleError(CLAIM_ONE, { id: held.id }, tokens.sales1));
      // Refused items are untouched: all or nothing per item.
      expect(await rowOf(app, cooling.id)).toMatchObject({ state: 'pool', custodianId: null, version: cooling.version });
      expect(await rowOf(app, held.id)).toMatchObject({ state: 'prospect.protected', custodianId: sales2.id, version: held.version });
    });

    it('should report an unknown customer as NOT_FOUND for its item only, as the single mutations do (T6)', async () => {
      const [a] = await pool(1);
      const unknown = '00000000-0000-4000-8000-000000000000';
      const { claimCustomers } = await app.ok<{ claimCustomers: Payload }>(CLAIMS, { ids: [unknown, a!.id] }, tokens.sales2);
      expect(claimCustomers.results).toMatchObject([
        { id: unknown, ok: false, customer: null, error: { code: 'NOT_FOUND', rule: null } },
        { id: a!.id, ok: true, customer: { custodian: { username: 'sales2' } }, error: null },
      ]);
      expect(claimCustomers.results[0]?.error).toEqual(await singleError(CLAIM_ONE, { id: unknown }, tokens.sales2));
      const moved = await app.ok<{ transferCustomers: Payload }>(TRANSFERS, { ids: [unknown], to: sales1.id, r: REASON }, tokens.manager);
      expect(moved.transferCustomers.results[0]?.error).toEqual(await singleError(TRANSFER_ONE, { id: unknown, to: sales1.id, r: REASON }, tokens.manager));
    });

    it('should not swallow an unexpected error: it ends the batch as INTERNAL_SERVER_ERROR, the items before it stay done (T6)', async () => {
      const [a, b, c] = await pool(3);
      const claim = app.services.customers.claim.bind(app.services.customers);
      const spy = vi.spyOn(app.services.customers, 'claim').mockImplementation((viewer, id, v) => {
        if (id === b!.id) return Promise.reject(new Error('the disk is on fire'));
        return claim(viewer, id, v);
      });
      try {
        const result = await app.execute(CLAIMS, { ids: [a!.id, b!.id, c!.id] }, { token: tokens.sales1 });
        expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'INTERNAL_SERVER_ERROR' });
        expect(result.data).toBeNull();
      } finally {
        spy.mockRestore();
      }
      expect(await rowOf(app, a!.id)).toMatchObject({ state: 'prospect.protected', custodianId: sales1.id });
      expect(await rowOf(app, c!.id)).toMatchObject({ state: 'pool', version: c!.version });
    });

    it('should refuse a non-salesperson up front with FORBIDDEN, running nothing (T6, P7)', async () => {
      const [a] = await pool(1);
      const result = await app.execute(CLAIMS, { ids: [a!.id] }, { token: tokens.manager });
      expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN' });
      expect(result.data).toBeNull();
      expect(await rowOf(app, a!.id)).toMatchObject({ state: 'pool', version: a!.version });
    });
  });

  describe('input limits (T6)', () => {
    const idsError = async (ids: unknown[]) => {
      const e = await app.fails(CLAIMS, { ids }, tokens.sales1);
      expect(e.extensions?.code).toBe('BAD_USER_INPUT');
      return e.extensions?.fields as Record<string, string>;
    };

    it('should refuse an empty list, naming ids', async () => {
      expect(await idsError([])).toEqual({ ids: 'give at least one id' });
    });

    it('should refuse more than 100 ids before anything runs, naming ids', async () => {
      const [a] = await pool(1);
      const ids = [a!.id, ...Array.from({ length: 100 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`)];
      expect(await idsError(ids)).toEqual({ ids: 'at most 100 ids per batch (got 101)' });
      expect(await rowOf(app, a!.id)).toMatchObject({ state: 'pool', version: a!.version });
    });

    it('should refuse an id given twice before anything runs, naming ids', async () => {
      const [a, b] = await pool(2);
      expect(await idsError([a!.id, b!.id, a!.id.toUpperCase()])).toEqual({ ids: expect.stringMatching(/must not repeat an id .* at position 2/) });
      expect(await rowOf(app, a!.id)).toMatchObject({ state: 'pool', version: a!.version });
      expect(await rowOf(app, b!.id)).toMatchObject({ state: 'pool', version: b!.version });
    });

    it('should refuse an id that is not a UUID as every ID argument is refused, naming its position', async () => {
      const [a] = await pool(1);
      expect(await idsError([a!.id, 'not-an-id'])).toEqual({ 'ids.1': 'is not a valid id' });
      expect(await rowOf(app, a!.id)).toMatchObject({ state: 'pool', version: a!.version });
    });

    it('should count what a batch selects once per id against the cost budget, refusing before anything runs', async () => {
      const heavy = `mutation($ids: [ID!]!) { claimCustomers(ids: $ids) { results { customer { followUps(first: 100) { edges { node { id notes } } } } } } }`;
      const [a] = await pool(1);
      const fakes = Array.from({ length: 99 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
      // 100 ids × 100 follow-ups × 4 fields is over MAX_QUERY_COST (10,000); one id is well under it.
      const e = await app.fails(heavy, { ids: [a!.id, ...fakes] }, tokens.sales2);
      expect(e.extensions).toMatchObject({ code: 'BAD_USER_INPUT', limit: 'cost' });
      expect(await rowOf(app, a!.id)).toMatchObject({ state: 'pool', version: a!.version });
      await app.ok(heavy, { ids: [a!.id] }, tokens.sales2);
    });

    it(
      'should take exactly 100 ids',
      async () => {
        // 5 pool customers and 95 ids of no customer: 100 items run, each answered.
        const real = (await pool(5)).map((c) => c.id);
        const ids = [...real, ...Array.from({ length: 95 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`)];
        const { claimCustomers } = await app.ok<{ claimCustomers: Payload }>(CLAIMS, { ids }, tokens.sales2);
        expect(claimCustomers).toMatchObject({ succeeded: 5, failed: 95 });
        expect(claimCustomers.results.map((r) => r.id)).toEqual(ids);
        expect(claimCustomers.results.slice(5).every((r) => r.error?.code === 'NOT_FOUND')).toBe(true);
      },
      RACE_TIMEOUT,
    );
  });

  describe('assignCustomers', () => {
    it('should give pool customers to a salesperson (ASSIGN) and refuse one not in the pool with ILLEGAL_TRANSITION, leaving it with its custodian', async () => {
      const [a, b] = await pool(2);
      const held = await protectedFor(app, sales1, auditor);
      const ids = [a!.id, held.id, b!.id];

      const { assignCustomers } = await app.ok<{ assignCustomers: Payload }>(ASSIGN, { ids, to: sales2.id, r: REASON }, tokens.manager);

      expect(assignCustomers).toMatchObject({ succeeded: 2, failed: 1 });
      expect(assignCustomers.results).toMatchObject([
        { id: a!.id, ok: true, error: null, customer: { state: 'prospect.protected', custodian: { username: 'sales2' } } },
        { id: held.id, ok: false, customer: null, error: { code: 'ILLEGAL_TRANSITION', message: expect.stringMatching(/ASSIGN/) } },
        { id: b!.id, ok: true, error: null, customer: { custodian: { username: 'sales2' } } },
      ]);
      expect(await rowOf(app, held.id)).toMatchObject({ custodianId: sales1.id, version: held.version });
      const history = await historyOf(app, a!.id);
      expect(history.at(-1)).toMatchObject({ event: 'ASSIGN', fromState: 'pool', toState: 'prospect.protected', reason: REASON });
    });

    it('should refuse each item with P5 when the salesperson is cooling down on it, and with P9 when the target may not hold customers', async () => {
      const [a] = await pool(1); // abandoned by sales3: sales3 is cooling down on it
      const toSales3 = await app.ok<{ assignCustomers: Payload }>(ASSIGN, { ids: [a!.id], to: sales3.id, r: REASON }, tokens.manager);
      expect(toSales3.assignCustomers.results[0]?.error).toMatchObject({ code: 'ILLEGAL_TRANSITION', rule: 'P5' });
      expect(toSales3.assignCustomers.results[0]?.error).toEqual(await singleError(ASSIGN_ONE, { id: a!.id, to: sales3.id, r: REASON }, tokens.manager));

      const auditorId = (await viewerNamed(app, 'auditor1')).id;
      const toAuditor = await app.ok<{ assignCustomers: Payload }>(ASSIGN, { ids: [a!.id], to: auditorId, r: REASON }, tokens.manager);
      expect(toAuditor.assignCustomers.results[0]?.error).toMatchObject({ code: 'BAD_USER_INPUT', rule: 'P9' });
      expect(await rowOf(app, a!.id)).toMatchObject({ state: 'pool', version: a!.version });
    });

    it('should refuse a non-manager up front with FORBIDDEN, running nothing (T6, P9)', async () => {
      const [a] = await pool(1);
      const result = await app.execute(ASSIGN, { ids: [a!.id], to: sales1.id, r: REASON }, { token: tokens.sales1 });
      expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN' });
      expect(await rowOf(app, a!.id)).toMatchObject({ state: 'pool', version: a!.version });
    });
  });

  describe('transferCustomers', () => {
    it('should move customers in custody to another salesperson and refuse a pool customer with ILLEGAL_TRANSITION (assign it instead)', async () => {
      const mine = await protectedFor(app, sales1, auditor);
      const [inPool] = await pool(1);
      const theirs = await protectedFor(app, sales3, auditor);
      const ids = [mine.id, inPool!.id, theirs.id];

      const { transferCustomers } = await app.ok<{ transferCustomers: Payload }>(TRANSFERS, { ids, to: sales2.id, r: REASON }, tokens.manager);

      expect(transferCustomers).toMatchObject({ succeeded: 2, failed: 1 });
      expect(transferCustomers.results).toMatchObject([
        { id: mine.id, ok: true, customer: { state: 'prospect.protected', custodian: { username: 'sales2' } } },
        { id: inPool!.id, ok: false, customer: null, error: { code: 'ILLEGAL_TRANSITION', message: expect.stringMatching(/TRANSFER/) } },
        { id: theirs.id, ok: true, customer: { custodian: { username: 'sales2' } } },
      ]);
      expect(await rowOf(app, inPool!.id)).toMatchObject({ state: 'pool', custodianId: null, version: inPool!.version });
      for (const id of [mine.id, theirs.id]) expectHistoryExplainsRow(await historyOf(app, id), await rowOf(app, id));
    });

    it('should refuse every item with P10 when the reason is too short, as transferCustomer does', async () => {
      const mine = await protectedFor(app, sales1, auditor);
      const { transferCustomers } = await app.ok<{ transferCustomers: Payload }>(TRANSFERS, { ids: [mine.id], to: sales2.id, r: ' ' }, tokens.manager);
      expect(transferCustomers.results[0]?.error).toMatchObject({ code: 'BAD_USER_INPUT', rule: 'P10' });
      expect(transferCustomers.results[0]?.error).toEqual(await singleError(TRANSFER_ONE, { id: mine.id, to: sales2.id, r: ' ' }, tokens.manager));
    });

    it('should refuse a non-manager up front with FORBIDDEN (T6, P9)', async () => {
      const mine = await protectedFor(app, sales1, auditor);
      const result = await app.execute(TRANSFERS, { ids: [mine.id], to: sales2.id, r: REASON }, { token: tokens.auditor });
      expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN' });
      expect(await rowOf(app, mine.id)).toMatchObject({ custodianId: sales1.id, version: mine.version });
    });
  });

  describe('two batches racing (T6; a real race on PostgreSQL only)', () => {
    it(
      'should give each of 20 pool customers claimed by two salespeople at once exactly one custodian, 10 times over',
      async () => {
        const racers = await createRacers(app, 2);
        const wins = [0, 0];
        for (let round = 0; round < 10; round += 1) {
          const ids = (await pool(20)).map((c) => c.id);
          // Every other round the second batch goes backwards: the two meet in the middle.
          const order = round % 2 === 0 ? ids : [...ids].reverse();
          const [first, second] = await Promise.all([
            app.ok<{ claimCustomers: Payload }>(CLAIMS, { ids }, racers[0]!.token),
            app.ok<{ claimCustomers: Payload }>(CLAIMS, { ids: order }, racers[1]!.token),
          ]);
          const batches = [first.claimCustomers, second.claimCustomers];
          expect(batches[0]!.succeeded + batches[1]!.succeeded, `round ${round}`).toBe(20);
          batches.forEach((b, i) => (wins[i]! += b.succeeded));
          for (const b of batches) {
            expect(b.succeeded + b.failed).toBe(20);
            for (const r of b.results.filter((x) => !x.ok)) expect(['ILLEGAL_TRANSITION', 'CONFLICT']).toContain(r.error?.code);
          }
          const rows: CustomerRow[] = await app.database.db.select().from(customers).where(inArray(customers.id, ids));
          const owner = new Map(batches.flatMap((b, i) => b.results.filter((r) => r.ok).map((r) => [r.id, racers[i]!.id] as const)));
          expect(owner.size, `round ${round}: every customer won once`).toBe(20);
          for (const row of rows) expect(row, `round ${round}`).toMatchObject({ state: 'prospect.protected', custodianId: owner.get(row.id) });
          const claims = await app.database.db
            .select({ entityId: transitions.entityId, actorId: transitions.actorId })
            .from(transitions)
            .where(and(inArray(transitions.entityId, ids), eq(transitions.event, 'CLAIM')));
          expect(claims, `round ${round}: one CLAIM per customer`).toHaveLength(20);
          for (const c of claims) expect(c.actorId).toBe(owner.get(c.entityId));
        }
        console.log(
          `[races] T6 batch claims (${onPostgres ? 'PostgreSQL' : 'PGlite'}): 10 rounds × 20 customers: ${wins[0]} to one batch, ${wins[1]} to the other`,
        );
      },
      RACE_TIMEOUT,
    );
  });
});
