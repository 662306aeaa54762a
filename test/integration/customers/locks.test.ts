/**
 * T4 (issue 17 point 4): a locked customer is exempt from timed return, locks are capped per
 * person, and who may lock is policy. A lock holds the term like a pending application (P2).
 */
import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { transitions } from '../../../src/platform/db/schema.js';
import { DEFAULT_POLICY } from '../../../src/workflow/policy/policy.js';
import { DAY, SECOND, testClock } from '../../support/clock.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { actorFor, intentCustomer, pendingApplication, protectedCustomer, viewerFor } from '../../support/customers.js';
import { policyWith } from '../../support/policy.js';

const LOCK = `mutation($id: ID!, $r: String!) { lockCustomer(id: $id, reason: $r) { id state deadlineAt termHeld protectedUntil lock { reason at by { username } } } }`;
const UNLOCK = `mutation($id: ID!, $r: String) { unlockCustomer(id: $id, reason: $r) { id state deadlineAt termHeld protectedUntil lock { reason } } }`;
const READ = `query($id: ID!) { customer(id: $id) { state custodian { username } deadlineAt termHeld lock { reason by { username } } availableActions { event } } }`;
const ABANDON = `mutation($id: ID!, $r: String!) { abandonCustomer(id: $id, reason: $r) { id state } }`;
const TRANSFER = `mutation($id: ID!, $to: ID!, $r: String!) { transferCustomer(id: $id, toUserId: $to, reason: $r) { id state deadlineAt lock { reason } } }`;
const START = '2026-11-23T02:00:00Z';

