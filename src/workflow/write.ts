/** The one write of a transition: the row (state, snapshot, version + 1, derived columns, deadline) and its history row. */
import { and, eq, getTableColumns, sql } from 'drizzle-orm';
import type { AnyMachineSnapshot, AnyStateMachine } from 'xstate';
import type { Executor } from '../platform/db/client.js';
import { transitions } from '../platform/db/schema.js';
import { ConflictError } from '../platform/errors.js';
import { affectedRows } from '../platform/db/sql.js';
import type { Actor } from './actor.js';
import type { WorkflowRow } from './table.js';
import type { WorkflowDefinition } from './workflow.js';

/** What one write changes: the next snapshot, its state, deadline and the history row's facts. */
export interface WriteSpec {
  snapshot: AnyMachineSnapshot;
  next: AnyMachineSnapshot;
  machine: AnyStateMachine;
  to: string;
  machineVersion: number;
  deadlineAt: Date | null;
  deadlineEvent: string | null;
  event: string;
  actor: Actor;
  reason: string | null;
  payload: Record<string, unknown>;
  now: Date;
}

/**
 * The one place a workflow row's state is written: snapshot, state, version + 1, derived
 * columns, deadline, and the history row (P10: derived-column changes as [before, after]).
 */
export async function writeTransition<TRow extends WorkflowRow, TFacts>(
  tx: Executor,
  def: WorkflowDefinition<TRow, TFacts>,
  row: TRow,
  w: WriteSpec,
): Promise<TRow> {
  const written = await tryWriteTransition(tx, def, row, w);
  if (!written) throw new ConflictError(`${def.entityType} ${row.id} changed concurrently`);
  return written;
}

/** {@link writeTransition}, or null (nothing written) when the row's version is no longer the one read. */
export async function tryWriteTransition<TRow extends WorkflowRow, TFacts>(
  tx: Executor,
  def: WorkflowDefinition<TRow, TFacts>,
  row: TRow,
  w: WriteSpec,
): Promise<TRow | null> {
  const derived: Record<string, unknown> = def.derive(w.next, w.to);
  const before: Record<string, unknown> = def.derive(w.snapshot, row.state);
  const changes = Object.fromEntries(
    Object.entries(derived)
      .filter(([k, v]) => before[k] !== v)
      .map(([k, v]) => [k, [before[k] ?? null, v ?? null]]),
  );
  const values = {
    state: w.to,
    snapshot: w.machine.getPersistedSnapshot(w.next) as Record<string, unknown>,
    version: row.version + 1,
    machineVersion: w.machineVersion,
    deadlineAt: w.deadlineAt,
    deadlineEvent: w.deadlineEvent,
    updatedAt: w.now,
    ...derived,
  };
  const unchanged = and(eq(def.table.id, row.id), eq(def.table.version, row.version));
  const update = tx.update(def.table).set(values).where(unchanged).returning({ id: def.table.id });
  // One statement: the row (only if its version is the one read under the lock) and its history row.
  const history = historyRow(def, row.id, {
    machineVersion: w.machineVersion,
    event: w.event,
    from: row.state,
    to: w.to,
    actor: w.actor,
    reason: w.reason,
    payload: {
      ...w.payload,
      ...(Object.keys(changes).length > 0 && { changes }),
      ...(w.deadlineAt !== row.deadlineAt && { deadlineAt: w.deadlineAt?.toISOString() ?? null }),
    },
    at: w.now,
  });
  // Parameters of INSERT … SELECT are typed by their casts, encoded by their columns.
  const entries = Object.entries(history).map(([key, value]) => ({ column: transitionColumns[key as keyof typeof history], value }));
  const names = entries.map(({ column }) => sql.identifier(column.name));
  const params = entries.map(({ column, value }) => sql`${sql.param(value, column)}::${sql.raw(column.getSQLType())}`);
  const result = await tx.execute(
    sql`with moved as (${update.getSQL()}) insert into ${transitions} (${sql.join(names, sql`, `)}) select ${sql.join(params, sql`, `)} from moved`,
  );
  if (affectedRows(result) === 0) return null;
  // Every column a transition changes is in `values`; the rest is as locked.
  return { ...row, ...values };
}

/** What a history row says. */
export interface HistoryEntry {
  machineVersion: number;
  event: string;
  from: string | null;
  to: string;
  actor: Actor;
  reason: string | null;
  payload: Record<string, unknown>;
  at: Date;
}

const transitionColumns = getTableColumns(transitions);

/** P10: one history row — who, when, which event, from which state to which, why. */
export async function insertHistory(tx: Executor, def: { entityType: string; name: string }, entityId: string, h: HistoryEntry): Promise<void> {
  await tx.insert(transitions).values(historyRow(def, entityId, h));
}

/** A history row's columns. */
function historyRow(def: { entityType: string; name: string }, entityId: string, h: HistoryEntry) {
  return {
    entityType: def.entityType,
    entityId,
    machine: def.name,
    machineVersion: h.machineVersion,
    event: h.event,
    fromState: h.from,
    toState: h.to,
    actorId: h.actor.id,
    reason: h.reason,
    payload: h.payload,
    createdAt: h.at,
  };
}
