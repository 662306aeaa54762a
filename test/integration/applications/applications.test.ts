import { and, asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applicationDecisions, transitions } from '../../../src/platform/db/schema.js';
import { DAY, HOUR, testClock } from '../../support/clock.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { CREATE, customerInput, pendingApplication, protectedCustomer, createCustomer } from '../../support/customers.js';
import { policyWith } from '../../support/policy.js';

const APP_FIELDS = `id kind status reason extension overdue dueAt rejectionReason applicant { username } customer { id state }
  steps { index role mode status decisions { decision note decider { username } } } availableActions { event }`;
const APPROVE = `mutation($id: ID!, $note: String) { approveApplication(id: $id, note: $note) { ${APP_FIELDS} } }`;
const REJECT = `mutation($id: ID!, $r: String!) { rejectApplication(id: $id, reason: $r) { ${APP_FIELDS} } }`;
const WITHDRAW = `mutation($id: ID!) { withdrawApplication(id: $id) { id status } }`;
const INTENT = `mutation($c: ID!, $r: String!) { applyForIntent(customerId: $c, reason: $r) { ${APP_FIELDS} } }`;
const EXTENSION = `mutation($c: ID!, $r: String!, $d: Int) { applyForExtension(customerId: $c, reason: $r, days: $d) { ${APP_FIELDS} } }`;
const GET = `query($id: ID!) { application(id: $id) { ${APP_FIELDS} checklist { code passed detail } } }`;