describe('T4 locks', () => {
  let app: TestApp;
  const token = (u: string) => app.login(u);
  const history = async (id: string) => app.database.db.select().from(transitions).where(eq(transitions.entityId, id)).orderBy(asc(transitions.id));
  const events = async (id: string) => (await app.ok(READ, { id }, await token('manager1'))).customer.availableActions.map((a: { event: string }) => a.event);

  beforeAll(async () => {
    app = await startTestApp({ clock: testClock(START) });
  });
  afterAll(async () => app?.close());

  it('T4: a locked customer does not fall to the pool when a sweep passes its term; unlocking resumes it with the grace', async () => {
    const c = await protectedCustomer(app, 'sales1');
    const term = c.deadlineAt?.getTime() ?? 0;
    const locked = (await app.ok(LOCK, { id: c.id, r: '客户年底签约，锁定跟进' }, await token('sales1'))).lockCustomer;
    expect(locked).toMatchObject({
      state: 'prospect.protected',
      deadlineAt: null,
      termHeld: true,
      lock: { reason: '客户年底签约，锁定跟进', by: { username: 'sales1' } },
    });
    expect(new Date(locked.protectedUntil).getTime()).toBe(term);
    app.clock.set(new Date(term + 10 * DAY));
    try {
      await app.services.sweeper.sweepOnce();
      const read = (await app.ok(READ, { id: c.id }, await token('sales1'))).customer;
      expect(read).toMatchObject({ state: 'prospect.protected', custodian: { username: 'sales1' }, termHeld: true });
      expect((await history(c.id)).map((h) => h.event)).not.toContain('TERM_EXPIRED');
      const unlocked = (await app.ok(UNLOCK, { id: c.id, r: '已签约意向明确' }, await token('sales1'))).unlockCustomer;
      expect(unlocked).toMatchObject({ state: 'prospect.protected', termHeld: false, lock: null });
      // The term had run out meanwhile: the grace (3 working days, P2) remains after the unlock.
      expect(new Date(unlocked.deadlineAt).getTime()).toBeGreaterThan(app.clock().getTime() + 2 * DAY);
      const rows = await history(c.id);
      expect(rows.slice(-2).map((h) => [h.event, h.reason])).toEqual([
        ['LOCK', '客户年底签约，锁定跟进'],
        ['UNLOCK', '已签约意向明确'],
      ]);
      app.clock.set(new Date(new Date(unlocked.deadlineAt).getTime() + SECOND));
      await app.services.sweeper.sweepOnce();
      expect((await history(c.id)).at(-1)).toMatchObject({ event: 'TERM_EXPIRED', toState: 'pool' });
    } finally {
      app.clock.set(START);
    }
  });

  it('T4: a lock needs a reason and is refused twice; applications still hold and lapse as before', async () => {
    const c = await protectedCustomer(app, 'sales1');
    const blank = await app.fails(LOCK, { id: c.id, r: ' ' }, await token('sales1'));
    expect(blank.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
    await app.ok(LOCK, { id: c.id, r: '重点客户' }, await token('sales1'));
    const twice = await app.fails(LOCK, { id: c.id, r: '重点客户' }, await token('manager1'));
    expect(twice.extensions).toMatchObject({ code: 'ILLEGAL_TRANSITION', rule: 'T4' });
    // An extension application opened and withdrawn while locked: the lock still holds.
    const application = await app.services.applicationOpenings.applyForExtension(await viewerFor(app, 'sales1'), c.id, '客户内部流程较长', null);
    await app.services.applicationDecisions.withdraw(await viewerFor(app, 'sales1'), application.id);
    expect((await app.ok(READ, { id: c.id }, await token('sales1'))).customer).toMatchObject({
      deadlineAt: null,
      termHeld: true,
      lock: { reason: '重点客户' },
    });
  });

  it('T4: availableActions offers LOCK, then UNLOCK, to the custodian and managers only', async () => {
    const c = await protectedCustomer(app, 'sales1');
    expect(await events(c.id)).toContain('LOCK');
    expect(await events(c.id)).not.toContain('UNLOCK');
    await app.ok(LOCK, { id: c.id, r: '重点客户' }, await token('manager1'));
    const mine = (await app.ok(READ, { id: c.id }, await token('sales1'))).customer.availableActions.map((a: { event: string }) => a.event);
    expect(mine).toContain('UNLOCK');
    expect(mine).not.toContain('LOCK');
    const other = await protectedCustomer(app, 'sales2');
    const outsider = await app.fails(LOCK, { id: other.id, r: '想锁别人的客户' }, await token('sales1'));
    expect(outsider.extensions).toMatchObject({ code: 'FORBIDDEN', rule: 'T4' });
  });

  it('T4: who may lock is policy (MANAGER only, CUSTODIAN only)', async () => {
    const c = await protectedCustomer(app, 'sales1');
    try {
      app.services.setPolicy(policyWith({ customer: { lock: { by: 'MANAGER' } } }));
      expect((await app.fails(LOCK, { id: c.id, r: '重点客户' }, await token('sales1'))).extensions).toMatchObject({ code: 'FORBIDDEN', rule: 'T4' });
      app.services.setPolicy(policyWith({ customer: { lock: { by: 'CUSTODIAN' } } }));
      expect((await app.fails(LOCK, { id: c.id, r: '重点客户' }, await token('manager1'))).extensions).toMatchObject({ code: 'FORBIDDEN', rule: 'T4' });
      await app.ok(LOCK, { id: c.id, r: '重点客户' }, await token('sales1'));
    } finally {
      app.services.setPolicy(DEFAULT_POLICY);
    }
  });

  it('T4: one person keeps at most customer.lock.maxPerUser customers locked', async () => {
    const a = await protectedCustomer(app, 'sales3');
    const b = await protectedCustomer(app, 'sales3');
    try {
      app.services.setPolicy(policyWith({ customer: { lock: { maxPerUser: 1 } } }));
      await app.ok(LOCK, { id: a.id, r: '重点客户' }, await token('sales3'));
      expect(await app.fails(LOCK, { id: b.id, r: '重点客户' }, await token('sales3'))).toMatchObject({
        extensions: { code: 'ILLEGAL_TRANSITION', rule: 'T4', maxLocks: 1 },
      });
      const read = (await app.ok(READ, { id: b.id }, await token('sales3'))).customer.availableActions.map((x: { event: string }) => x.event);
      expect(read).not.toContain('LOCK');
      await app.ok(UNLOCK, { id: a.id }, await token('sales3'));
      await app.ok(LOCK, { id: b.id, r: '重点客户' }, await token('sales3'));
    } finally {
      app.services.setPolicy(DEFAULT_POLICY);
    }
  });

  it('T4: abandoning or a transfer clears the lock; the transfer resumes the term', async () => {
    const a = await protectedCustomer(app, 'sales1');
    await app.ok(LOCK, { id: a.id, r: '重点客户' }, await token('sales1'));
    await app.ok(ABANDON, { id: a.id, r: '客户决定不采购' }, await token('sales1'));
    expect((await app.ok(READ, { id: a.id }, await token('manager1'))).customer).toMatchObject({ state: 'pool', lock: null, termHeld: false });
    const last = (await history(a.id)).at(-1);
    expect(last).toMatchObject({ event: 'ABANDON', payload: { released: [expect.stringMatching(/^lock:/)] } });

    const b = await protectedCustomer(app, 'sales1');
    await app.ok(LOCK, { id: b.id, r: '重点客户' }, await token('sales1'));
    const to = (await actorFor(app, 'sales2')).id;
    const moved = (await app.ok(TRANSFER, { id: b.id, to, r: '人员调整，客户移交' }, await token('manager1'))).transferCustomer;
    expect(moved).toMatchObject({ state: 'prospect.protected', lock: null });
    expect(moved.deadlineAt).not.toBeNull();
  });

  it('T4: a lock survives the intent conversion and keeps holding the intent term', async () => {
    const c = await protectedCustomer(app, 'sales1');
    await app.ok(LOCK, { id: c.id, r: '重点客户' }, await token('sales1'));
    const application = await app.services.applicationOpenings.applyForIntent(await viewerFor(app, 'sales1'), c.id, '客户确认了采购预算和时间');
    await app.services.applicationDecisions.approve(await viewerFor(app, 'auditor1'), application.id, 'ok');
    expect((await app.ok(READ, { id: c.id }, await token('sales1'))).customer).toMatchObject({
      state: 'intent',
      deadlineAt: null,
      termHeld: true,
      lock: { reason: '重点客户' },
    });
    expect(await pendingApplication(app, c.id).catch(() => null)).toBeNull();
    const i = await intentCustomer(app, 'sales2');
    await app.ok(LOCK, { id: i.id, r: '重点客户' }, await token('sales2'));
    expect((await app.ok(UNLOCK, { id: i.id }, await token('manager1'))).unlockCustomer).toMatchObject({ state: 'intent', lock: null, termHeld: false });
  });
});
