/**
 * Entering customers (E3, E4, E7, P1): one in a transaction of its own (createCustomer), or many
 * inside a transaction the caller owns (T8's import), each with the same rules — the same
 * schema, the duplicate rule decided under the keys' advisory locks, the pool of the entering
 * user, the machine's initial state and its CREATE history row, the first contacts' machines.
 * Many at once take one statement per step for all of them, not one per customer.
 */
import { lockKeys, type Database, type Executor, type Tx } from '../platform/db/client.js';
import { uniqueViolation } from '../platform/db/errors.js';
import { customers, type CustomerRow } from '../platform/db/schema.js';
import type { Clock } from '../platform/clock.js';
import { requireRole, type Viewer } from '../platform/auth/viewer.js';
import { parseInput } from '../platform/validation.js';
import { actorOf } from '../workflow/actor.js';
import type { WorkflowEngine } from '../workflow/engine.js';
import type { WorkflowDefinition } from '../workflow/workflow.js';
import type { CustomerFacts } from './customer.machine.js';
import { contactPhoneKeys, createCustomerInput, type ContactFields, type CreateCustomerInput } from './customer.validation.js';
import { duplicateError, duplicateKeys, type DuplicateMatch } from './rules/e4-duplicate-entry.js';
import { enteredKeys } from './customer-import.service.js';
import { entryPool } from './pool-membership.js';

/** Runs inside the creating transaction, so entry and what it starts commit together. */
export type AfterEntry = (tx: Tx, row: CustomerRow) => Promise<unknown>;

/** What entry needs of the customer service and its collaborators. */
export interface EntryDeps {
  database: Database;
  engine: WorkflowEngine;
  workflow: WorkflowDefinition<CustomerRow, CustomerFacts>;
  clock: Clock;
  /** F5: a new customer's first contacts start their contact machines like any other. */
  contacts: { insertManyIn(tx: Tx, viewer: Viewer, rows: readonly { customerId: string; fields: ContactFields }[]): Promise<unknown> };
  findDuplicates(executor: Executor, tradeName: string | null, phoneKeys: string[]): Promise<DuplicateMatch[]>;
}

/** One customer to enter: its input and the ids of what holds its term from the start (P2: its PROTECTION application). */
export interface Entry {
  input: CreateCustomerInput;
  heldBy?: string[];
}

/** An entry as createCustomer's schema reads it (E1, E3, E5), with its E4 phone keys. */
function parsed({ input, heldBy }: Entry) {
  const { fields, contacts } = parseInput(createCustomerInput, input, { root: 'input' });
  const phoneKeys = [...new Set([fields.phoneKey, ...contacts.flatMap(contactPhoneKeys)].filter(Boolean))];
  return { fields, contacts, phoneKeys, heldBy };
}

type Checked = ReturnType<typeof parsed>;

/** A customer entered in a transaction of its own; `within` runs in it (e.g. its PROTECTION application). */
export async function enterOne(deps: EntryDeps, viewer: Viewer, input: CreateCustomerInput, within?: AfterEntry, heldBy?: string[]): Promise<CustomerRow> {
  requireRole(viewer, 'SALES', 'MANAGER');
  const checked = parsed({ input, heldBy });
  const { fields, phoneKeys } = checked;
  try {
    return await deps.database.db.transaction(async (tx) => {
      // E4: simultaneous entries sharing a key wait for each other, then see each other.
      await lockKeys(tx, duplicateKeys(fields.tradeName, phoneKeys));
      const matches = await deps.findDuplicates(tx, fields.tradeName, phoneKeys);
      if (matches.length > 0) throw duplicateError(matches);
      const [row] = await insertChecked(deps, tx, viewer, [checked]);
      if (!row) throw new Error('insert returned nothing');
      await within?.(tx, row);
      return row;
    });
  } catch (err) {
    // The unique index decides a race the pre-check could not see (E4).
    if (uniqueViolation(err)) throw duplicateError(await deps.findDuplicates(deps.database.db, fields.tradeName, phoneKeys));
    throw err;
  }
}