describe('applications and audit', () => {
  let app: TestApp;
  const t = (u: string) => app.login(u);
  const entityHistory = async (id: string) => app.database.db.select().from(transitions).where(eq(transitions.entityId, id)).orderBy(asc(transitions.id));

  beforeAll(async () => {
    // Monday 2026-11-23 10:00 Shanghai.
    app = await startTestApp({ clock: testClock('2026-11-23T02:00:00Z') });
  });
  afterAll(async () => app?.close());

  describe('A1 opening', () => {
    it('should open a PROTECTION application with every new customer, in the queue oldest first', async () => {
      const c = (await app.ok(CREATE, { i: customerInput() }, await t('sales1'))).createCustomer;
      const q = await app.ok(
        `{ applications(filter: { status: PENDING, kind: PROTECTION }) { edges { node { customer { id } applicant { username } reason } } } }`,
        {},
        await t('auditor1'),
      );
      const mine = q.applications.edges.find((e: { node: { customer: { id: string } } }) => e.node.customer.id === c.id);
      expect(mine.node).toMatchObject({ applicant: { username: 'sales1' }, reason: expect.stringContaining('空调') });
    });

    it('should allow one pending application per kind per customer (DUPLICATE)', async () => {
      const c = await protectedCustomer(app, 'sales1');
      await app.ok(INTENT, { c: c.id, r: '客户已确认预算，计划下月采购' }, await t('sales1'));
      const e = await app.fails(INTENT, { c: c.id, r: '再次申请意向转换' }, await t('sales1'));
      expect(e.extensions?.code).toBe('DUPLICATE');
    });

    it('should need a reason that says something', async () => {
      const c = await protectedCustomer(app, 'sales1');
      const e = await app.fails(INTENT, { c: c.id, r: '   \n ' }, await t('sales1'));
      expect(e.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: { reason: expect.any(String) } });
    });

    it('should refuse an intent application outside prospect.protected (P4) and from a non-custodian', async () => {
      const pending = await createCustomer(app, 'sales1');
      const e = await app.fails(INTENT, { c: pending.id, r: '客户很有兴趣，申请意向' }, await t('sales1'));
      expect(e.extensions).toMatchObject({ code: 'ILLEGAL_TRANSITION', rule: 'P4', state: 'prospect.pendingAudit' });
      const c = await protectedCustomer(app, 'sales1');
      expect((await app.fails(INTENT, { c: c.id, r: '替同事申请意向转换' }, await t('sales2'))).extensions?.code).toBe('FORBIDDEN');
    });
  });

  describe('A2/A4 decisions', () => {
    it('should protect the customer in the same transaction as the approval, with both history rows', async () => {
      const c = await createCustomer(app, 'sales1');
      const a = await pendingApplication(app, c.id);
      const data = await app.ok(APPROVE, { id: a.id, note: '资料齐全' }, await t('auditor1'));
      expect(data.approveApplication).toMatchObject({
        status: 'APPROVED',
        customer: { id: c.id, state: 'prospect.protected' },
        steps: [{ status: 'APPROVED', decisions: [{ decision: 'APPROVED', note: '资料齐全', decider: { username: 'auditor1' } }] }],
      });
      expect((await entityHistory(a.id)).map((h) => h.event)).toEqual(['CREATE', 'APPROVE']);
      expect((await entityHistory(c.id)).map((h) => h.event)).toEqual(['CREATE', 'PROTECTION_APPROVED']);
    });

    it('should let nobody decide their own application, even holding AUDITOR too', async () => {
      const admin = await t('admin');
      await app.ok(
        `mutation { createUser(input: { username: "both", displayName: "双角色", password: "password-1", roles: [SALES, AUDITOR] }) { id } }`,
        {},
        admin,
      );
      const both = await app.login('both', 'password-1');
      const c = (await app.ok(CREATE, { i: customerInput() }, both)).createCustomer;
      const a = await pendingApplication(app, c.id);
      const e = await app.fails(APPROVE, { id: a.id }, both);
      expect(e.extensions).toMatchObject({ code: 'FORBIDDEN', rule: 'A2' });
      const view = await app.ok(GET, { id: a.id }, both);
      expect(view.application.availableActions).toEqual([{ event: 'WITHDRAW' }]);
    });

    it('should refuse a salesperson deciding (the step names AUDITOR)', async () => {
      const c = await createCustomer(app, 'sales1');
      const a = await pendingApplication(app, c.id);
      expect((await app.fails(APPROVE, { id: a.id }, await t('sales2'))).extensions).toMatchObject({ code: 'FORBIDDEN', rule: 'A2' });
    });

    it('should let the applicant withdraw while pending, and nobody decide it afterwards', async () => {
      const c = await protectedCustomer(app, 'sales1');
      const a = (await app.ok(INTENT, { c: c.id, r: '客户确认采购意向' }, await t('sales1'))).applyForIntent;
      expect((await app.fails(WITHDRAW, { id: a.id }, await t('sales2'))).extensions?.code).toBe('FORBIDDEN');
      expect((await app.ok(WITHDRAW, { id: a.id }, await t('sales1'))).withdrawApplication.status).toBe('WITHDRAWN');
      const e = await app.fails(APPROVE, { id: a.id }, await t('auditor1'));
      expect(e.extensions).toMatchObject({ code: 'ILLEGAL_TRANSITION', state: 'withdrawn' });
    });

    it('should close a pending application as lapsed when its customer is abandoned, in the same transaction; a decision after it changes nothing (A4)', async () => {
      const c = await createCustomer(app, 'sales1');
      const a = await pendingApplication(app, c.id);
      await app.ok(`mutation($id: ID!) { abandonCustomer(id: $id, reason: "客户已经倒闭") { state } }`, { id: c.id }, await t('sales1'));
      const lapse = (await entityHistory(a.id)).at(-1);
      expect(lapse).toMatchObject({ event: 'LAPSE', fromState: 'pending', toState: 'lapsed', actorId: null });
      expect(lapse?.payload).toMatchObject({ customerFrom: 'prospect.pendingAudit', customerTo: 'pool' });
      const abandon = (await entityHistory(c.id)).at(-1);
      expect(abandon?.createdAt).toEqual(lapse?.createdAt);
      const before = await entityHistory(c.id);
      const e = await app.fails(APPROVE, { id: a.id }, await t('auditor1'));
      expect(e.extensions).toMatchObject({ code: 'ILLEGAL_TRANSITION', state: 'lapsed' });
      expect(await entityHistory(c.id)).toEqual(before);
      expect(await app.database.db.select().from(applicationDecisions).where(eq(applicationDecisions.applicationId, a.id))).toEqual([]);
      const view = await app.ok(GET, { id: a.id }, await t('auditor1'));
      expect(view.application).toMatchObject({ status: 'LAPSED', availableActions: [] });
    });
  });

  describe('A3 rejection', () => {
    it('should need a reason and show it to the applicant; a rejected protection starts the 3-working-day release (P1)', async () => {
      const c = await createCustomer(app, 'sales1');
      const a = await pendingApplication(app, c.id);
      const noReason = await app.fails(REJECT, { id: a.id, r: ' ' }, await t('auditor1'));
      expect(noReason.extensions).toMatchObject({ code: 'BAD_USER_INPUT', rule: 'A3' });
      await app.ok(REJECT, { id: a.id, r: '地址缺少门牌号' }, await t('auditor1'));
      const mine = await app.ok(
        `{ applications(filter: { status: REJECTED }) { edges { node { id rejectionReason customer { state deadlineAt } } } } }`,
        {},
        await t('sales1'),
      );
      const row = mine.applications.edges.find((e: { node: { id: string } }) => e.node.id === a.id);
      expect(row.node).toEqual({
        id: a.id,
        rejectionReason: '地址缺少门牌号',
        customer: { state: 'prospect.rejected', deadlineAt: '2026-11-26T02:00:00.000Z' },
      });
    });

    it('should open a fresh PROTECTION application on resubmit', async () => {
      const c = await createCustomer(app, 'sales1');
      await app.ok(REJECT, { id: (await pendingApplication(app, c.id)).id, r: '缺少联系人职务' }, await t('auditor1'));
      await app.ok(`mutation($id: ID!) { resubmitProtection(id: $id) { state } }`, { id: c.id }, await t('sales1'));
      const again = await pendingApplication(app, c.id);
      const ok = await app.ok(APPROVE, { id: again.id }, await t('auditor1'));
      expect(ok.approveApplication.customer.state).toBe('prospect.protected');
    });

    it('should show a salesperson only their own applications', async () => {
      await createCustomer(app, 'sales2');
      const list = await app.ok(`{ applications(first: 100) { edges { node { applicant { username } } } } }`, {}, await t('sales2'));
      expect(new Set(list.applications.edges.map((e: { node: { applicant: { username: string } } }) => e.node.applicant.username))).toEqual(
        new Set(['sales2']),
      );
      const other = await pendingApplication(app, (await createCustomer(app, 'sales1')).id);
      expect((await app.fails(GET, { id: other.id }, await t('sales2'))).extensions).toMatchObject({ code: 'FORBIDDEN', rule: 'A3' });
    });
  });

  describe('P3/P4 effects', () => {
    it('should start the intent term on approval (P4)', async () => {
      const c = await protectedCustomer(app, 'sales1');
      const a = (await app.ok(INTENT, { c: c.id, r: '客户已确认采购预算' }, await t('sales1'))).applyForIntent;
      const data = await app.ok(APPROVE, { id: a.id }, await t('auditor1'));
      expect(data.approveApplication.customer.state).toBe('intent');
    });

    it('should lengthen the term by the days asked, capped by the policy (P3)', async () => {
      const c = await protectedCustomer(app, 'sales1');
      const tooLong = await app.fails(EXTENSION, { c: c.id, r: '客户内部审批流程较长', d: 45 }, await t('sales1'));
      expect(tooLong.extensions?.fields).toHaveProperty('days');
      const a = (await app.ok(EXTENSION, { c: c.id, r: '客户内部审批流程较长', d: 10 }, await t('sales1'))).applyForExtension;
      expect(a.extension).toBe('P10D');
      await app.ok(APPROVE, { id: a.id }, await t('auditor1'));
      const [row] = await app.services.customers.byIds([c.id]);
      expect(row?.deadlineAt?.getTime()).toBe((c.deadlineAt?.getTime() ?? 0) + 10 * DAY);
    });
  });

  describe('A5 overdue and the checklist', () => {
    it('should mark an application overdue after 3 working days and filter by it', async () => {
      const c = await createCustomer(app, 'sales3');
      const a = await pendingApplication(app, c.id);
      const view = await app.ok(GET, { id: a.id }, await t('auditor1'));
      expect(view.application).toMatchObject({ overdue: false, dueAt: '2026-11-26T02:00:00.000Z' });
      app.clock.advance(3 * DAY + HOUR);
      try {
        expect((await app.ok(GET, { id: a.id }, await t('auditor1'))).application.overdue).toBe(true);
        const overdue = await app.ok(`{ applications(filter: { overdue: true }, first: 100) { edges { node { id } } } }`, {}, await t('auditor1'));
        expect(overdue.applications.edges.map((e: { node: { id: string } }) => e.node.id)).toContain(a.id);
      } finally {
        app.clock.advance(-(3 * DAY + HOUR));
      }
    });

    it('should compute the P1 checklist for a protection application', async () => {
      const c = await createCustomer(app, 'sales1');
      const a = await pendingApplication(app, c.id);
      const view = await app.ok(GET, { id: a.id }, await t('auditor1'));
      expect(view.application.checklist.map((i: { code: string; passed: boolean }) => [i.code, i.passed])).toEqual([
        ['FULL_NAME', true],
        ['ADDRESS', true],
        ['CONTACT_NUMBER', true],
        ['NOT_PROTECTED_ELSEWHERE', true],
        ['SIMILAR_NAME', true],
      ]);
    });
  });

  describe('multi-step approval as policy', () => {
    it('should need every step: AUDITOR then MANAGER; new applications only', async () => {
      const twoStep = await startTestApp({
        policy: policyWith({
          application: {
            steps: {
              PROTECTION: [
                { role: 'AUDITOR', mode: 'ANY' },
                { role: 'MANAGER', mode: 'ANY' },
              ],
            },
          },
        }),
      });
      try {
        const c = await createCustomer(twoStep, 'sales1');
        const a = await pendingApplication(twoStep, c.id);
        const first = await twoStep.ok(APPROVE, { id: a.id, note: '资料齐全' }, await twoStep.login('auditor1'));
        expect(first.approveApplication).toMatchObject({ status: 'PENDING', customer: { state: 'prospect.pendingAudit' } });
        expect(first.approveApplication.steps.map((s: { role: string; status: string }) => [s.role, s.status])).toEqual([
          ['AUDITOR', 'APPROVED'],
          ['MANAGER', 'PENDING'],
        ]);
        expect((await twoStep.fails(APPROVE, { id: a.id }, await twoStep.login('auditor1'))).extensions?.code).toBe('FORBIDDEN');
        const second = await twoStep.ok(APPROVE, { id: a.id }, await twoStep.login('manager1'));
        expect(second.approveApplication).toMatchObject({ status: 'APPROVED', customer: { state: 'prospect.protected' } });
        // A policy change affects new applications only.
        twoStep.services.setPolicy(policyWith({}));
        const c2 = await createCustomer(twoStep, 'sales1');
        const b = await pendingApplication(twoStep, c2.id);
        twoStep.services.setPolicy(policyWith({ application: { steps: { PROTECTION: [{ role: 'MANAGER', mode: 'ANY' }] } } }));
        const one = await twoStep.ok(APPROVE, { id: b.id }, await twoStep.login('auditor1'));
        expect(one.approveApplication.status).toBe('APPROVED');
      } finally {
        await twoStep.close();
      }
    });

    it('should need every holder on an ALL step', async () => {
      const all = await startTestApp({ policy: policyWith({ application: { steps: { PROTECTION: [{ role: 'AUDITOR', mode: 'ALL' }] } } }) });
      try {
        await all.ok(
          `mutation { createUser(input: { username: "auditor2", displayName: "二号审核", password: "password-2", roles: [AUDITOR] }) { id } }`,
          {},
          await all.login('admin'),
        );
        const c = await createCustomer(all, 'sales1');
        const a = await pendingApplication(all, c.id);
        expect((await all.ok(APPROVE, { id: a.id }, await all.login('auditor1'))).approveApplication.status).toBe('PENDING');
        expect((await all.fails(APPROVE, { id: a.id }, await all.login('auditor1'))).extensions).toMatchObject({ code: 'ILLEGAL_TRANSITION', rule: 'A2' });
        expect((await all.ok(APPROVE, { id: a.id }, await all.login('auditor2', 'password-2'))).approveApplication.status).toBe('APPROVED');
      } finally {
        await all.close();
      }
    });
  });

  describe('customer view', () => {
    it('should list a customer’s applications on the customer', async () => {
      const c = await protectedCustomer(app, 'sales1');
      const data = await app.ok(`query($id: ID!) { customer(id: $id) { applications { kind status } } }`, { id: c.id }, await t('sales1'));
      expect(data.customer.applications).toEqual([{ kind: 'PROTECTION', status: 'APPROVED' }]);
      const rows = await app.database.db
        .select()
        .from(transitions)
        .where(and(eq(transitions.entityId, c.id), eq(transitions.event, 'PROTECTION_APPROVED')));
      expect(rows).toHaveLength(1);
    });
  });
});

