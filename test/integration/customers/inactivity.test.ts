/**
 * T3 (issue 17 point 3): a protected customer with no follow-up for `customer.inactivityTerm`
 * falls to the pool (INACTIVITY_EXPIRED), off by default; armed and fired set-based by the sweeper.
 */
import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { transitions } from '../../../src/platform/db/schema.js';
import { DEFAULT_POLICY } from '../../../src/workflow/policy/policy.js';
import { DAY, SECOND, testClock } from '../../support/clock.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { actorFor, intentCustomer, protectedCustomer, sendCustomer, viewerFor } from '../../support/customers.js';
import { policyWith } from '../../support/policy.js';
import { rowOf } from '../../support/races.js';

const START = '2026-11-23T02:00:00Z';

describe('T3 return on inactivity', () => {
  let app: TestApp;
  const events = async (id: string) =>
    (await app.database.db.select().from(transitions).where(eq(transitions.entityId, id)).orderBy(asc(transitions.id))).map((h) => h.event);
  const at = (days: number) => new Date(new Date(START).getTime() + days * DAY + SECOND);

  beforeAll(async () => {
    app = await startTestApp({ clock: testClock(START) });
  });
  afterAll(async () => app?.close());

  it('T3: is off by default: no follow-up within the term changes nothing', async () => {
    app.clock.set(START);
    const c = await protectedCustomer(app, 'sales1');
    app.clock.set(at(29));
    await app.services.sweeper.sweepOnce();
    expect(await rowOf(app, c.id)).toMatchObject({ state: 'prospect.protected', deadlineEvent: 'TERM_EXPIRED' });
    expect(await events(c.id)).not.toContain('INACTIVITY_EXPIRED');
  });

  it('T3: a level may have its own term over the global one (null exempts it)', async () => {
    app.services.setPolicy(policyWith({ customer: { inactivityTerm: null, inactivityByLevel: { VIP: 'P10D', SMALL: 'P3D', MAJOR: null } } }));
    try {
      app.clock.set(START);
      const a = await protectedCustomer(app, 'sales1', { level: 'VIP' });
      const b = await protectedCustomer(app, 'sales1', { level: 'MAJOR' });
      const c = await protectedCustomer(app, 'sales1', { level: 'SMALL' });
      app.clock.set(at(3));
      await app.services.sweeper.sweepOnce();
      expect([(await rowOf(app, a.id)).state, (await rowOf(app, b.id)).state, (await rowOf(app, c.id)).state]).toEqual([
        'prospect.protected',
        'prospect.protected',
        'pool',
      ]);
      app.clock.set(at(10));
      await app.services.sweeper.sweepOnce();
      expect([(await rowOf(app, a.id)).state, (await rowOf(app, b.id)).state]).toEqual(['pool', 'prospect.protected']);
      expect((await events(a.id)).at(-1)).toBe('INACTIVITY_EXPIRED');
    } finally {
      app.services.setPolicy(DEFAULT_POLICY);
    }
  });

  describe('with customer.inactivityTerm P7D', () => {
    beforeAll(() => app.services.setPolicy(policyWith({ customer: { inactivityTerm: 'P7D' } })));
    afterAll(() => app.services.setPolicy(DEFAULT_POLICY));

    it('T3: falls to the pool after the inactivity term, with its own event, and P5 cools the former custodian down', async () => {
      app.clock.set(START);
      const c = await protectedCustomer(app, 'sales1');
      const i = await intentCustomer(app, 'sales2');
      app.clock.set(at(6));
      await app.services.sweeper.sweepOnce();
      expect((await rowOf(app, c.id)).state).toBe('prospect.protected');
      app.clock.set(at(7));
      await app.services.sweeper.sweepOnce();
      expect(await rowOf(app, c.id)).toMatchObject({ state: 'pool', custodianId: null, deadlineAt: null });
      expect((await rowOf(app, i.id)).state).toBe('pool');
      expect((await events(c.id)).at(-1)).toBe('INACTIVITY_EXPIRED');
      const refused = sendCustomer(app, c.id, { type: 'CLAIM' }, await actorFor(app, 'sales1'));
      await expect(refused).rejects.toThrow(/cool-down/); // P5
    });

    it('T3: a follow-up restarts the inactivity clock', async () => {
      app.clock.set(START);
      const c = await protectedCustomer(app, 'sales1');
      app.clock.set(at(5));
      await app.services.followUps.add(await viewerFor(app, 'sales1'), c.id, {
        channel: 'PHONE',
        notes: '电话沟通了采购计划',
        nextContactAt: at(9),
      } as never);
      app.clock.set(at(7));
      await app.services.sweeper.sweepOnce();
      expect((await rowOf(app, c.id)).state).toBe('prospect.protected');
      app.clock.set(at(12));
      await app.services.sweeper.sweepOnce();
      expect((await rowOf(app, c.id)).state).toBe('pool');
      expect((await events(c.id)).at(-1)).toBe('INACTIVITY_EXPIRED');
    });

    it('T3/T4: a locked customer is exempt', async () => {
      app.clock.set(START);
      const c = await protectedCustomer(app, 'sales1');
      await app.services.customerLocks.lock(await viewerFor(app, 'sales1'), c.id, '重点客户');
      app.clock.set(at(20));
      await app.services.sweeper.sweepOnce();
      expect(await rowOf(app, c.id)).toMatchObject({ state: 'prospect.protected', deadlineAt: null });
    });

    it('T3: many inactive customers are armed and fired in a few statements, not a few per row', async () => {
      app.clock.set(START);
      const many = await Promise.all(Array.from({ length: 20 }, () => protectedCustomer(app, 'sales3')));
      app.clock.set(at(8));
      const statements: string[] = [];
      const stop = app.database.onQuery((q) => statements.push(q));
      const result = await app.services.sweeper.sweepOnce().finally(stop);
      expect(result.fired).toBeGreaterThanOrEqual(20);
      expect(statements.length).toBeLessThanOrEqual(16);
      for (const c of many) expect((await rowOf(app, c.id)).state).toBe('pool');
    });
  });
});