/**
 * Many customers entered in the caller's transaction `tx`, their keys locked at once (sorted, as
 * every entry takes them). An entry whose key is entered already, or is another entry's here,
 * is left out (null in the answer) for the caller to enter alone, where E4 refuses it with its
 * matches; a refusal of any other kind throws, and the caller's transaction rolls back.
 */
export async function enterManyIn(deps: EntryDeps, tx: Tx, viewer: Viewer, entries: readonly Entry[]): Promise<(CustomerRow | null)[]> {
  requireRole(viewer, 'SALES', 'MANAGER');
  const checked = entries.map(parsed);
  await lockKeys(
    tx,
    checked.flatMap((c) => duplicateKeys(c.fields.tradeName, c.phoneKeys)),
  );
  const entered = await enteredKeys(
    tx,
    checked.map((c) => c.fields.tradeName),
    checked.flatMap((c) => c.phoneKeys),
  );
  const seen = new Set<string>();
  const clear = checked.map((c) => {
    const keys = duplicateKeys(c.fields.tradeName, c.phoneKeys);
    const free = !entered.tradeNames.has(c.fields.tradeName) && !c.phoneKeys.some((k) => entered.phones.has(k)) && !keys.some((k) => seen.has(k));
    for (const k of keys) seen.add(k);
    return free;
  });
  const rows = await insertChecked(
    deps,
    tx,
    viewer,
    checked.filter((_, i) => clear[i]),
  );
  let next = 0;
  return clear.map((free) => (free ? (rows[next++] ?? null) : null));
}

/** Inserts customers whose duplicate rule passed under their locks: rows, history, first contacts (a few statements for all). */
async function insertChecked(deps: EntryDeps, tx: Tx, viewer: Viewer, entries: readonly Checked[]): Promise<CustomerRow[]> {
  if (entries.length === 0) return [];
  const now = deps.clock();
  // E7: creator, custodian and time are set here, never by the client. P1: pending audit. T2: its pool's policy.
  const poolId = await entryPool(tx, viewer.id);
  const planned = entries.map(({ fields, contacts, heldBy }) => {
    const start = deps.engine.initial(deps.workflow, { custodianId: viewer.id, heldBy }, { poolId });
    const values = {
      ...fields,
      ...start.values,
      stage: start.values.stage ?? 'PROSPECT',
      custodianId: viewer.id,
      poolId,
      createdById: viewer.id,
      createdAt: now,
      updatedAt: now,
    };
    return { values, contacts, start };
  });
  const rows = await tx
    .insert(customers)
    .values(planned.map((p) => p.values))
    .returning();
  // RETURNING gives the rows in VALUES order; the trade name (unique) pairs them regardless.
  const byTradeName = new Map(rows.map((r) => [r.tradeName, r]));
  const inOrder = planned.map((p) => byTradeName.get(p.values.tradeName));
  if (inOrder.some((r) => !r)) throw new Error('insert returned fewer rows than it was given');
  const entered = inOrder.filter((r): r is CustomerRow => r !== undefined);
  // One CREATE history row each, written per initial state (all alike in practice: pending audit).
  const byState = new Map<string, { start: (typeof planned)[number]['start']; ids: string[] }>();
  planned.forEach((p, i) => {
    const group = byState.get(p.values.state) ?? { start: p.start, ids: [] };
    group.ids.push(entered[i]?.id ?? '');
    byState.set(p.values.state, group);
  });
  for (const { start, ids } of byState.values()) await start.record(tx, ids, actorOf(viewer));
  await deps.contacts.insertManyIn(
    tx,
    viewer,
    planned.flatMap((p, i) => p.contacts.map((fields) => ({ customerId: entered[i]?.id ?? '', fields }))),
  );
  return entered;
}