describe('applications: edge cases found by model-based testing', () => {
  it('should treat a withdrawn PROTECTION application as a rejection the custodian can resubmit (P1)', async () => {
    const app = await startTestApp();
    try {
      const c = await createCustomer(app, 'sales1');
      const a = await pendingApplication(app, c.id);
      await app.ok(`mutation($id: ID!) { withdrawApplication(id: $id) { status } }`, { id: a.id }, await app.login('sales1'));
      const view = await app.ok(
        `query($id: ID!) { customer(id: $id) { state deadlineEvent availableActions { event } } }`,
        { id: c.id },
        await app.login('sales1'),
      );
      expect(view.customer).toMatchObject({ state: 'prospect.rejected', deadlineEvent: 'REJECTION_LAPSED' });
      expect(view.customer.availableActions.map((x: { event: string }) => x.event)).toContain('RESUBMIT');
      await app.ok(`mutation($id: ID!) { resubmitProtection(id: $id) { state } }`, { id: c.id }, await app.login('sales1'));
      expect((await pendingApplication(app, c.id)).id).not.toBe(a.id);
    } finally {
      await app.close();
    }
  });

  it('should not wait for a holder who already decided an earlier step (ALL step after a shared role)', async () => {
    const app = await startTestApp({
      policy: policyWith({
        application: {
          steps: {
            PROTECTION: [
              { role: 'AUDITOR', mode: 'ANY' },
              { role: 'MANAGER', mode: 'ALL' },
            ],
          },
        },
      }),
    });
    try {
      await app.ok(
        `mutation { createUser(input: { username: "lead", displayName: "审核经理", password: "password-3", roles: [AUDITOR, MANAGER] }) { id } }`,
        {},
        await app.login('admin'),
      );
      const c = await createCustomer(app, 'sales1');
      const a = await pendingApplication(app, c.id);
      await app.ok(APPROVE, { id: a.id }, await app.login('lead', 'password-3'));
      // Every other MANAGER decides the ALL step: the demo's manager2, then manager1.
      await app.ok(APPROVE, { id: a.id }, await app.login('manager2'));
      const done = await app.ok(APPROVE, { id: a.id }, await app.login('manager1'));
      expect(done.approveApplication).toMatchObject({ status: 'APPROVED', customer: { state: 'prospect.protected' } });
    } finally {
      await app.close();
    }
  });
});
