/**
 * P5 cool-downs: after abandoning a customer, and after its term ended (TERM_EXPIRED) or its
 * rejection lapsed (REJECTION_LAPSED), the former custodian may not claim it for 3 days
 * (`abandonCoolDown`, `expiryCoolDown`), and a manager may not transfer it to them. The refusal
 * says until when. Others may claim it at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onPostgres, startTestApp, type TestApp } from '../../support/app.js';
import { DAY, SECOND } from '../../support/clock.js';
import { actorFor, GET, poolCustomer, protectedCustomer, rejectedCustomer } from '../../support/customers.js';
import { historyOf, rowOf } from '../../support/races.js';

const CLAIM = `mutation($id: ID!) { claimCustomer(id: $id) { id state custodian { username } } }`;
const ASSIGN = `mutation($id: ID!, $to: ID!, $r: String!) { assignFromPool(customerId: $id, toUserId: $to, reason: $r) { id custodian { username } } }`;

let app: TestApp;
const token = (u: string) => app.login(u);
const userId = async (u: string) => (await actorFor(app, u)).id as string;

beforeAll(async () => {
  app = await startTestApp();
});

afterAll(async () => {
  await app.close();
});

/** Runs `body` with the clock moved forward by `ms`, then moves it back. */
async function later<T>(ms: number, body: () => Promise<T>): Promise<T> {
  app.clock.advance(ms);
  try {
    return await body();
  } finally {
    app.clock.advance(-ms);
  }
}

describe('P5 cool-downs after a term ends', () => {
  it('should refuse the former custodian’s claim for 3 days after the term expired, saying until when, and let others claim', async () => {
    const c = await protectedCustomer(app, 'sales1');
    await later(30 * DAY + SECOND, async () => {
      await app.services.sweeper.sweepOnce();
      const expiredAt = (await historyOf(app, c.id)).find((h) => h.event === 'TERM_EXPIRED')?.createdAt;
      expect(expiredAt).toBeDefined();
      const e = await app.fails(CLAIM, { id: c.id }, await token('sales1'));
      expect(e.extensions).toMatchObject({
        code: 'ILLEGAL_TRANSITION',
        rule: 'P5',
        state: 'pool',
        until: new Date(expiredAt!.getTime() + 3 * DAY).toISOString(),
      });
      expect((await app.ok(GET, { id: c.id }, await token('sales1'))).customer.availableActions).toEqual([]);
      // Three days later the cool-down is over for the former custodian.
      await later(3 * DAY, async () => {
        expect((await app.ok(CLAIM, { id: c.id }, await token('sales1'))).claimCustomer).toMatchObject({
          state: 'prospect.protected',
          custodian: { username: 'sales1' },
        });
      });
    });
  });

  it('should let another salesperson claim the expired customer at once', async () => {
    const c = await protectedCustomer(app, 'sales1');
    await later(30 * DAY + SECOND, async () => {
      await app.services.sweeper.sweepOnce();
      expect((await app.ok(CLAIM, { id: c.id }, await token('sales2'))).claimCustomer.custodian).toEqual({ username: 'sales2' });
    });
  });

  it('should refuse the former custodian’s claim that itself fires the overdue expiry, changing nothing', async () => {
    const c = await protectedCustomer(app, 'sales1');
    await later(30 * DAY + SECOND, async () => {
      // No sweep: the claim finds the deadline due, fires it first, then refuses the claim (P5).
      const e = await app.fails(CLAIM, { id: c.id }, await token('sales1'));
      expect(e.extensions).toMatchObject({ code: 'ILLEGAL_TRANSITION', rule: 'P5' });
      const row = await rowOf(app, c.id);
      expect(row.version).toBe(c.version);
      expect((await historyOf(app, c.id)).map((h) => h.event)).not.toContain('TERM_EXPIRED');
    });
  });

  it('should cool down the custodian of a rejected customer whose release lapsed (REJECTION_LAPSED)', async () => {
    const c = await rejectedCustomer(app, 'sales1');
    await later(10 * DAY, async () => {
      await app.services.sweeper.sweepOnce();
      expect((await rowOf(app, c.id)).state).toBe('pool');
      const e = await app.fails(CLAIM, { id: c.id }, await token('sales1'));
      expect(e.extensions).toMatchObject({ code: 'ILLEGAL_TRANSITION', rule: 'P5', until: expect.any(String) });
    });
  });
});

describe('P5 no transfer into a cool-down', () => {
  it('should refuse a manager’s assignment from the pool to a person who abandoned the customer, saying until when; another target is fine', async () => {
    const c = await poolCustomer(app, 'sales3');
    const e = await app.fails(ASSIGN, { id: c.id, to: await userId('sales3'), r: '人员调整' }, await token('manager1'));
    expect(e.extensions).toMatchObject({ code: 'ILLEGAL_TRANSITION', rule: 'P5', until: expect.any(String) });
    expect((await rowOf(app, c.id)).version).toBe(c.version);
    const ok = await app.ok(ASSIGN, { id: c.id, to: await userId('sales2'), r: '人员调整' }, await token('manager1'));
    expect(ok.assignFromPool.custodian).toEqual({ username: 'sales2' });
  });

  it('should refuse assigning the customer to the custodian whose term just expired', async () => {
    const c = await protectedCustomer(app, 'sales1');
    await later(30 * DAY + SECOND, async () => {
      await app.services.sweeper.sweepOnce();
      const e = await app.fails(ASSIGN, { id: c.id, to: await userId('sales1'), r: '人员调整' }, await token('manager1'));
      expect(e.extensions).toMatchObject({ code: 'ILLEGAL_TRANSITION', rule: 'P5' });
    });
  });
});

describe.skipIf(!onPostgres)('P5 a claim racing the expiry (PostgreSQL)', () => {
  it('should never give the customer back to its former custodian, whether the sweeper or the claim fires the expiry', async () => {
    const outcomes: string[] = [];
    for (let i = 0; i < 10; i += 1) {
      const c = await protectedCustomer(app, 'sales1');
      await later(30 * DAY + SECOND, async () => {
        const t = await token('sales1');
        const [, claim] = await Promise.all([app.services.sweeper.sweepOnce(), app.execute(CLAIM, { id: c.id }, { token: t })]);
        outcomes.push(claim.errors ? `${String(claim.errors[0]?.extensions?.code)} ${String(claim.errors[0]?.extensions?.rule)}` : 'claimed');
        // A sweep that found the row locked by the (refused, rolled back) claim skipped it: sweep again.
        await app.services.sweeper.sweepOnce();
        const row = await rowOf(app, c.id);
        expect(row.state).toBe('pool');
        expect((await historyOf(app, c.id)).filter((h) => h.event === 'TERM_EXPIRED')).toHaveLength(1);
      });
    }
    expect(new Set(outcomes)).toEqual(new Set(['ILLEGAL_TRANSITION P5']));
  });
});
