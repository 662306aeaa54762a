import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { transitions } from '../../../src/platform/db/schema.js';
import { createApp } from '../../../src/app.js';
import { DAY, HOUR, SECOND, testClock } from '../../support/clock.js';
import { DEMO_PASSWORD } from '../../../src/demo/seed.js';
import { startTestApp, TEST_JWT_SECRET, type TestApp } from '../../support/app.js';
import { GET, actorFor, createCustomer, poolCustomer, protectedCustomer, rejectedCustomer, sendCustomer } from '../../support/customers.js';
import { policyWith } from '../../support/policy.js';

const CLAIM = `mutation($id: ID!, $v: Int) { claimCustomer(id: $id, expectedVersion: $v) { id state stage version custodian { username } protectedUntil } }`;
const ABANDON = `mutation($id: ID!, $r: String!) { abandonCustomer(id: $id, reason: $r) { id state stage custodian { username } } }`;
const TRANSFER = `mutation($id: ID!, $to: ID!, $r: String!) { transferCustomer(id: $id, toUserId: $to, reason: $r) { id state custodian { username } } }`;
const RESUBMIT = `mutation($id: ID!) { resubmitProtection(id: $id) { id state deadlineAt } }`;

describe('the protection machine', () => {
  let app: TestApp;
  // Fresh tokens: tests move the clock by days, past a token's lifetime.
  const token = (u: string) => app.login(u);
  const history = async (id: string) => app.database.db.select().from(transitions).where(eq(transitions.entityId, id)).orderBy(asc(transitions.id));
  const userId = async (u: string) => (await actorFor(app, u)).id as string;

  beforeAll(async () => {
    // Monday 2026-11-23 10:00 in Shanghai.
    app = await startTestApp({ clock: testClock('2026-11-23T02:00:00Z') });
  });
  afterAll(async () => app?.close());

  describe('P1 audit of a new customer', () => {
    it('should start the 30-day term when protection is approved', async () => {
      const c = await protectedCustomer(app, 'sales1');
      expect(c.state).toBe('prospect.protected');
      expect(c.deadlineAt?.toISOString()).toBe(new Date(app.clock().getTime() + 30 * DAY).toISOString());
      expect((await history(c.id)).map((h) => [h.event, h.fromState, h.toState])).toEqual([
        ['CREATE', null, 'prospect.pendingAudit'],
        ['PROTECTION_APPROVED', 'prospect.pendingAudit', 'prospect.protected'],
      ]);
      expect((await history(c.id)).at(-1)?.payload).toMatchObject({ via: 'application', applicationId: expect.any(String) });
    });

    it('should give a rejected customer 3 working days, then release it to the pool', async () => {
      const rejected = await rejectedCustomer(app, 'sales1');
      const c = rejected;
      expect(rejected.state).toBe('prospect.rejected');
      // Monday 10:00 + 3 working days = Thursday 10:00 (Shanghai).
      expect(rejected.deadlineAt?.toISOString()).toBe('2026-11-26T02:00:00.000Z');
      expect(rejected.deadlineEvent).toBe('REJECTION_LAPSED');
      const release = rejected.deadlineAt?.getTime() ?? 0;
      app.clock.set(new Date(release + SECOND));
      try {
        const read = await app.ok(GET, { id: c.id }, await token('manager1'));
        expect(read.customer).toMatchObject({ state: 'pool', stage: 'POOL', custodian: null });
        await app.services.sweeper.sweepOnce();
        expect((await history(c.id)).at(-1)).toMatchObject({ event: 'REJECTION_LAPSED', toState: 'pool', actorId: null });
      } finally {
        app.clock.set('2026-11-23T02:00:00Z');
      }
    });

    it('should let only the custodian resubmit a rejected customer, cancelling the release', async () => {
      const c = await rejectedCustomer(app, 'sales1');
      const e = await app.fails(RESUBMIT, { id: c.id }, await token('sales2'));
      expect(e.extensions).toMatchObject({ code: 'FORBIDDEN', rule: 'P8' });
      const ok = await app.ok(RESUBMIT, { id: c.id }, await token('sales1'));
      expect(ok.resubmitProtection).toMatchObject({ state: 'prospect.pendingAudit', deadlineAt: null });
    });

    it('should refuse audit events that do not come from an audit decision (A4)', async () => {
      const c = await createCustomer(app, 'sales1');
      await expect(sendCustomer(app, c.id, { type: 'PROTECTION_APPROVED' }, await actorFor(app, 'auditor1'))).rejects.toMatchObject({
        code: 'FORBIDDEN',
        details: { rule: 'A4' },
      });
    });
  });

  describe('P2/P4 terms and reads', () => {
    it('should show an overdue protection as pool on read even before the sweeper runs (sweeper disabled)', async () => {
      const c = await protectedCustomer(app, 'sales1');
      app.clock.advance(30 * DAY + SECOND);
      try {
        const read = await app.ok(GET, { id: c.id }, await token('sales2'));
        expect(read.customer).toMatchObject({ state: 'pool', stage: 'POOL', custodian: null, protectedUntil: null });
        expect(read.customer.availableActions.map((a: { event: string }) => a.event)).toEqual(['CLAIM']);
        const pool = await app.ok(`{ pool(first: 100) { edges { node { id } } } }`, {}, await token('sales2'));
        expect(pool.pool.edges.map((e: { node: { id: string } }) => e.node.id)).toContain(c.id);
        const mine = await app.ok(`{ customers(first: 100) { edges { node { id } } } }`, {}, await token('sales1'));
        expect(mine.customers.edges.map((e: { node: { id: string } }) => e.node.id)).not.toContain(c.id);
        // A claim on it fires the due expiry first, in the same transaction.
        const claimed = await app.ok(CLAIM, { id: c.id }, await token('sales2'));
        expect(claimed.claimCustomer).toMatchObject({ state: 'prospect.protected', custodian: { username: 'sales2' } });
        expect((await history(c.id)).slice(-2).map((h) => [h.event, h.toState, h.payload.firedBy ?? null])).toEqual([
          ['TERM_EXPIRED', 'pool', 'late'],
          ['CLAIM', 'prospect.protected', null],
        ]);
      } finally {
        app.clock.advance(-(30 * DAY + SECOND));
      }
    });

    it('should start a 15-day intent term on approval, and expire it to the pool (P4)', async () => {
      const c = await protectedCustomer(app, 'sales1');
      // 20 days into the 30-day prospect term: 10 days left, so the 15-day intent term is longer.
      app.clock.advance(20 * DAY);
      const intent = await sendCustomer(app, c.id, { type: 'INTENT_APPROVED', via: 'application' }, await actorFor(app, 'auditor1'));
      expect(intent.state).toBe('intent');
      expect(intent.deadlineAt?.getTime()).toBe(app.clock().getTime() + 15 * DAY);
      app.clock.advance(15 * DAY);
      try {
        await app.services.sweeper.sweepOnce();
        expect((await history(c.id)).at(-1)).toMatchObject({
          event: 'TERM_EXPIRED',
          fromState: 'intent',
          toState: 'pool',
          payload: { changes: { custodianId: [await userId('sales1'), null] } },
        });
      } finally {
        app.clock.advance(-35 * DAY);
      }
    });

    it('should lengthen the running term on an approved extension (P3)', async () => {
      const c = await protectedCustomer(app, 'sales1');
      const until = c.deadlineAt?.getTime() ?? 0;
      const auditor = await actorFor(app, 'auditor1');
      const ext = await sendCustomer(app, c.id, { type: 'EXTENSION_APPROVED', via: 'application' }, auditor);
      expect(ext.deadlineAt?.getTime()).toBe(until + 15 * DAY);
      const custom = await sendCustomer(app, c.id, { type: 'EXTENSION_APPROVED', via: 'application', extension: 'P7D' }, auditor);
      expect(custom.deadlineAt?.getTime()).toBe(until + 22 * DAY);
      expect(custom.state).toBe('prospect.protected');
    });

    it('should never shorten protection on intent conversion: the later of the running term and the intent term (P4)', async () => {
      const c = await protectedCustomer(app, 'sales1');
      const auditor = await actorFor(app, 'auditor1');
      const extended = await sendCustomer(app, c.id, { type: 'EXTENSION_APPROVED', via: 'application', extension: 'P30D' }, auditor);
      const intent = await sendCustomer(app, c.id, { type: 'INTENT_APPROVED', via: 'application' }, auditor);
      expect(intent.state).toBe('intent');
      expect(intent.deadlineAt?.getTime()).toBe(extended.deadlineAt?.getTime());
      const fresh = await protectedCustomer(app, 'sales1');
      const converted = await sendCustomer(app, fresh.id, { type: 'INTENT_APPROVED', via: 'application' }, auditor);
      expect(fresh.deadlineAt && fresh.deadlineAt.getTime() > app.clock().getTime() + 15 * DAY).toBe(true);
      // 30 days left of the prospect term: kept, since they end after the 15-day intent term.
      expect(converted.deadlineAt?.getTime()).toBe(fresh.deadlineAt?.getTime());
    });

    it('should say how long is left and list customers about to expire in reminders', async () => {
      const c = await protectedCustomer(app, 'sales3');
      app.clock.advance(28 * DAY);
      try {
        const read = await app.ok(GET, { id: c.id }, await token('sales3'));
        expect(read.customer.expiresIn).toBe('P2D');
        const r = await app.ok(`{ reminders { expiring { customer { id expiresIn } } } }`, {}, await token('sales3'));
        expect(r.reminders.expiring.map((x: { customer: { id: string } }) => x.customer.id)).toContain(c.id);
      } finally {
        app.clock.advance(-28 * DAY);
      }
    });

    it('should keep a formal customer formal forever, with after-sales as custodian (P6)', async () => {
      const c = await protectedCustomer(app, 'sales1');
      const auditor = await actorFor(app, 'auditor1');
      await sendCustomer(app, c.id, { type: 'INTENT_APPROVED', via: 'application' }, auditor);
      const formal = await sendCustomer(
        app,
        c.id,
        { type: 'CONTRACT_SIGNED', via: 'contract', afterSalesUserId: await userId('aftersales1') },
        await actorFor(app, 'sales1'),
      );
      expect(formal).toMatchObject({ state: 'formal', stage: 'FORMAL', deadlineAt: null, custodianId: await userId('aftersales1') });
      app.clock.advance(400 * DAY);
      try {
        const result = await app.services.sweeper.sweepOnce();
        expect(result.failed).toBe(0);
        expect((await app.ok(GET, { id: c.id }, await token('manager1'))).customer.state).toBe('formal');
        await expect(sendCustomer(app, c.id, { type: 'TERM_EXPIRED' }, { kind: 'system', id: null, name: 'sweeper' })).rejects.toMatchObject({
          code: 'ILLEGAL_TRANSITION',
        });
      } finally {
        app.clock.advance(-400 * DAY);
      }
    });
  });

  describe('P5 abandon and cool-down', () => {
    it('should need the custodian and a reason', async () => {
      const c = await protectedCustomer(app, 'sales1');
      expect((await app.fails(ABANDON, { id: c.id, r: '不想跟了' }, await token('sales2'))).extensions).toMatchObject({ code: 'FORBIDDEN', rule: 'P8' });
      const noReason = await app.fails(ABANDON, { id: c.id, r: ' ' }, await token('sales1'));
      expect(noReason.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: { reason: 'A reason is required' } });
      const ok = await app.ok(ABANDON, { id: c.id, r: '客户已选择其他供应商' }, await token('sales1'));
      expect(ok.abandonCustomer).toMatchObject({ state: 'pool', stage: 'POOL', custodian: null });
      expect((await history(c.id)).at(-1)).toMatchObject({ event: 'ABANDON', reason: '客户已选择其他供应商' });
    });

    it('should stop the same person claiming it for 3 days, but not others', async () => {
      const c = await poolCustomer(app, 'sales3');
      const e = await app.fails(CLAIM, { id: c.id }, await token('sales3'));
      expect(e.extensions).toMatchObject({ code: 'ILLEGAL_TRANSITION', rule: 'P5', state: 'pool' });
      const read = await app.ok(GET, { id: c.id }, await token('sales3'));
      expect(read.customer.availableActions).toEqual([]);
      app.clock.advance(3 * DAY + SECOND);
      try {
        const claimed = await app.ok(CLAIM, { id: c.id }, await token('sales3'));
        expect(claimed.claimCustomer.custodian.username).toBe('sales3');
      } finally {
        app.clock.advance(-(3 * DAY + SECOND));
      }
    });
  });

  describe('P7 claim', () => {
    it('should protect a pool customer directly with a fresh 30-day term', async () => {
      const c = await poolCustomer(app, 'sales3');
      const data = await app.ok(CLAIM, { id: c.id, v: c.version }, await token('sales1'));
      expect(data.claimCustomer).toMatchObject({
        state: 'prospect.protected',
        custodian: { username: 'sales1' },
        version: c.version + 1,
        protectedUntil: new Date(app.clock().getTime() + 30 * DAY).toISOString(),
      });
    });

    it('should refuse a stale expectedVersion with CONFLICT', async () => {
      const c = await poolCustomer(app, 'sales3');
      const e = await app.fails(CLAIM, { id: c.id, v: c.version - 1 }, await token('sales1'));
      expect(e.extensions).toMatchObject({ code: 'CONFLICT', currentVersion: c.version });
    });

    it('should refuse claiming a protected customer, naming the state and what is allowed', async () => {
      const c = await protectedCustomer(app, 'sales1');
      const e = await app.fails(CLAIM, { id: c.id }, await token('sales2'));
      expect(e.extensions).toMatchObject({ code: 'ILLEGAL_TRANSITION', state: 'prospect.protected', event: 'CLAIM', allowedEvents: [] });
      const own = await app.fails(CLAIM, { id: c.id }, await token('sales1'));
      // T5: the custodian may also bring collaborators in.
      expect(own.extensions?.allowedEvents).toEqual(['ABANDON', 'ADD_COLLABORATOR', 'LOCK']);
    });

    it('should refuse non-salespeople', async () => {
      const c = await poolCustomer(app, 'sales3');
      expect((await app.fails(CLAIM, { id: c.id }, await token('manager1'))).extensions?.code).toBe('FORBIDDEN');
    });

    it('should enforce the holding cap and the daily claim limit as policy (P7, P11)', async () => {
      const capped = await startTestApp({ policy: policyWith({ customer: { maxCustomersPerSales: 1, dailyClaimLimit: 2 } }) });
      try {
        const a = await poolCustomer(capped, 'sales3');
        const b = await poolCustomer(capped, 'sales3');
        const t = await capped.login('sales2');
        await capped.ok(CLAIM, { id: a.id }, t);
        const e = await capped.fails(CLAIM, { id: b.id }, t);
        expect(e.extensions).toMatchObject({ code: 'ILLEGAL_TRANSITION', rule: 'P7' });
        expect(e.message).toMatch(/hold as many/);
        // Daily limit: sales1 holds nothing; claims and abandons twice, then is refused.
        const t1 = await capped.login('sales1');
        await capped.ok(CLAIM, { id: b.id }, t1);
        await capped.ok(ABANDON, { id: b.id, r: '暂不跟进此客户' }, t1);
        const c2 = await poolCustomer(capped, 'sales3');
        await capped.ok(CLAIM, { id: c2.id }, t1);
        await capped.ok(ABANDON, { id: c2.id, r: '暂不跟进此客户' }, t1);
        const c3 = await poolCustomer(capped, 'sales3');
        const daily = await capped.fails(CLAIM, { id: c3.id }, t1);
        expect(daily.extensions).toMatchObject({ code: 'ILLEGAL_TRANSITION', rule: 'P7' });
        expect(daily.message).toMatch(/daily claim limit/);
      } finally {
        await capped.close();
      }
    });
  });

  describe('P9 transfer', () => {
    it('should move custody and reminders to another salesperson, recorded with the reason', async () => {
      const c = await protectedCustomer(app, 'sales1');
      await app.ok(
        `mutation($c: ID!, $i: FollowUpInput!) { addFollowUp(customerId: $c, input: $i) { id } }`,
        { c: c.id, i: { channel: 'PHONE', notes: '约好下周一回访。', nextContactAt: new Date(app.clock().getTime() + 2 * HOUR).toISOString() } },
        await token('sales1'),
      );
      const to = await userId('sales2');
      const data = await app.ok(TRANSFER, { id: c.id, to, r: '销售调岗' }, await token('manager1'));
      expect(data.transferCustomer).toMatchObject({ state: 'prospect.protected', custodian: { username: 'sales2' } });
      expect(data.transferCustomer.state).toBe(c.state);
      const r = await app.ok(`{ reminders { today { customer { id } } } }`, {}, await token('sales2'));
      expect(r.reminders.today.map((x: { customer: { id: string } }) => x.customer.id)).toContain(c.id);
      const h = (await history(c.id)).at(-1);
      expect(h).toMatchObject({ event: 'TRANSFER', reason: '销售调岗', payload: { toUserId: to, changes: { custodianId: [await userId('sales1'), to] } } });
      expect(h?.payload).not.toHaveProperty('deadlineAt');
    });

    it('should refuse a non-manager, and a target who cannot hold customers', async () => {
      const c = await protectedCustomer(app, 'sales1');
      expect((await app.fails(TRANSFER, { id: c.id, to: await userId('sales2'), r: '调整' }, await token('sales1'))).extensions?.code).toBe('FORBIDDEN');
      const e = await app.fails(TRANSFER, { id: c.id, to: await userId('auditor1'), r: '调整' }, await token('manager1'));
      expect(e.extensions).toMatchObject({ code: 'BAD_USER_INPUT', rule: 'P9', fields: { toUserId: expect.any(String) } });
    });
  });

  describe('availableActions and history', () => {
    it('should offer each viewer only what they may do now', async () => {
      const c = await protectedCustomer(app, 'sales1');
      // P8: sales2 may not read the term fields GET asks for, so ask only for the actions.
      const ACTIONS = `query($id: ID!) { customer(id: $id) { availableActions { event } } }`;
      const actions = async (u: string) =>
        (await app.ok(ACTIONS, { id: c.id }, await token(u))).customer.availableActions.map((a: { event: string }) => a.event);
      // T5: the custodian and a manager also manage the team (REMOVE_COLLABORATOR waits for a member).
      expect(await actions('sales1')).toEqual(['ABANDON', 'ADD_COLLABORATOR', 'LOCK']);
      expect(await actions('sales2')).toEqual([]);
      expect(await actions('manager1')).toEqual(['TRANSFER', 'ADD_COLLABORATOR', 'LOCK']);
      const read = await app.ok(GET, { id: c.id }, await token('manager1'));
      expect(read.customer.availableActions[0]).toEqual({
        event: 'TRANSFER',
        label: '转移 Transfer',
        inputs: [
          { name: 'toUserId', type: 'ID', required: true },
          { name: 'reason', type: 'String', required: true },
        ],
      });
    });

    it('should list transitions newest first with actor and the previous custodians of a pool customer', async () => {
      const c = await poolCustomer(app, 'sales3');
      const data = await app.ok(
        `query($id: ID!) { customer(id: $id) { previousCustodians { username } history(first: 10) { totalCount edges { node { event fromState toState reason actor { username } } } } } }`,
        { id: c.id },
        await token('sales2'),
      );
      expect(data.customer.previousCustodians).toEqual([{ username: 'sales3' }]);
      expect(data.customer.history.totalCount).toBe(3);
      expect(data.customer.history.edges.map((e: { node: { event: string } }) => e.node.event)).toEqual(['ABANDON', 'PROTECTION_APPROVED', 'CREATE']);
      expect(data.customer.history.edges[1].node.actor).toEqual({ username: 'auditor1' });
    });
  });

  describe('policy terms in seconds (PT5S) with the real sweeper', () => {
    it('should release a protection after a seconds-long term without any request', async () => {
      const clock = () => new Date();
      // Real time on a throw-away embedded database: the sweeper alone must release it.
      const fast = await createApp({
        seedDemo: true,
        seedDemoCustomers: false,
        jwtSecret: TEST_JWT_SECRET,
        clock,
        sweepIntervalMs: 1000,
        // No grace after the (engine-sent) approval: the term from entry runs out in seconds (P2).
        policy: policyWith({ customer: { prospectTerm: 'PT2S', graceAfterDecisionWorkingDays: 0 } }),
      });
      try {
        const t = await fast.services.users.login('sales1', DEMO_PASSWORD);
        const viewer = await fast.services.users.viewerForToken(t.token);
        const c = await fast.services.enterCustomer(viewer, (await import('../../support/customers.js')).customerInput() as never);
        const auditor = await fast.services.users.viewerForToken((await fast.services.users.login('auditor1', DEMO_PASSWORD)).token);
        await fast.services.engine.apply(
          fast.services.workflows.customer,
          c.id,
          { type: 'PROTECTION_APPROVED', via: 'application' },
          { kind: 'user', id: auditor.id, roles: auditor.roles },
        );
        let events: string[] = [];
        for (let i = 0; i < 40 && !events.includes('TERM_EXPIRED'); i += 1) {
          await new Promise((r) => setTimeout(r, 250));
          events = (await fast.database.db.select().from(transitions).where(eq(transitions.entityId, c.id)).orderBy(asc(transitions.id))).map((h) => h.event);
        }
        expect(events).toEqual(['CREATE', 'PROTECTION_APPROVED', 'TERM_EXPIRED']);
        const [row] = await fast.services.customers.byIds([c.id]);
        expect(row?.state).toBe('pool');
      } finally {
        await fast.close();
      }
    });
  });
});
