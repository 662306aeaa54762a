/**
 * Issue 7 under concurrency (PostgreSQL only: PGlite is one connection, so a race there proves
 * nothing): two designers publishing at once, and a migration while custodians act.
 */
import { asc, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customers, transitions } from '../../../src/platform/db/schema.js';
import { customerDocument } from '../../../src/customers/customer.machine.js';
import type { WorkflowDocument } from '../../../src/workflow/document.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { onPostgres, startTestApp, type TestApp } from '../../support/app.js';
import { protectedCustomer, viewerFor } from '../../support/customers.js';

const PUBLISH = `mutation($d: JSON!, $note: String!, $v: Int) { publishWorkflow(name: "customer", definition: $d, note: $note, expectedVersion: $v) { version } }`;
const MIGRATE = `mutation($v: Int!) { migrateWorkflowInstances(name: "customer", toVersion: $v) { migrated } }`;

function withHold(label: string): WorkflowDocument {
  const doc = JSON.parse(JSON.stringify(customerDocument)) as WorkflowDocument;
  doc.events.HOLD = { label, inputs: [{ name: 'reason', type: 'String', required: true }] };
  doc.events.RESUME = { label: '恢复 Resume', inputs: [] };
  doc.states.prospect!.states!.protected!.on!.HOLD = { target: 'onHold', guard: { and: ['isCustodian', 'hasReason'] } };
  doc.states.prospect!.states!.onHold = {
    meta: { label: '暂停 On hold', deadline: { event: 'TERM_EXPIRED', term: 'intentTerm' } },
    on: { RESUME: { target: 'protected', guard: 'isCustodian' }, TERM_EXPIRED: { target: '#customer.pool', guard: 'isSystem', actions: 'releaseCustody' } },
  };
  return doc;
}

describe.runIf(onPostgres)('workflow designers under concurrency (PostgreSQL)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => app?.close());

  it('should migrate every customer exactly once while their custodians abandon them, 30 at once', { timeout: 120_000 }, async () => {
    const owner = await viewerFor(app, 'sales1');
    const ids: string[] = [];
    for (let i = 0; i < 30; i += 1) ids.push((await protectedCustomer(app, 'sales1')).id); // on version 1
    const designer = await app.login('designer1');
    expect((await app.ok(PUBLISH, { d: withHold('暂停 Hold'), note: '客户可申请暂停跟进' }, designer)).publishWorkflow.version).toBe(2);
    const [migration, ...abandons] = await Promise.all([
      app.execute(MIGRATE, { v: 2 }, { token: designer }),
      // Spread over the migration's run, so some abandons land before it and some wait for it.
      ...ids.map((id, i) =>
        sleep(i * 4)
          .then(() => app.services.customers.abandon(owner, id, '客户暂无采购计划', null))
          .then(
            () => 'OK',
            (e: { code?: string }) => e.code ?? 'ERROR',
          ),
      ),
    ]);
    expect(migration.errors).toBeUndefined();
    expect(
      abandons.every((a) => a === 'OK'),
      JSON.stringify(abandons),
    ).toBe(true);

    const rows = await app.database.db.select().from(customers).where(inArray(customers.id, ids));
    expect(rows.every((r) => r.machineVersion === 2 && r.state === 'pool' && r.custodianId === null)).toBe(true);
    let before = 0;
    for (const id of ids) {
      const history = await app.database.db.select().from(transitions).where(eq(transitions.entityId, id)).orderBy(asc(transitions.id));
      const abandon = history.filter((h) => h.event === 'ABANDON');
      const migrate = history.filter((h) => h.event === 'MIGRATE');
      expect(abandon, JSON.stringify(history.map((h) => [h.id, h.event, h.fromState, h.toState, h.machineVersion]))).toHaveLength(1);
      expect(migrate).toHaveLength(1);
      // The abandon ran on whichever version the row was on when it got the lock.
      expect(abandon[0]!.machineVersion).toBe(abandon[0]!.id < migrate[0]!.id ? 1 : 2);
      expect(migrate[0]!.fromState).toBe(abandon[0]!.id < migrate[0]!.id ? 'pool' : 'prospect.protected');
      if (abandon[0]!.id < migrate[0]!.id) before += 1;
    }
    console.log(
      `migration race: 30 abandons vs one migration → ${before} abandoned on version 1 before it, ${30 - before} on version 2 after it; each customer migrated once`,
    );
  });
  it('should publish exactly one of two simultaneous versions built on the same one; the other gets CONFLICT', async () => {
    const designer = await app.login('designer1');
    const results = await Promise.all([
      app.execute(PUBLISH, { d: withHold('暂停 A'), note: 'designer A', v: 2 }, { token: designer }),
      app.execute(PUBLISH, { d: withHold('暂停 B'), note: 'designer B', v: 2 }, { token: designer }),
    ]);
    const codes = results.map((r) => r.errors?.[0]?.extensions?.code ?? 'OK').sort();
    expect(codes).toEqual(['CONFLICT', 'OK']);
    const versions = await app.services.designs.versions('customer');
    expect(versions.map((v) => v.version)).toEqual([3, 2]);
  });
});
