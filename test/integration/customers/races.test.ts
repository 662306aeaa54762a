/**
 * Concurrency: what happens when several hands (people, sweepers, app instances) reach for the
 * same customers at the same time. PostgreSQL only: PGlite is one connection, so its
 * transactions run one after another and a race there proves nothing.
 */
import { and, asc, count, eq, inArray, isNotNull } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App, type GraphQLResult } from '../../../src/app.js';
import { customers, transitions, users, type CustomerRow, type TransitionRow } from '../../../src/platform/db/schema.js';
import type { Viewer } from '../../../src/platform/auth/viewer.js';
import { actorOf } from '../../../src/workflow/actor.js';
import { deriveTradeName } from '../../../src/customers/rules/e1-trade-name.js';
import { toViewer } from '../../../src/users/user.service.js';
import type { Actor } from '../../../src/workflow/actor.js';
import { DEFAULT_POLICY } from '../../../src/workflow/policy/policy.js';
import { onPostgres, startTestApp, TEST_JWT_SECRET, type TestApp } from '../../support/app.js';
import { DAY, SECOND } from '../../support/clock.js';
import { customerInput } from '../../support/customers.js';
import { policyWith } from '../../support/policy.js';

const CLAIM = `mutation($id: ID!) { claimCustomer(id: $id) { id state version custodian { id username } } }`;
const ABANDON = `mutation($id: ID!, $r: String!) { abandonCustomer(id: $id, reason: $r) { id state custodian { username } } }`;
const TRANSFER = `mutation($id: ID!, $to: ID!, $r: String!) { transferCustomer(id: $id, toUserId: $to, reason: $r) { id state custodian { username } } }`;
const CREATE = `mutation($i: CreateCustomerInput!) { createCustomer(input: $i) { id name tradeName state custodian { username } } }`;
const CREATE_USER = `mutation($i: CreateUserInput!) { createUser(input: $i) { id username roles } }`;

const RACE_TIMEOUT = 120_000;

type GraphQLError = NonNullable<GraphQLResult['errors']>[number];

/** The viewer of a user, read straight from the table (no password hashing in loops). */
async function viewerNamed(app: App, username: string): Promise<Viewer> {
  const [row] = await app.database.db.select().from(users).where(eq(users.username, username));
  if (!row) throw new Error(`no user ${username}`);
  return toViewer(row);
}

/** A protected prospect of `owner`, through the real service and engine (as protectedCustomer, without logins). */
async function protectedFor(app: App, owner: Viewer, auditor: Actor): Promise<CustomerRow> {
  const created = await app.services.enterCustomer(owner, customerInput() as never);
  return (await app.services.engine.apply(app.services.workflows.customer, created.id, { type: 'PROTECTION_APPROVED', via: 'application' }, auditor)).row;
}

/** A pool customer abandoned by `owner` (as poolCustomer, without logins). */
async function poolFor(app: App, owner: Viewer, auditor: Actor): Promise<CustomerRow> {
  const c = await protectedFor(app, owner, auditor);
  return (await app.services.engine.apply(app.services.workflows.customer, c.id, { type: 'ABANDON', reason: 'not interested any more' }, actorOf(owner))).row;
}

async function historyOf(app: App, id: string): Promise<TransitionRow[]> {
  return app.database.db.select().from(transitions).where(eq(transitions.entityId, id)).orderBy(asc(transitions.id));
}

async function rowOf(app: App, id: string): Promise<CustomerRow> {
  const [row] = await app.database.db.select().from(customers).where(eq(customers.id, id));
  if (!row) throw new Error(`no customer ${id}`);
  return row;
}

/**
 * P10: the history alone explains the row. It starts with CREATE, every transition starts where
 * the previous one ended, the last one ends in the row's state, the version counts the
 * transitions, and the last recorded custody change hands the customer to its custodian.
 */
function expectHistoryExplainsRow(history: TransitionRow[], row: CustomerRow): void {
  expect(history[0]?.event).toBe('CREATE');
  for (let i = 1; i < history.length; i += 1) {
    expect(history[i]?.fromState, `transition ${i} (${history[i]?.event}) starts where ${history[i - 1]?.event} ended`).toBe(history[i - 1]?.toState);
  }
  expect(history.at(-1)?.toState).toBe(row.state);
  expect(row.version).toBe(1 + (history.length - 1));
  const custody = history.filter((h) => (h.payload as { changes?: { custodianId?: unknown } }).changes?.custodianId !== undefined);
  const lastChange = (custody.at(-1)?.payload as { changes?: { custodianId?: [string | null, string | null] } } | undefined)?.changes?.custodianId;
  if (lastChange) expect(lastChange[1]).toBe(row.custodianId);
}

