/**
 * V6: when a customer becomes formal, its after-sales custodian gets the after-sale visit plan
 * (policy followUp.visitPlan): one follow-up plan per step, due its offset after the signing,
 * shown in reminders; a follow-up completes a visit step only once it is due; a repeat contract
 * opens no second plan.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../support/app.js';
import { DAY } from '../../support/clock.js';
import { draftContract } from '../../support/contracts.js';
import { intentCustomer } from '../../support/customers.js';
import { DEFAULT_POLICY, validatePolicy } from '../../../src/workflow/policy/policy.js';

const PLANS = `query($id: ID!) { customer(id: $id) { state custodian { username } followUpPlans(first: 20) { id state visitStep dueAt assignee { username } } } }`;
const CONFIRM = `mutation($id: ID!) { confirmContract(id: $id) { state } }`;
const ADD_FOLLOW_UP = `mutation($c: ID!, $i: FollowUpInput!) { addFollowUp(customerId: $c, input: $i) { id } }`;
const REMINDERS = `{ reminders { today { customer { id } plan { visitStep } } overdue { customer { id } plan { visitStep } } } }`;

interface Plan {
  id: string;
  state: string;
  visitStep: string | null;
  dueAt: string;
  assignee: { username: string };
}

describe('after-sale visit plan (V6)', () => {
  let app: TestApp;
  let customerId: string;
  let signedAt: number;
  const plans = async () => (await app.ok(PLANS, { id: customerId }, await app.login('manager1'))).customer.followUpPlans as Plan[];
  const visits = async () => (await plans()).filter((p) => p.visitStep !== null).sort((a, b) => a.dueAt.localeCompare(b.dueAt));

  beforeAll(async () => {
    app = await startTestApp();
    customerId = (await intentCustomer(app, 'sales1')).id;
    const contract = await draftContract(app, customerId, await app.login('sales1'));
    signedAt = app.clock().getTime();
    expect((await app.ok(CONFIRM, { id: contract.id }, await app.login('sales1'))).confirmContract.state).toBe('confirmed');
  });
  afterAll(async () => app?.close());

  it('V6: should give the after-sales custodian one planned plan per policy step, each due its offset after the signing', async () => {
    const view = (await app.ok(PLANS, { id: customerId }, await app.login('manager1'))).customer;
    expect(view).toMatchObject({ state: 'formal', custodian: { username: 'aftersales1' } });
    const steps = DEFAULT_POLICY.followUp.visitPlan;
    expect(steps.map((s) => s.step)).toEqual(['THANK_YOU_VISIT', 'PHONE_CHECK', 'LETTER', 'SATISFACTION_SURVEY', 'REFERRAL_REQUEST', 'REPURCHASE_LETTER']);
    const opened = await visits();
    expect(opened.map((p) => [p.visitStep, p.state, p.assignee.username])).toEqual(steps.map((s) => [s.step, 'planned', 'aftersales1']));
    expect(opened[0]!.dueAt).toBe(new Date(signedAt + 3 * DAY).toISOString());
    expect(opened[5]!.dueAt).toBe(new Date(signedAt + 330 * DAY).toISOString());
  });

  it('V6: should not let a follow-up before a step is due complete it, and complete the due step (only) once it is', async () => {
    const log = async () =>
      app.ok(ADD_FOLLOW_UP, { c: customerId, i: { channel: 'PHONE', notes: '客户来电询问安装时间。', nextContactAt: null } }, await app.login('aftersales1'));
    await log();
    expect((await visits()).every((p) => p.state === 'planned')).toBe(true);
    app.clock.advance(3 * DAY + 1000);
    await app.services.sweeper.sweepOnce();
    const reminders = (await app.ok(REMINDERS, {}, await app.login('aftersales1'))).reminders;
    expect([...reminders.today, ...reminders.overdue]).toContainEqual({ customer: { id: customerId }, plan: { visitStep: 'THANK_YOU_VISIT' } });
    await log();
    const after = await visits();
    expect(after.map((p) => p.state)).toEqual(['done', 'planned', 'planned', 'planned', 'planned', 'planned']);
  });

  it('V6: should open no second plan for a repeat contract of a formal customer', async () => {
    const before = (await visits()).length;
    const repeat = await draftContract(app, customerId, await app.login('aftersales1'));
    await app.ok(CONFIRM, { id: repeat.id }, await app.login('aftersales1'));
    expect(await visits()).toHaveLength(before);
  });

  it('V6: should refuse a visit plan step the policy does not know, naming it', () => {
    const result = validatePolicy({ ...DEFAULT_POLICY, followUp: { ...DEFAULT_POLICY.followUp, visitPlan: [{ step: 'DINNER', after: 'P1D' }] } });
    expect(result.ok ? [] : result.problems.map((p) => p.path)).toEqual(['followUp.visitPlan.0.step']);
  });
});
