/**
 * V1–V3 (issue 18 §1–3): customer value over real contracts confirmed at known times — class,
 * tier, loyalty, lifetime figures, the classes with their Pareto curve, the pyramid and the
 * ranking — with P8 on a customer's own figures, MANAGER only for the summaries, and the V2
 * levels on customers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../support/app.js';
import { DAY } from '../../support/clock.js';
import { draftContract } from '../../support/contracts.js';
import { intentCustomer } from '../../support/customers.js';

const VALUE = `customerId revenue windowRevenue windowPayments outstanding purchases firstPurchaseAt lastPurchaseAt averageIntervalDays referrals valueClass tier loyalty`;
const CLASSES = `query($w: String) { valueClasses(window: $w) { windowStart windowEnd classes { label count amount } pareto { customerShare revenueShare } repurchaseRate } }`;
const PYRAMID = `{ valuePyramid { label count amount } }`;

describe('customer value (V1–V3)', () => {
  let app: TestApp;
  const ids = { star: '', steady: '', lapsed: '', lost: '' };

  /** A contract of `price` for the customer, confirmed now by `who` (its custodian). */
  async function buy(customerId: string, who: string, price: string) {
    const token = await app.login(who);
    const contract = await draftContract(app, customerId, token, price);
    await app.ok(`mutation($id: ID!) { confirmContract(id: $id) { state } }`, { id: contract.id }, token);
    return contract.id;
  }

  beforeAll(async () => {
    app = await startTestApp();
    const now = app.clock().getTime();
    // 420 days ago: the star and the lapsed customer buy for the first time.
    app.clock.set(new Date(now - 420 * DAY));
    ids.star = (await intentCustomer(app, 'sales1')).id;
    ids.lapsed = (await intentCustomer(app, 'sales2')).id;
    await buy(ids.star, 'sales1', '500000.00');
    await buy(ids.lapsed, 'sales2', '2000.00');
    // 30 days ago: the star buys again (after-sales holds it now); the steady customer's first order.
    app.clock.set(new Date(now - 30 * DAY));
    await buy(ids.star, 'aftersales1', '300000.00');
    ids.steady = (await intentCustomer(app, 'sales1')).id;
    await buy(ids.steady, 'sales1', '50000.00');
    // A lost bid: the only contract, voided.
    ids.lost = (await intentCustomer(app, 'sales2')).id;
    const sales2 = await app.login('sales2');
    const lostBid = await draftContract(app, ids.lost, sales2, '90000.00');
    await app.ok(`mutation($id: ID!) { voidContract(id: $id, reason: "客户选择了其他供应商") { state } }`, { id: lostBid.id }, sales2);
    app.clock.set(new Date(now));
    // The steady customer came on the star's recommendation.
    await app.ok(
      `mutation($id: ID!, $i: UpdateCustomerInput!) { updateCustomer(id: $id, input: $i) { referredById } }`,
      { id: ids.steady, i: { referredById: ids.star } },
      await app.login('manager1'),
    );
  });
  afterAll(async () => app?.close());

  const valueOf = async (id: string, who = 'manager1') =>
    (await app.ok(`query($id: ID!) { customerValue(id: $id) { ${VALUE} } }`, { id }, await app.login(who))).customerValue;

  it('V3: should total a customer’s lifetime value and purchases, and make a repeat buyer with a referral an advocate', async () => {
    const star = await valueOf(ids.star);
    expect(star).toMatchObject({
      revenue: '800000.00',
      windowRevenue: '300000.00',
      windowPayments: '0.00',
      outstanding: '800000.00',
      purchases: 2,
      referrals: 1,
      loyalty: 'ADVOCATE',
    });
    expect(star.averageIntervalDays).toBeCloseTo(390, 0);
    expect(new Date(star.lastPurchaseAt).getTime() - new Date(star.firstPurchaseAt).getTime()).toBe(390 * DAY);
    expect(await valueOf(ids.steady)).toMatchObject({ revenue: '50000.00', purchases: 1, averageIntervalDays: null, loyalty: 'FIRST_PURCHASE' });
    expect(await valueOf(ids.lost)).toMatchObject({ revenue: '0.00', purchases: 0, loyalty: 'POTENTIAL', tier: null });
  });

  it('V1/V2: should class the top buyer A, a buyer of the window B, the lapsed and the lost bidder C, and tier each by the window’s revenue', async () => {
    const one = async (id: string) =>
      (await app.ok(`query($id: ID!) { customer(id: $id) { valueClass tier value { valueClass } } }`, { id }, await app.login('manager1'))).customer;
    expect(await one(ids.star)).toEqual({ valueClass: 'A', tier: 'MAJOR', value: { valueClass: 'A' } });
    expect(await one(ids.steady)).toMatchObject({ valueClass: 'B', tier: 'ORDINARY' });
    expect(await one(ids.lapsed)).toMatchObject({ valueClass: 'C', tier: 'SMALL' });
    expect(await one(ids.lost)).toMatchObject({ valueClass: 'C', tier: null });
  });

  it('V1: should sum the classes, draw the Pareto curve and give the repurchase rate (V3) over the window', async () => {
    const report = (await app.ok(CLASSES, {}, await app.login('manager1'))).valueClasses;
    expect(report.classes).toEqual([
      { label: 'A', count: 1, amount: '300000.00' },
      { label: 'B', count: 1, amount: '50000.00' },
      { label: 'C', count: 2, amount: '0.00' },
    ]);
    // Two buyers in the window: the first is half of them and 300,000 of 350,000.
    expect(report.pareto[0]).toEqual({ customerShare: 0.5, revenueShare: 0.8571 });
    expect(report.pareto.at(-1)).toEqual({ customerShare: 1, revenueShare: 1 });
    expect(report.repurchaseRate).toBe(0.3333); // the star of three buyers
    // A window of two years takes in the first orders: the star is still A, the lapsed one still C (no order for a year).
    const wide = (await app.ok(CLASSES, { w: 'P2Y' }, await app.login('manager1'))).valueClasses;
    expect(wide.classes[0]).toEqual({ label: 'A', count: 1, amount: '800000.00' });
  });

  it('V2: should count the pyramid by tier, VIP first', async () => {
    expect((await app.ok(PYRAMID, {}, await app.login('manager1'))).valuePyramid).toEqual([
      { label: 'VIP', count: 0, amount: '0.00' },
      { label: 'MAJOR', count: 1, amount: '300000.00' },
      { label: 'ORDINARY', count: 1, amount: '50000.00' },
      { label: 'SMALL', count: 1, amount: '0.00' },
    ]);
  });

  it('V3: should rank buyers by lifetime or window revenue', async () => {
    const rank = async (orderBy: string) =>
      (
        await app.ok(
          `query($o: ValueRankingOrder!) { customerValueRanking(orderBy: $o, first: 10) { customerId revenue } }`,
          { o: orderBy },
          await app.login('manager1'),
        )
      ).customerValueRanking.map((r: { customerId: string }) => r.customerId);
    expect(await rank('REVENUE')).toEqual([ids.star, ids.steady, ids.lapsed]);
    expect(await rank('WINDOW_REVENUE')).toEqual([ids.star, ids.steady, ids.lapsed]);
  });

  it('P8: should keep a customer’s value from those who may not see its details, and the summaries from salespeople', async () => {
    expect((await app.fails(`query($id: ID!) { customerValue(id: $id) { revenue } }`, { id: ids.steady }, await app.login('sales2'))).extensions).toMatchObject(
      {
        code: 'FORBIDDEN',
      },
    );
    expect(await valueOf(ids.steady, 'sales1')).toMatchObject({ revenue: '50000.00' });
    expect((await app.fails(PYRAMID, {}, await app.login('sales1'))).extensions).toMatchObject({ code: 'FORBIDDEN' });
    expect((await app.fails(CLASSES, { w: 'P10Y' }, await app.login('manager1'))).extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: { window: expect.stringMatching(/five years/) },
    });
    const ranking = await app.fails(`{ customerValueRanking(first: 500) { revenue } }`, {}, await app.login('manager1'));
    expect(ranking.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: { 'customerValueRanking.first': expect.stringMatching(/to 100/) } });
  });

  it('V2/V3: should take a level of the pyramid, refuse a referrer that is not another customer, and change nothing then', async () => {
    const manager = await app.login('manager1');
    const update = `mutation($id: ID!, $i: UpdateCustomerInput!) { updateCustomer(id: $id, input: $i) { level levelNote referredById version } }`;
    const before = (await app.ok(update, { id: ids.lost, i: { level: 'MAJOR' } }, manager)).updateCustomer;
    expect(before).toMatchObject({ level: 'MAJOR', levelNote: null, referredById: null });
    const self = await app.fails(update, { id: ids.lost, i: { referredById: ids.lost, level: 'VIP' } }, manager);
    expect(self.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: { 'input.referredById': 'must be another customer' } });
    const unknown = await app.fails(update, { id: ids.lost, i: { referredById: '00000000-0000-4000-8000-000000000000' } }, manager);
    expect(unknown.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: { 'input.referredById': 'is not a customer' } });
    const after = (await app.ok(`query($id: ID!) { customer(id: $id) { level version } }`, { id: ids.lost }, manager)).customer;
    expect(after).toEqual({ level: 'MAJOR', version: before.version });
    const free = await app.fails(update, { id: ids.lost, i: { level: 'A' } }, manager);
    expect(free.extensions?.code).toBe('BAD_USER_INPUT'); // an enum: GraphQL refuses free text before any resolver
  });
});
