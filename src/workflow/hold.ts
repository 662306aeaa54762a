/**
 * Holds: while other records await a decision about an instance (P2: a customer's pending
 * applications), the instance's deadline does not run.
 *
 * A machine lists those records in its context under `heldBy` (its own actions add and remove
 * them). While the list is not empty the engine keeps the deadline in the context
 * (`heldDeadline`) and writes none, so neither the sweeper nor a projection fires it. A
 * transition of a held instance sees the kept deadline as the instance's (an extension lengthens
 * it, an intent conversion keeps it when longer); when the last holder is released the deadline
 * runs again. Holds belong to the state they were taken in: a transition to another state (by any
 * event, or a migration) drops them (except one the transition itself takes, e.g. a resubmission
 * entering audit with its new application), and the engine tells the workflow's release listener, in
 * the same transaction, which holders were released (they close as lapsed, A4).
 *
 * A transition that moves to another state may carry holds with it: its actions list them in
 * `carriedHolds` (e.g. a customer's lock survives its intent conversion, T4). The list is read
 * by this one settlement and never persisted, so a carry is always a decision of the transition
 * that makes it; every other path (abandon, migration, …) still drops them.
 */
import type { AnyMachineSnapshot, AnyStateMachine } from 'xstate';
import type { WorkflowRow } from './table.js';

/** What a held instance's context carries. */
export interface HeldContext {
  /** The records awaiting a decision, by id (the machine's actions keep this list). */
  heldBy?: string[];
  /** The deadline kept while held (the engine keeps this). */
  heldDeadline?: { at: string | null; event: string | null };
  /** Holders this transition carries into the state it enters (read once by `settle`, never persisted). */
  carriedHolds?: string[];
}

/** Told, inside the transition's transaction, which holders a transition released. */
export type ReleaseListener<TTx> = (tx: TTx, release: { row: WorkflowRow; from: string; to: string; holders: string[]; now: Date }) => Promise<void>;

function contextOf(snapshot: { context?: unknown }): HeldContext {
  return (snapshot.context ?? {}) as HeldContext;
}

/** The records holding an instance (its snapshot as persisted or restored). */
export function holdersOf(snapshot: unknown): string[] {
  const held = contextOf((snapshot ?? {}) as { context?: unknown }).heldBy;
  return Array.isArray(held) ? held : [];
}

/** The row with its kept deadline in place while it is held: what a transition starts from. */
export function running<TRow extends WorkflowRow>(row: TRow): TRow {
  const kept = contextOf(row.snapshot as { context?: unknown }).heldDeadline;
  if (holdersOf(row.snapshot).length === 0 || !kept) return row;
  return { ...row, deadlineAt: kept.at ? new Date(kept.at) : null, deadlineEvent: kept.event };
}

export interface Settled {
  next: AnyMachineSnapshot;
  deadlineAt: Date | null;
  deadlineEvent: string | null;
  /** The holders the transition released (by the machine's actions, or by leaving the state). */
  released: string[];
}

/**
 * The snapshot and deadline a transition writes, holds applied: the deadline kept in the
 * context while any holder remains, holds dropped when the state changes.
 */
export function settle(
  machine: AnyStateMachine,
  before: unknown,
  next: AnyMachineSnapshot,
  stateChanged: boolean,
  deadlineAt: Date | null,
  deadlineEvent: string | null,
): Settled {
  const held = holdersOf(before);
  const carried = contextOf(next).carriedHolds ?? [];
  // Another state: the holds taken in the state left are dropped unless carried; one this transition took stays.
  const holders = stateChanged ? holdersOf(next).filter((h) => !held.includes(h) || carried.includes(h)) : holdersOf(next);
  const released = held.filter((h) => !holders.includes(h));
  const context = contextOf(next);
  const { heldBy: _holders, heldDeadline: _kept, carriedHolds: _carried, ...rest } = context;
  if (holders.length > 0) {
    const heldDeadline = { at: deadlineAt?.toISOString() ?? null, event: deadlineEvent };
    const held = machine.resolveState({ value: next.value, context: { ...rest, heldBy: holders, heldDeadline } });
    return { next: held, deadlineAt: null, deadlineEvent: null, released };
  }
  if (context.heldBy === undefined && context.heldDeadline === undefined && context.carriedHolds === undefined) {
    return { next, deadlineAt, deadlineEvent, released };
  }
  return { next: machine.resolveState({ value: next.value, context: rest }), deadlineAt, deadlineEvent, released };
}
