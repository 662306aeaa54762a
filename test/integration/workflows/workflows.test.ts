import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY } from '../../support/clock.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { protectedCustomer } from '../../support/customers.js';

const UPDATE = `mutation($w: String!, $c: JSON!, $v: Int!) { updatePolicies(workflow: $w, changes: $c, expectedVersion: $v, note: "缩短保护期试点") { name policyVersion policies } }`;

describe('workflows for designers (P11)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => app?.close());

  describe('read', () => {
    it('should describe each machine with states, events, transitions, policies and a Mermaid diagram', async () => {
      const data = await app.ok(
        `{ workflows { name version states { path terminal deadline { term event } } events { name internal } transitions { from event to guards rolesAllowed rules } policies policyVersion mermaid } }`,
        {},
        await app.login('sales1'),
      );
      expect(data.workflows.map((w: { name: string }) => w.name)).toEqual(['customer', 'application', 'contract', 'followUpPlan', 'contact', 'complaint']);
      const customer = data.workflows[0];
      expect(customer.states).toContainEqual({ path: 'prospect.protected', terminal: false, deadline: { term: 'prospectTerm', event: 'TERM_EXPIRED' } });
      expect(customer.transitions).toContainEqual({
        from: 'pool',
        event: 'CLAIM',
        to: 'prospect.protected',
        guards: ['isSales', 'inMemberPool', 'notCoolingDown', 'underHoldingCap', 'underDailyClaimLimit'],
        rolesAllowed: ['SALES'],
        rules: ['P7', 'T2', 'P5'],
      });
      expect(customer.policies.customer.prospectTerm).toBe('P30D');
      expect(customer.mermaid).toMatch(/^stateDiagram-v2\n/);
      expect(customer.mermaid).toContain('pool --> prospect_protected: CLAIM');
      const one = await app.ok(
        `{ workflow(name: "contract") { states { path terminal } } nope: workflow(name: "nope") { name } }`,
        {},
        await app.login('designer1'),
      );
      expect(one.workflow.states).toContainEqual({ path: 'voided', terminal: true });
      expect(one.nope).toBeNull();
    });
  });

  describe('updatePolicies', () => {
    it('should publish a version with author and diff, and apply it to new deadlines only', async () => {
      const designer = await app.login('designer1');
      const before = await protectedCustomer(app, 'sales1');
      const data = await app.ok(UPDATE, { w: 'customer', c: { customer: { prospectTerm: 'P10D' } }, v: 0 }, designer);
      expect(data.updatePolicies).toMatchObject({ policyVersion: 1, policies: { customer: { prospectTerm: 'P10D' } } });
      const after = await protectedCustomer(app, 'sales1');
      expect(after.deadlineAt?.getTime()).toBe(app.clock().getTime() + 10 * DAY);
      const [running] = await app.services.customers.byIds([before.id]);
      expect(running?.deadlineAt?.getTime()).toBe(before.deadlineAt?.getTime());
      const history = await app.ok(`{ policyHistory(workflow: "customer") { version workflow note diff author { username } } }`, {}, designer);
      expect(history.policyHistory).toEqual([
        {
          version: 1,
          workflow: 'customer',
          note: '缩短保护期试点',
          diff: [{ path: 'customer.prospectTerm', from: 'P30D', to: 'P10D' }],
          author: { username: 'designer1' },
        },
      ]);
    });

    it('should refuse invalid values with a message per key and change nothing', async () => {
      const designer = await app.login('designer1');
      const e = await app.fails(
        UPDATE,
        {
          w: 'customer',
          c: { customer: { intentTerm: '15 days', maxCustomersPerSales: -1 }, calendar: { holidays: ['2026-02-30'] }, contract: { numberPrefix: 'X' } },
          v: 1,
        },
        designer,
      );
      expect(e.extensions?.code).toBe('BAD_USER_INPUT');
      expect(Object.keys(e.extensions?.fields as object)).toEqual(['changes.contract']);
      const f = await app.fails(
        UPDATE,
        { w: 'customer', c: { customer: { intentTerm: '15 days', maxCustomersPerSales: -1 }, calendar: { holidays: ['2026-02-30'] } }, v: 1 },
        designer,
      );
      expect(Object.keys(f.extensions?.fields as object).sort()).toEqual([
        'changes.calendar.holidays.0',
        'changes.customer.intentTerm',
        'changes.customer.maxCustomersPerSales',
      ]);
      const steps = await app.fails(
        UPDATE,
        { w: 'application', c: { application: { steps: { PROTECTION: [{ role: 'KING', mode: 'ANY' }] } } }, v: 1 },
        designer,
      );
      expect(Object.keys(steps.extensions?.fields as object)[0]).toMatch(/^changes\.application\.steps\.PROTECTION\.0\.role/);
      expect(app.services.policy().customer.intentTerm).toBe('P15D');
    });

    it('should refuse a stale expectedVersion and anyone but a designer', async () => {
      expect((await app.fails(UPDATE, { w: 'customer', c: { customer: { warnBefore: 'P2D' } }, v: 0 }, await app.login('designer1'))).extensions).toMatchObject(
        { code: 'CONFLICT', currentVersion: 1 },
      );
      expect((await app.fails(UPDATE, { w: 'customer', c: { customer: { warnBefore: 'P2D' } }, v: 1 }, await app.login('manager1'))).extensions?.code).toBe(
        'FORBIDDEN',
      );
    });

    it('should be in force on another instance after it refreshes, and after a restart', async () => {
      if (!app.databaseUrl) return; // a second instance needs a shared PostgreSQL; PGlite here is in memory
      const { createApp } = await import('../../../src/app.js');
      const { TEST_JWT_SECRET } = await import('../../support/app.js');
      const other = await createApp({ databaseUrl: app.databaseUrl, jwtSecret: TEST_JWT_SECRET, clock: app.clock, sweepIntervalMs: 0 });
      try {
        expect(other.services.policy().customer.prospectTerm).toBe('P10D');
      } finally {
        await other.close();
      }
    });
  });
});
