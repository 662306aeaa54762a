/**
 * F2, F3, F6: a follow-up's next contact time opens a plan (planned → due → overdue →
 * escalated, fired by the sweeper set-based), the next follow-up completes it and opens the
 * next, a custody change carries or cancels it per policy, and reminders come from plans.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import { startTestApp, type TestApp } from '../../support/app.js';
import { DAY, HOUR } from '../../support/clock.js';
import { CREATE, customerInput, protectedCustomer } from '../../support/customers.js';
import { policyWith } from '../../support/policy.js';
import { DEFAULT_POLICY } from '../../../src/workflow/policy/policy.js';

const ADD_FOLLOW_UP = `mutation($c: ID!, $i: FollowUpInput!) { addFollowUp(customerId: $c, input: $i) { id } }`;
const PLANS = `query($id: ID!) { customer(id: $id) { followUpPlans { id state dueAt deadlineAt assignee { username } availableActions { event } history { edges { node { event fromState toState payload } } } } } }`;
const TRANSFER = `mutation($id: ID!, $to: ID!, $r: String!) { transferCustomer(id: $id, toUserId: $to, reason: $r) { id } }`;
const REMINDERS = `{ reminders { overdue { customer { id } plan { id state } } today { customer { id } plan { id state } } upcoming { customer { id } plan { id state } } } }`;

interface Plan {
  id: string;
  state: string;
  dueAt: string;
  deadlineAt: string | null;
  assignee: { username: string };
  history: { edges: { node: { event: string; fromState: string | null; toState: string; payload: Record<string, unknown> } }[] };
}

let app: TestApp;
// Tokens expire as the test clock moves on: a fresh one each time.
const token = (u: string) => app.login(u);

beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => app?.close());

const at = (ms: number) => new Date(app.clock().getTime() + ms).toISOString();
async function newCustomer(username = 'sales1'): Promise<string> {
  return (await app.ok(CREATE, { i: customerInput() }, await token(username))).createCustomer.id as string;
}
async function followUp(customerId: string, nextInMs: number, username = 'sales1'): Promise<string> {
  const i = { channel: 'PHONE', notes: '电话沟通，约好再联系。', nextContactAt: at(nextInMs) };
  return (await app.ok(ADD_FOLLOW_UP, { c: customerId, i }, await token(username))).addFollowUp.id as string;
}
async function plans(customerId: string, username = 'manager1'): Promise<Plan[]> {
  return (await app.ok(PLANS, { id: customerId }, await token(username))).customer.followUpPlans as Plan[];
}
const events = (p: Plan) => p.history.edges.map((e) => e.node.event).reverse();
const ids = (items: { customer: { id: string } }[]) => items.map((x) => x.customer.id);
async function userId(username: string): Promise<string> {
  return (await app.ok(`{ me { id } }`, {}, await token(username))).me.id as string;
}

/** Fires the plan workflow's due groups through the engine's set-based path; returns the plan kinds used. */
async function fireSetBased(): Promise<string[]> {
  const def = app.services.workflows.followUpPlan;
  const kinds: string[] = [];
  for (const group of await app.services.engine.dueGroups(def)) kinds.push((await app.services.engine.fireDueBatch(def, group, 1000)).plan);
  return kinds;
}

