import { DEFAULT_POLICY, mergePolicy, type Policy } from '../../src/workflow/policy/policy.js';
import { eq } from 'drizzle-orm';
import { transitions } from '../../src/platform/db/schema.js';
import type { TestApp } from './app.js';

/** The default policy with some values changed (throws on an invalid change). */
export function policyWith(changes: Record<string, unknown>): Policy {
  const result = mergePolicy(DEFAULT_POLICY, changes);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.policy;
}

/**
 * Publishes the repository's document of a workflow, unchanged, as version 2 (issue 7), so that
 * a suite's instances run on a definition that went through publishWorkflow and the database.
 */
export async function runOnPublishedDefinition(app: TestApp, name: 'customer' | 'application' | 'contract'): Promise<void> {
  const { workflow } = await app.ok(`query($n: String!) { workflow(name: $n) { definition } }`, { n: name }, await app.login('designer1'));
  const publish = `mutation($n: String!, $d: JSON!) { publishWorkflow(name: $n, definition: $d, note: "model-based suite: the published definition") { version } }`;
  const { publishWorkflow } = await app.ok(publish, { n: name, d: workflow.definition }, await app.login('designer1'));
  if (publishWorkflow.version !== 2) throw new Error(`expected version 2, got ${publishWorkflow.version}`);
}

/** The machine versions a workflow's instances are on, and those its history rows were written on. */
export async function machineVersionsUsed(app: TestApp, name: 'customer' | 'application' | 'contract'): Promise<{ instances: number[]; history: number[] }> {
  const table = app.services.designs.get(name).table;
  const rows = (await app.database.db.selectDistinct({ v: table.machineVersion }).from(table)) as { v: number }[];
  const history = await app.database.db.selectDistinct({ v: transitions.machineVersion }).from(transitions).where(eq(transitions.machine, name));
  return { instances: rows.map((r) => r.v).sort(), history: history.map((h) => h.v).sort() };
}