function codeOf(error: GraphQLError | undefined): string {
  return String(error?.extensions?.code ?? 'NONE');
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Moves every deadline the demo data left behind out of the way, so counts below are exact. */
async function flushDemoDeadlines(app: TestApp): Promise<void> {
  app.clock.advance(60 * DAY);
  await app.services.sweeper.sweepOnce();
  const [left] = await app.database.db.select({ n: count() }).from(customers).where(isNotNull(customers.deadlineAt));
  expect(left?.n, 'no running deadline left from the demo data').toBe(0);
}

describe.skipIf(!onPostgres)('races on a real PostgreSQL', () => {
  describe('one customer, many hands', () => {
    let app: TestApp;
    let auditor: Actor;
    let sales1: Viewer;
    let sales3: Viewer;
    const racers: { id: string; username: string; token: string }[] = [];

    beforeAll(async () => {
      app = await startTestApp();
      auditor = actorOf(await viewerNamed(app, 'auditor1'));
      sales1 = await viewerNamed(app, 'sales1');
      sales3 = await viewerNamed(app, 'sales3');
      const admin = await app.login('admin');
      const created = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          app.ok<{ createUser: { id: string; username: string } }>(
            CREATE_USER,
            { i: { username: `racer${String(i + 1).padStart(2, '0')}`, displayName: `抢单员 ${i + 1}`, password: 'racer-password', roles: ['SALES'] } },
            admin,
          ),
        ),
      );
      const tokens = await Promise.all(created.map((c) => app.login(c.createUser.username, 'racer-password')));
      created.forEach((c, i) => racers.push({ id: c.createUser.id, username: c.createUser.username, token: tokens[i] as string }));
    }, RACE_TIMEOUT);
    afterAll(async () => app?.close());

    describe('P7 claims', () => {
      it(
        'should give a pool customer to exactly one of 20 simultaneous claimers, 50 times over',
        async () => {
          const started = Date.now();
          const refusals: Record<string, number> = {};
          let winners = 0;
          for (let race = 0; race < 50; race += 1) {
            // Abandoned by sales3: none of the racers has a cool-down on it (P5).
            const c = await poolFor(app, sales3, auditor);
            expect(c.state).toBe('pool');
            const results = await Promise.all(racers.map((r) => app.execute(CLAIM, { id: c.id }, { token: r.token })));

            const won = results.flatMap((r, i) => (r.errors ? [] : [racers[i]]));
            expect(won, `race ${race}: exactly one winner`).toHaveLength(1);
            const winner = won[0]!;
            winners += 1;
            for (const r of results.filter((x) => x.errors)) {
              const code = codeOf(r.errors?.[0]);
              refusals[code] = (refusals[code] ?? 0) + 1;
              expect(['ILLEGAL_TRANSITION', 'CONFLICT'], `race ${race}: ${JSON.stringify(r.errors)}`).toContain(code);
            }
            const claims = await app.database.db
              .select()
              .from(transitions)
              .where(and(eq(transitions.entityId, c.id), eq(transitions.event, 'CLAIM')));
            expect(claims, `race ${race}: one CLAIM in the history`).toHaveLength(1);
            expect(claims[0]?.actorId).toBe(winner.id);
            const row = await rowOf(app, c.id);
            expect(row).toMatchObject({ state: 'prospect.protected', stage: 'PROSPECT', custodianId: winner.id, version: 4 });
            expectHistoryExplainsRow(await historyOf(app, c.id), row);
          }
          const refused = Object.values(refusals).reduce((a, b) => a + b, 0);
          const byCode = Object.entries(refusals)
            .map(([code, n]) => `${n} ${code}`)
            .join(', ');
          console.log(`[races] P7 claim: 50 races × 20 claimers: ${winners} winners, ${refused} refused (${byCode}) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
          expect(winners).toBe(50);
          expect(refused).toBe(50 * 19);
        },
        RACE_TIMEOUT,
      );
    });

    describe('P7 limits under simultaneous claims by one person', () => {
      let fresh = 0;
      /** A salesperson holding nothing yet, who claims `n` pool customers at the same moment. */
      async function claimAtOnce(n: number) {
        fresh += 1;
        const admin = await viewerNamed(app, 'admin');
        const user = await app.services.users.create(admin, { username: `greedy${fresh}`, displayName: '多抢', password: 'greedy-password', roles: ['SALES'] });
        const token = await app.login(user.username, 'greedy-password');
        const pool = await Promise.all(Array.from({ length: n }, () => poolFor(app, sales3, auditor)));
        const results = await Promise.all(pool.map((c) => app.execute(CLAIM, { id: c.id }, { token })));
        const held = await app.database.db
          .select({ n: count() })
          .from(customers)
          .where(and(eq(customers.custodianId, user.id), inArray(customers.id, pool.map((c) => c.id))));
        return { results, held: held[0]?.n ?? 0, codes: results.map((r) => (r.errors ? codeOf(r.errors[0]) : 'ok')) };
      }

      // BUG (write skew): the cap is checked on a count read inside each claim's transaction, but
      // no claim locks anything the others read (each locks only its own customer row), so all
      // of them see `holding = 0` and all succeed. See the closing report.
      it(
        'should hold to a cap of 1 (maxCustomersPerSales) when 10 claims arrive together',
        async () => {
          app.services.setPolicy(policyWith({ customer: { maxCustomersPerSales: 1 } }));
          try {
            const { held, codes } = await claimAtOnce(10);
            console.log(`[races] cap 1, 10 simultaneous claims by one person: ${held} held (${codes.filter((c) => c === 'ok').length} ok)`);
            expect(held, `codes: ${codes.join(' ')}`).toBe(1);
            expect(codes.filter((c) => c !== 'ok')).toEqual(Array(9).fill('ILLEGAL_TRANSITION'));
          } finally {
            app.services.setPolicy(DEFAULT_POLICY);
          }
        },
        RACE_TIMEOUT,
      );

      // BUG (write skew), same cause as the cap: `claimsToday` is a count of CLAIM rows that the
      // other claims have not committed yet.
      it(
        'should hold to a daily claim limit of 1 when 10 claims arrive together',
        async () => {
          app.services.setPolicy(policyWith({ customer: { dailyClaimLimit: 1 } }));
          try {
            const { held, codes } = await claimAtOnce(10);
            console.log(`[races] daily limit 1, 10 simultaneous claims by one person: ${held} claimed (${codes.filter((c) => c === 'ok').length} ok)`);
            expect(held, `codes: ${codes.join(' ')}`).toBe(1);
            expect(codes.filter((c) => c !== 'ok')).toEqual(Array(9).fill('ILLEGAL_TRANSITION'));
          } finally {
            app.services.setPolicy(DEFAULT_POLICY);
          }
        },
        RACE_TIMEOUT,
      );
    });

    describe('P5/P9 abandon racing a transfer', () => {
      it(
        'should end in one of the two legal outcomes, with a history that explains the row',
        async () => {
          const manager = await app.login('manager1');
          const sales1Token = await app.login('sales1');
          const sales2 = await viewerNamed(app, 'sales2');
          const outcomes = { abandonFirst: 0, transferFirst: 0 };
          for (let race = 0; race < 20; race += 1) {
            const c = await protectedFor(app, sales1, auditor);
            const [abandoned, transferred] = await Promise.all([
              app.execute(ABANDON, { id: c.id, r: '客户短期内无采购计划' }, { token: sales1Token }),
              app.execute(TRANSFER, { id: c.id, to: sales2.id, r: '区域调整，由李销售跟进' }, { token: manager }),
            ]);
            // Either way the transfer is legal: from the prospect, or from the pool (P9).
            expect(transferred.errors, `race ${race}: ${JSON.stringify(transferred.errors)}`).toBeUndefined();
            const history = await historyOf(app, c.id);
            const events = history.slice(2).map((h) => h.event);
            if (abandoned.errors) {
              // The transfer won: sales1 is no longer the custodian and may not abandon (P8).
              expect(abandoned.errors[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', rule: 'P8' });
              expect(events).toEqual(['TRANSFER']);
              outcomes.transferFirst += 1;
            } else {
              // The abandon won: pool, then the manager's transfer takes it out of the pool again.
              expect(events).toEqual(['ABANDON', 'TRANSFER']);
              expect(history.slice(2).map((h) => h.toState)).toEqual(['pool', 'prospect.protected']);
              outcomes.abandonFirst += 1;
            }
            const row = await rowOf(app, c.id);
            expect(row).toMatchObject({ state: 'prospect.protected', custodianId: sales2.id });
            expectHistoryExplainsRow(history, row);
          }
          console.log(`[races] abandon vs transfer: 20 races: ${outcomes.abandonFirst} abandon first (both applied), ${outcomes.transferFirst} transfer first (abandon refused FORBIDDEN)`);
        },
        RACE_TIMEOUT,
      );
    });

    describe('E4 duplicate entry', () => {
      it(
        'should let exactly one of 10 simultaneous entries of one company through and refuse the others as DUPLICATE',
        async () => {
          const names = [
            '靖江市澜舟空调有限公司',
            '江苏省靖江市澜舟空调设备有限公司',
            '澜舟空调有限公司',
            '江苏澜舟制冷设备有限公司',
            '泰州市澜舟空调工程有限公司',
            '澜舟(靖江)空调有限公司',
            '江苏省澜舟机电设备有限公司',
            '上海澜舟空调有限公司',
            '澜舟空调(集团)有限公司',
            '靖江市澜舟空调工程有限公司',
          ];
          // The race is about the unique key, not about deriving it: all ten names share it.
          expect(new Set(names.map(deriveTradeName))).toEqual(new Set(['澜舟']));
          const inputs = names.map((name, i) => ({
            name,
            address: `江苏省靖江市人民路${100 + i}号`,
            industry: '空调',
            phone: `0523-8${String(7_000_000 + i)}`,
            introduction: '中央空调安装与维保，年产值约一亿元。',
            contacts: [{ name: '陈志强', title: '总经理', mobile: `139${String(77_000_000 + i)}` }],
          }));
          const results = await Promise.all(inputs.map((input, i) => app.execute(CREATE, { i: input }, { token: racers[i]!.token })));
          const ok = results.filter((r) => !r.errors);
          expect(ok, JSON.stringify(results.map((r) => r.errors?.[0]?.extensions?.code ?? 'ok'))).toHaveLength(1);
          const winner = (ok[0]?.data as { createCustomer: { id: string; tradeName: string } }).createCustomer;
          expect(winner.tradeName).toBe('澜舟');
          const refusals = results.filter((r) => r.errors).map((r) => r.errors?.[0]);
          expect(refusals.map(codeOf)).toEqual(Array(9).fill('DUPLICATE'));
          for (const e of refusals) {
            // E4: the refusal shows the record that won.
            expect((e?.extensions?.matches as { id: string }[]).map((m) => m.id)).toContain(winner.id);
          }
          const rows = await app.database.db.select().from(customers).where(eq(customers.tradeName, '澜舟'));
          expect(rows).toHaveLength(1);
          console.log(`[races] E4 duplicate entry: 10 simultaneous entries: 1 created, ${refusals.length} DUPLICATE`);
        },
        RACE_TIMEOUT,
      );

      // BUG: a phone number shared only through a contact has no unique index behind it; the
      // pre-check in CustomerService.create cannot see the other uncommitted entries, so every
      // one of them is created. Entered one after another, the second is refused (E4).
      it(
        'should let exactly one of 10 simultaneous entries through when they share a contact’s mobile',
        async () => {
          const shared = '13988776655';
          const inputs = Array.from({ length: 10 }, (_, i) =>
            customerInput({ contacts: [{ name: '刘海涛', title: '采购主管', mobile: shared }], phone: `0523-8${String(7_100_000 + i)}` }),
          );
          const results = await Promise.all(inputs.map((input, i) => app.execute(CREATE, { i: input }, { token: racers[i]!.token })));
          const codes = results.map((r) => (r.errors ? codeOf(r.errors[0]) : 'ok'));
          console.log(`[races] E4 shared contact mobile: 10 simultaneous entries: ${codes.filter((c) => c === 'ok').length} created, ${codes.filter((c) => c === 'DUPLICATE').length} DUPLICATE`);
          expect(codes.filter((c) => c === 'ok'), codes.join(' ')).toHaveLength(1);
          expect(codes.filter((c) => c !== 'ok')).toEqual(Array(9).fill('DUPLICATE'));
        },
        RACE_TIMEOUT,
      );
    });
  });

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
        console.log(`[races] claim vs sweeper: 20 races: TERM_EXPIRED fired by the sweeper first ${firedBy.sweeper}×, late inside the claim ${firedBy.claim}×; claim succeeded 20×`);
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
          console.log(`[races] two sweepers, 300 due: instance A fired ${a.fired}, instance B fired ${b.fired}, failed ${a.failed + b.failed}, in ${seconds.toFixed(2)} s`);
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
        const [before] = await app.database.db.select({ n: count() }).from(customers).where(and(inArray(customers.id, ids), eq(customers.state, 'prospect.protected')));
        expect(before?.n).toBe(40);
        // Instance C starts with its sweeper on: it sweeps at once, not only after the first interval.
        const c = await createApp({ databaseUrl: app.databaseUrl, jwtSecret: TEST_JWT_SECRET, clock: app.clock, sweepIntervalMs: 1000 });
        try {
          const started = Date.now();
          let pooled = 0;
          while (Date.now() - started < 10 * SECOND) {
            const [n] = await app.database.db.select({ n: count() }).from(customers).where(and(inArray(customers.id, ids), eq(customers.state, 'pool')));
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