describe('follow-up plans (F6)', () => {
  it('should open a planned plan for the custodian from a follow-up’s next contact time (F2, F6)', async () => {
    const c = await newCustomer();
    await followUp(c, 2 * HOUR);
    const [plan, ...rest] = await plans(c);
    expect(rest).toEqual([]);
    expect(plan).toMatchObject({ state: 'planned', assignee: { username: 'sales1' }, availableActions: [] });
    expect(plan?.deadlineAt).toBe(plan?.dueAt);
    expect(events(plan!)).toEqual(['CREATE']);
  });

  it('should go due, overdue and escalated on the sweeper’s set-based deadlines, each in history, and show in reminders (F3, F6)', async () => {
    const c = await newCustomer('sales3');
    await followUp(c, 2 * HOUR, 'sales3');
    expect(
      ids((await app.ok(REMINDERS, {}, await token('sales3'))).reminders.upcoming).concat(
        ids((await app.ok(REMINDERS, {}, await token('sales3'))).reminders.today),
      ),
    ).toContain(c);
    app.clock.advance(3 * HOUR);
    expect(await fireSetBased()).toEqual(['set']);
    let [plan] = await plans(c);
    expect(plan?.state).toBe('due');
    let r = (await app.ok(REMINDERS, {}, await token('sales3'))).reminders;
    expect(r.today).toContainEqual({ customer: { id: c }, plan: { id: plan!.id, state: 'due' } });
    app.clock.advance(DEFAULT_POLICY_GRACE_MS + HOUR);
    expect(await fireSetBased()).toEqual(['set']);
    [plan] = await plans(c);
    expect(plan?.state).toBe('overdue');
    r = (await app.ok(REMINDERS, {}, await token('sales3'))).reminders;
    expect(r.overdue).toContainEqual({ customer: { id: c }, plan: { id: plan!.id, state: 'overdue' } });
    app.clock.advance(3 * DAY + HOUR);
    await app.services.sweeper.sweepOnce();
    [plan] = await plans(c);
    expect(plan).toMatchObject({ state: 'escalated', deadlineAt: null });
    expect(events(plan!)).toEqual(['CREATE', 'PLAN_DUE', 'PLAN_OVERDUE', 'PLAN_ESCALATED']);
    const escalated = plan!.history.edges[0]!.node;
    expect(escalated).toMatchObject({ fromState: 'overdue', toState: 'escalated' });
    expect(escalated.payload).toHaveProperty('dueAt');
    expect(ids((await app.ok(REMINDERS, {}, await token('sales3'))).reminders.overdue)).toContain(c);
    // Logging the overdue follow-up completes the escalated plan.
    const f = await followUp(c, 2 * DAY, 'sales3');
    const after = await plans(c);
    const done = after.find((p) => p.id === plan!.id);
    const next = after.find((p) => p.id !== plan!.id);
    expect(done).toMatchObject({ id: plan!.id, state: 'done' });
    expect(events(done!).at(-1)).toBe('DONE');
    expect(next?.state).toBe('planned');
    const [row] = await app.database.rows<{ done_by: string }>(
      app.database.db,
      sql`select done_by_follow_up_id::text as done_by from follow_up_plans where id = ${plan!.id}`,
    );
    expect(row?.done_by).toBe(f);
  });

  it('should read a passed deadline as fired before the sweeper runs, and count a long-unswept plan as overdue (F3)', async () => {
    const c = await newCustomer('sales2');
    await followUp(c, HOUR, 'sales2');
    app.clock.advance(2 * HOUR);
    const [plan] = await plans(c);
    expect(plan?.state).toBe('due');
    app.clock.advance(2 * DAY);
    expect(ids((await app.ok(REMINDERS, {}, await token('sales2'))).reminders.overdue)).toContain(c);
    await app.services.sweeper.sweepOnce();
  });

  it('should complete the open plan and open the next when a follow-up is logged (F6)', async () => {
    const c = await newCustomer();
    await followUp(c, DAY);
    const f = await followUp(c, 3 * DAY);
    const all = await plans(c);
    const done = all.find((p) => p.state === 'done');
    const next = all.find((p) => p.state !== 'done');
    expect(all).toHaveLength(2);
    expect(done?.state).toBe('done');
    expect(done!.history.edges[0]!.node.payload).toMatchObject({ followUpId: f });
    expect(next).toMatchObject({ state: 'planned' });
    expect(new Date(next!.dueAt).getTime()).toBeGreaterThan(new Date(done!.dueAt).getTime());
    const open = await app.ok(`query($id: ID!) { customer(id: $id) { followUpPlans(open: true) { id } } }`, { id: c }, await token('sales1'));
    expect(open.customer.followUpPlans).toEqual([{ id: next!.id }]);
  });

  it('should carry open plans to the new custodian on a transfer by default (F6, P9)', async () => {
    const c = await protectedCustomer(app, 'sales1');
    await followUp(c.id, 2 * HOUR);
    const to = await userId('sales2');
    await app.ok(TRANSFER, { id: c.id, to, r: '销售调岗' }, await token('manager1'));
    const [plan] = await plans(c.id);
    expect(plan).toMatchObject({ state: 'planned', assignee: { username: 'sales2' } });
    expect(plan!.history.edges[0]!.node).toMatchObject({ event: 'CARRY', payload: { toUserId: to, changes: { assigneeId: [c.custodianId, to] } } });
    expect(ids((await app.ok(REMINDERS, {}, await token('sales2'))).reminders.today)).toContain(c.id);
    const r1 = (await app.ok(REMINDERS, {}, await token('sales1'))).reminders;
    expect([...ids(r1.today), ...ids(r1.overdue), ...ids(r1.upcoming)]).not.toContain(c.id);
  });

  it('should cancel open plans on a transfer when policy followUp.onCustodyChange is CANCEL (F6)', async () => {
    const c = await protectedCustomer(app, 'sales1');
    await followUp(c.id, 2 * HOUR);
    app.services.setPolicy(policyWith({ followUp: { onCustodyChange: 'CANCEL' } }));
    try {
      await app.ok(TRANSFER, { id: c.id, to: await userId('sales2'), r: '销售调岗' }, await token('manager1'));
    } finally {
      app.services.setPolicy(DEFAULT_POLICY);
    }
    const [plan] = await plans(c.id);
    expect(plan).toMatchObject({ state: 'cancelled', assignee: { username: 'sales1' }, deadlineAt: null });
    expect(events(plan!).at(-1)).toBe('CANCEL');
  });

  it('should cancel open plans when the term expires and the sweeper sends the customer to the pool (F6, P2)', async () => {
    const c = await protectedCustomer(app, 'sales1');
    await followUp(c.id, 40 * DAY);
    app.clock.advance(31 * DAY);
    await app.services.sweeper.sweepOnce();
    const [plan] = await plans(c.id);
    expect(plan?.state).toBe('cancelled');
    expect(plan!.history.edges[0]!.node).toMatchObject({ event: 'CANCEL', fromState: 'planned', toState: 'cancelled' });
  });

  it('should backfill a planned plan from a held customer’s latest next contact time, with its CREATE (migration 0018, F6)', async () => {
    const c = await protectedCustomer(app, 'sales2');
    const due = new Date(app.clock().getTime() + 2 * DAY);
    // A follow-up written before plans existed (no plan opened for it).
    await app.database.db.execute(
      sql`insert into follow_ups (customer_id, author_id, channel, notes, next_contact_at) values (${c.id}, ${c.custodianId}, 'PHONE', '迁移前的跟进记录。', ${due.toISOString()}::timestamptz)`,
    );
    const backfill = readFileSync('drizzle/0018_follow_up_plans.sql', 'utf8').split('--> statement-breakpoint').at(-1)!;
    await app.database.db.execute(sql.raw(backfill));
    await app.database.db.execute(sql.raw(backfill)); // idempotent: a customer with a plan gets none
    const [plan, ...rest] = await plans(c.id);
    expect(rest).toEqual([]);
    expect(plan).toMatchObject({ state: 'planned', dueAt: due.toISOString(), deadlineAt: due.toISOString(), assignee: { username: 'sales2' } });
    expect(events(plan!)).toEqual(['CREATE']);
    app.clock.advance(2 * DAY + HOUR);
    await app.services.sweeper.sweepOnce();
    expect((await plans(c.id))[0]?.state).toBe('due');
  });

  it('should read the plans of a list’s customers in one statement (F6)', async () => {
    const manager = await token('manager1');
    const statements: string[] = [];
    const stop = app.database.onQuery((q) => statements.push(q));
    const data = await app
      .ok(`{ customers(first: 30, filter: { scope: ALL }) { edges { node { followUpPlans(first: 2) { id state } } } } }`, {}, manager)
      .finally(stop);
    const withPlans = data.customers.edges.filter((e: { node: { followUpPlans: unknown[] } }) => e.node.followUpPlans.length > 0);
    expect(withPlans.length).toBeGreaterThan(1);
    expect(statements.filter((q) => q.includes('follow_up_plans'))).toHaveLength(1);
  });

  it('should let designers read, diagram and validate the plan machine (F6)', async () => {
    const designer = await token('designer1');
    const data = await app.ok(`{ workflow(name: "followUpPlan") { name version definition mermaid } }`, {}, designer);
    expect(data.workflow).toMatchObject({ name: 'followUpPlan', version: 1 });
    expect(data.workflow.mermaid).toContain('planned --> due: PLAN_DUE');
    const doc = JSON.parse(readFileSync('src/customers/follow-up-plan.machine.json', 'utf8')) as unknown;
    const v = await app.ok(
      `query($d: JSON!) { validateWorkflow(name: "followUpPlan", definition: $d) { valid problems { path message } } }`,
      { d: doc },
      designer,
    );
    expect(v.validateWorkflow).toEqual({ valid: true, problems: [] });
  });
});

const DEFAULT_POLICY_GRACE_MS = DAY; // followUp.grace: P1D
