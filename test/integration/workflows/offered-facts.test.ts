/**
 * Issue 14: a list's availableActions read their guards' facts for all its rows at once
 * (`select` facts and rules' `loadMany`) instead of one `load` per row. The batched facts must be
 * exactly what each row's own `load` gives — for every demo user, every row of every workflow,
 * with the caps on (P7), an ALL step part-decided (A2), contracts of several customers in several
 * stages (C1) and with and without lines (C2).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { users } from '../../../src/platform/db/schema.js';
import { actorOf } from '../../../src/workflow/actor.js';
import { workflowRows, type WorkflowRow } from '../../../src/workflow/table.js';
import { OFFER_EVENT, type WorkflowDefinition } from '../../../src/workflow/workflow.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { policyWith } from '../../support/policy.js';

let app: TestApp;

beforeAll(async () => {
  app = await startTestApp({
    seedDemoCustomers: true,
    policy: policyWith({
      customer: { maxCustomersPerSales: 50, dailyClaimLimit: 5 },
      application: {
        steps: {
          PROTECTION: [
            { role: 'AUDITOR', mode: 'ALL' },
            { role: 'MANAGER', mode: 'ANY' },
          ],
        },
      },
    }),
  });
  // One auditor approves a pending protection: the ALL step now needs the other holders only (A2).
  const auditor = await app.login('auditor1');
  const { applications } = await app.ok(
    `{ applications(first: 50, filter: { status: PENDING, kind: PROTECTION }) { edges { node { id kind } } } }`,
    {},
    auditor,
  );
  const pending = applications.edges.find((e: { node: { kind: string } }) => e.node.kind === 'PROTECTION');
  expect(pending, 'a pending protection application in the demo data').toBeDefined();
  await app.ok(`mutation($id: ID!) { approveApplication(id: $id, note: "材料齐全") { id } }`, { id: pending.node.id }, auditor);
}, 120_000);

afterAll(async () => app?.close());

async function compare(def: WorkflowDefinition): Promise<number> {
  const { engine } = app.services;
  const rows = workflowRows<WorkflowRow>(await app.database.db.select().from(def.table));
  expect(rows.length).toBeGreaterThan(0);
  let compared = 0;
  for (const user of await app.database.db.select().from(users)) {
    const actor = actorOf(user);
    const offered = await engine.offeredFacts(def, rows, actor);
    for (const row of rows) {
      const now = engine.project(def, row);
      const alone = await engine.facts(def, now, actor);
      const batched = await engine.facts(def, now, actor, { type: OFFER_EVENT }, offered.get(row.id), true);
      expect(batched, `${def.name} ${row.id} for ${user.username}`).toEqual(alone);
      compared++;
    }
  }
  return compared;
}

describe('facts for a list are the facts of each row (issue 14; P5, P7, A2, C1, C2)', () => {
  it('should give each customer the facts its own load gives, for every user', async () => {
    expect(await compare(app.services.workflows.customer)).toBeGreaterThan(0);
  });

  it('should give each application the holders its own count gives, for every user', async () => {
    const def = app.services.workflows.application;
    expect(await compare(def)).toBeGreaterThan(0);
    // The comparison saw a part-decided ALL step: some application counts fewer holders than auditors.
    const rows = workflowRows<WorkflowRow>(await app.database.db.select().from(def.table));
    const facts = await app.services.engine.offeredFacts(def, rows, actorOf((await app.database.db.select().from(users))[0]!));
    expect(new Set([...facts.values()].map((f) => f.holders)).size).toBeGreaterThan(1);
  });

  it('should give each contract the customer and line facts its own load gives, for every user', async () => {
    expect(await compare(app.services.workflows.contract)).toBeGreaterThan(0);
  });
});
