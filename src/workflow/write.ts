/** The one write of a transition: the row (state, snapshot, version + 1, derived columns, deadline) and its history row. */
import { getTableColumns, sql } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import { invariant } from '../platform/invariant.js';
import type { AnyMachineSnapshot, AnyStateMachine } from 'xstate';
import { resultRows, type Executor } from '../platform/db/client.js';
import { transitions } from '../platform/db/schema.js';
import { ConflictError } from '../platform/errors.js';
import { preparedStatement } from '../platform/db/sql.js';
import type { Actor } from './actor.js';
import type { WorkflowRow, WorkflowTable } from './table.js';
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
  /** Holders this transition released (see hold.ts); the engine tells the workflow's listener. */
  released?: string[];
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
): Promise<Written<TRow>> {
  const written = await tryWriteTransition(tx, def, row, w);
  if (!written) throw new ConflictError(`${def.entityType} ${row.id} changed concurrently`);
  return written;
}

/** The row as written, and the id of its history row (for transition listeners). */
export interface Written<TRow> {
  row: TRow;
  historyId: number;
}

/** {@link writeTransition}, or null (nothing written) when the row's version is no longer the one read. */
export async function tryWriteTransition<TRow extends WorkflowRow, TFacts>(
  tx: Executor,
  def: WorkflowDefinition<TRow, TFacts>,
  row: TRow,
  w: WriteSpec,
): Promise<Written<TRow> | null> {
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
  // One statement: the row (only if its version is the one read) and its history row.
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
      ...(w.released && w.released.length > 0 && { released: w.released }),
    },
    at: w.now,
  });
  const statement = writeStatement(def, Object.keys(values), Object.keys(history));
  const params = { ...prefixed('set_', values), ...prefixed('h_', history), id: row.id, read_version: row.version };
  const [written] = resultRows(await statement(tx, params));
  if (!written) return null;
  // Every column a transition changes is in `values`; the rest is as locked.
  return { row: { ...row, ...values }, historyId: Number(written.id) };
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
const statements = new Map<string, ReturnType<typeof preparedStatement>>();

/** A value as a statement parameter: JSON as text, times as ISO text (each placeholder is cast to its column's type). */
function param(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (value !== null && typeof value === 'object') return JSON.stringify(value);
  return value;
}

function prefixed(prefix: string, values: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [prefix + k, param(v)]));
}

/**
 * The write of a transition for a workflow and a set of columns, built once: UPDATE the row
 * WHERE id and version are the ones read, and INSERT … SELECT its history row from it.
 */
function writeStatement(def: { name: string; table: WorkflowTable }, keys: readonly string[], historyKeys: readonly string[]) {
  const key = `${def.name}:${keys.join(',')}`;
  let statement = statements.get(key);
  if (statement) return statement;
  const t = def.table;
  const columns = getTableColumns(t) as Record<string, PgColumn>;
  const typed = (name: string, column: PgColumn) => sql`${sql.placeholder(name)}::${sql.raw(column.getSQLType())}`;
  const set = keys.map((k) => {
    const column = columns[k];
    invariant(column, `${def.name}: no column ${k}`);
    return sql`${sql.identifier(column.name)} = ${typed(`set_${k}`, column)}`;
  });
  const names = historyKeys.map((k) => sql.identifier(transitionColumns[k as keyof typeof transitionColumns].name));
  const values = historyKeys.map((k) => typed(`h_${k}`, transitionColumns[k as keyof typeof transitionColumns]));
  statement = preparedStatement(
    () => sql`with moved as (update ${t} set ${sql.join(set, sql`, `)} where ${t.id} = ${sql.placeholder('id')}::uuid and ${t.version} = ${sql.placeholder('read_version')}::integer returning ${t.id})
      insert into ${transitions} (${sql.join(names, sql`, `)}) select ${sql.join(values, sql`, `)} from moved returning ${transitions.id}`,
  );
  statements.set(key, statement);
  return statement;
}

/** History rows alike but for the instance (and the reason: one for all, or one per id). */
export function alike(
  ids: string | readonly string[],
  entry: Omit<HistoryEntry, 'reason'>,
  reasons?: string | null | readonly (string | null)[],
): (HistoryEntry & { entityId: string })[] {
  const reason = (i: number) => (typeof reasons === 'object' && reasons !== null ? reasons[i] : reasons) ?? null;
  return (typeof ids === 'string' ? [ids] : ids).map((entityId, i) => ({ ...entry, entityId, reason: reason(i) }));
}

/** P10: history rows — who, when, which event, from which state to which, why; one statement for all, their ids in order. */
export async function insertHistory(
  tx: Executor,
  def: { entityType: string; name: string },
  entries: readonly (HistoryEntry & { entityId: string })[],
): Promise<number[]> {
  if (entries.length === 0) return [];
  const rows = await tx
    .insert(transitions)
    .values(entries.map((h) => historyRow(def, h.entityId, h)))
    .returning({ id: transitions.id });
  invariant(rows.length === entries.length, 'an insert returns its rows');
  return rows.map((r) => r.id);
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
