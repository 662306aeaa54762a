/** The one write of a transition: the row (state, snapshot, version + 1, derived columns, deadline) and its history row. */
import { and, eq } from 'drizzle-orm';
import type { AnyMachineSnapshot, AnyStateMachine } from 'xstate';
import type { Executor, Tx } from '../platform/db/client.js';
import { transitions } from '../platform/db/schema.js';
import { ConflictError } from '../platform/errors.js';
import type { Actor } from './actor.js';
import { workflowRows, type WorkflowRow } from './table.js';
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
export async function writeTransition<TRow extends WorkflowRow, TFacts>(tx: Tx, def: WorkflowDefinition<TRow, TFacts>, row: TRow, w: WriteSpec): Promise<TRow> {
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
  const [updated] = workflowRows<TRow>(await tx.update(def.table).set(values).where(unchanged).returning());
  if (!updated) throw new ConflictError(`${def.entityType} ${row.id} changed concurrently`);
  await insertHistory(tx, def, row.id, {
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
  return updated;
}

/** P10: one history row — who, when, which event, from which state to which, why. */
export async function insertHistory(
  tx: Executor,
  def: { entityType: string; name: string },
  entityId: string,
  h: {
    machineVersion: number;
    event: string;
    from: string | null;
    to: string;
    actor: Actor;
    reason: string | null;
    payload: Record<string, unknown>;
    at: Date;
  },
): Promise<void> {
  await tx.insert(transitions).values({
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
  });
}
