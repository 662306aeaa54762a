/**
 * P2 (with A4): a pending application holds its customer's term. The prospect term counts from
 * entry, a customer never falls into the pool on a timer while an application awaits a decision,
 * at least 3 working days remain after any decision, and when the customer leaves the state an
 * application was made in, by any path, the application closes as lapsed in the same transaction.
 */
import { asc, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { applications, customers, transitions } from '../../../src/platform/db/schema.js';
import { addWorkingDays } from '../../../src/workflow/policy/calendar.js';
import { actorOf } from '../../../src/workflow/actor.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { DAY, testClock } from '../../support/clock.js';
import { actorFor, createCustomer, intentCustomer, pendingApplication, protectedCustomer, sendCustomer, viewerFor } from '../../support/customers.js';

const START = '2026-11-23T02:00:00Z'; // Monday 10:00 in Shanghai
const CUSTOMER = `query($id: ID!) { customer(id: $id) { state termHeld deadlineAt deadlineEvent protectedUntil } }`;
const APPLICATION = `query($id: ID!) { application(id: $id) { status availableActions { event } } }`;
const INTENT = `mutation($c: ID!) { applyForIntent(customerId: $c, reason: "客户确认了采购预算") { id } }`;
const EXTENSION = `mutation($c: ID!) { applyForExtension(customerId: $c, reason: "客户内部审批流程较长") { id } }`;
const APPROVE = `mutation($id: ID!) { approveApplication(id: $id) { status } }`;
const REJECT = `mutation($id: ID!) { rejectApplication(id: $id, reason: "理由不充分，请补充") { status } }`;
const WITHDRAW = `mutation($id: ID!) { withdrawApplication(id: $id) { status } }`;

describe('P2: a pending application holds the term', () => {
  let app: TestApp;
  const token = (u: string) => app.login(u);
  const at = (days: number) => new Date(new Date(START).getTime() + days * DAY);
  const customer = async (id: string) => (await app.ok(CUSTOMER, { id }, await token('manager1'))).customer;
  const apply = async (query: string, c: string) => (await app.ok(query, { c }, await token('sales1'))) as Record<string, { id: string }>;
  const grace = () => addWorkingDays(app.clock(), 3, app.services.policy().calendar).toISOString();
  const history = (id: string) => app.database.db.select().from(transitions).where(eq(transitions.entityId, id)).orderBy(asc(transitions.id));

  beforeAll(async () => {
    app = await startTestApp({ clock: testClock(START) });
  });
  beforeEach(() => app.clock.set(START));
  afterAll(async () => app?.close());

  it('should count the prospect term from entry, the wait for the protection audit included', async () => {
    const c = await createCustomer(app, 'sales1');
    expect(await customer(c.id)).toMatchObject({ state: 'prospect.pendingAudit', termHeld: true, deadlineAt: null, deadlineEvent: null });
    app.clock.set(at(10));
    const a = await pendingApplication(app, c.id);
    await app.ok(APPROVE, { id: a.id }, await token('auditor1'));
    expect(await customer(c.id)).toMatchObject({
      state: 'prospect.protected',
      termHeld: false,
      deadlineAt: at(30).toISOString(),
      deadlineEvent: 'TERM_EXPIRED',
    });
  });

  it('should leave at least 3 working days after a protection audit that took longer than the term', async () => {
    const c = await createCustomer(app, 'sales1');
    app.clock.set(at(40));
    await app.services.sweeper.sweepOnce();
    const a = await pendingApplication(app, c.id);
    expect(await customer(c.id)).toMatchObject({ state: 'prospect.pendingAudit', termHeld: true });
    await app.ok(APPROVE, { id: a.id }, await token('auditor1'));
    expect((await customer(c.id)).deadlineAt).toBe(grace());
  });

  it('should never drop a customer into the pool while its INTENT application waits, and start the intent term at the decision (P4)', async () => {
    const c = await protectedCustomer(app, 'sales1');
    app.clock.set(at(1));
    const { applyForIntent } = await apply(INTENT, c.id);
    expect(await customer(c.id)).toMatchObject({ termHeld: true, deadlineAt: null, protectedUntil: at(30).toISOString() });
    app.clock.set(at(35));
    await app.services.sweeper.sweepOnce();
    expect(await customer(c.id)).toMatchObject({ state: 'prospect.protected', termHeld: true });
    const waiting = (await app.ok(APPLICATION, { id: applyForIntent?.id }, await token('auditor1'))).application;
    expect(waiting).toMatchObject({ status: 'PENDING', availableActions: [{ event: 'APPROVE' }, { event: 'REJECT' }] });
    await app.ok(APPROVE, { id: applyForIntent?.id }, await token('auditor1'));
    expect(await customer(c.id)).toMatchObject({ state: 'intent', termHeld: false, deadlineAt: at(50).toISOString() });
  });

  it('should give back 3 working days after a rejected EXTENSION that waited past the term end, then let the term run out', async () => {
    const c = await protectedCustomer(app, 'sales1');
    app.clock.set(at(29));
    const { applyForExtension } = await apply(EXTENSION, c.id);
    app.clock.set(at(31));
    await app.ok(REJECT, { id: applyForExtension?.id }, await token('auditor1'));
    const after = await customer(c.id);
    expect(after).toMatchObject({ state: 'prospect.protected', termHeld: false, deadlineAt: grace(), deadlineEvent: 'TERM_EXPIRED' });
    app.clock.set(new Date(new Date(after.deadlineAt).getTime() + 1000));
    await app.services.sweeper.sweepOnce();
    expect((await history(c.id)).map((h) => h.event).slice(-3)).toEqual(['APPLICATION_OPENED', 'APPLICATION_CLOSED', 'TERM_EXPIRED']);
  });

  it('should give back the running term when an application is withdrawn early', async () => {
    const c = await protectedCustomer(app, 'sales1');
    app.clock.set(at(1));
    const { applyForIntent } = await apply(INTENT, c.id);
    app.clock.set(at(2));
    await app.ok(WITHDRAW, { id: applyForIntent?.id }, await token('sales1'));
    expect(await customer(c.id)).toMatchObject({ termHeld: false, deadlineAt: at(30).toISOString() });
  });

  it('should hold until the last of two applications is decided; leaving the state lapses the other', async () => {
    const c = await protectedCustomer(app, 'sales1');
    const { applyForExtension } = await apply(EXTENSION, c.id);
    const { applyForIntent } = await apply(INTENT, c.id);
    app.clock.set(at(31));
    await app.ok(APPROVE, { id: applyForExtension?.id }, await token('auditor1'));
    // P3: 15 days from now (the term had ended while held); still held by the INTENT application.
    expect(await customer(c.id)).toMatchObject({ termHeld: true, deadlineAt: null, protectedUntil: at(46).toISOString() });
    const other = await apply(EXTENSION, c.id);
    await app.ok(APPROVE, { id: applyForIntent?.id }, await token('auditor1'));
    expect(await customer(c.id)).toMatchObject({ state: 'intent', termHeld: false, deadlineAt: at(46).toISOString() });
    const lapsed = (await app.ok(APPLICATION, { id: other.applyForExtension?.id }, await token('auditor1'))).application;
    expect(lapsed).toEqual({ status: 'LAPSED', availableActions: [] });
    expect((await history(other.applyForExtension?.id ?? '')).at(-1)).toMatchObject({
      event: 'LAPSE',
      actorId: null,
      payload: { customerFrom: 'prospect.protected', customerTo: 'intent' },
    });
  });

  it('should lapse a pending EXTENSION when a contract signing makes the customer formal (P6)', async () => {
    const c = await intentCustomer(app, 'sales1');
    const { applyForExtension } = await apply(EXTENSION, c.id);
    await sendCustomer(app, c.id, { type: 'CONTRACT_SIGNED', via: 'contract' }, await actorFor(app, 'sales1'));
    const [row] = await app.database.db
      .select()
      .from(applications)
      .where(eq(applications.id, applyForExtension?.id ?? ''));
    expect(row?.state).toBe('lapsed');
  });

  it('should lapse pending applications when a designer migrates the customer to another state (P11)', async () => {
    const c = await protectedCustomer(app, 'sales1');
    const { applyForIntent } = await apply(INTENT, c.id);
    const { engine, workflows } = app.services;
    const designer = actorOf(await viewerFor(app, 'admin'));
    await app.database.db.transaction(async (tx) => {
      const [locked] = await tx.select().from(customers).where(eq(customers.id, c.id)).for('update');
      if (!locked) throw new Error('customer vanished');
      await engine.migrateIn(tx, workflows.customer, locked, engine.versions.current(workflows.customer), 'intent', designer);
    });
    const [row] = await app.database.db
      .select()
      .from(applications)
      .where(eq(applications.id, applyForIntent?.id ?? ''));
    expect(row?.state).toBe('lapsed');
    expect(await customer(c.id)).toMatchObject({ state: 'intent', termHeld: false });
  });

  it('should keep pending applications holding through a transfer: the state stays, the new custodian inherits them (P9)', async () => {
    const c = await protectedCustomer(app, 'sales1');
    const { applyForIntent } = await apply(INTENT, c.id);
    const to = await viewerFor(app, 'sales2');
    await app.services.customers.transfer(await viewerFor(app, 'manager1'), c.id, to.id, '人员调整，客户移交');
    expect(await customer(c.id)).toMatchObject({ state: 'prospect.protected', termHeld: true });
    expect((await app.ok(APPLICATION, { id: applyForIntent?.id }, await token('auditor1'))).application.status).toBe('PENDING');
  });

  it('should leave no pending application its customer does not hold, and no hold without a pending application', async () => {
    const heldBy = sql`coalesce(${customers.snapshot} -> 'context' -> 'heldBy', '[]'::jsonb)`;
    const orphans = await app.database.db
      .select({ id: applications.id })
      .from(applications)
      .innerJoin(customers, eq(customers.id, applications.customerId))
      .where(sql`${applications.state} = 'pending' and not ${heldBy} ? ${applications.id}::text`);
    expect(orphans).toEqual([]);
    const stale = await app.database.db
      .select({ id: customers.id })
      .from(customers)
      .where(
        sql`exists (select 1 from jsonb_array_elements_text(${heldBy}) h(id) where not exists (select 1 from ${applications} a where a.id::text = h.id and a.state = 'pending'))`,
      );
    expect(stale).toEqual([]);
  });
});
