/**
 * One machine step, pure: restoring a row's snapshot, the deadline a state starts, the machine's
 * answer to an event (refusal, or the next snapshot, its deadline and the effects it sets off),
 * and the deadline event a row must take first. The engine does the I/O around these.
 */
import { transition, type AnyMachineSnapshot, type AnyStateMachine } from 'xstate';
import { invariant } from '../platform/invariant.js';
import { SYSTEM_SWEEPER, type Actor } from './actor.js';
import type { EngineEvent } from './definition.js';
import { isLegal, stateDeadline, statePath, stateValue } from './machine-paths.js';
import type { Policy } from './policy/policy.js';
import { refusal } from './refusal.js';
import type { MachineRegistry, MachineVersion } from './registry.js';
import type { WorkflowRow } from './table.js';
import type { WorkflowDefinition } from './workflow.js';
import type { WriteSpec } from './write.js';
import { running, settle } from './hold.js';

/** The XState snapshot a row persisted, on its machine version. */
export function restore(mv: MachineVersion, row: WorkflowRow): AnyMachineSnapshot {
  return mv.machine.resolveState(row.snapshot as Parameters<AnyStateMachine['resolveState']>[0]);
}

/** When a state's declared term ends, if it declares one, from `start` under `policy`. */
export function deadlineOf(def: WorkflowDefinition<WorkflowRow, unknown>, machine: AnyStateMachine, state: string, start: Date, policy: Policy) {
  const deadline = stateDeadline(machine, state);
  if (!deadline) return { deadlineAt: null, deadlineEvent: null };
  const term = def.terms[deadline.term];
  // A published document passed the known-terms check.
  invariant(term, `${def.name}: state ${state} declares unknown term ${deadline.term}`);
  return { deadlineAt: term(start, policy), deadlineEvent: deadline.event };
}

/**
 * The machine's answer to an event on a row (pure): a refusal, or the next snapshot, its deadline
 * and the effects it sets off. A held row's kept deadline is its deadline here (see hold.ts);
 * `row` is the row as effects see it.
 */
export function decide<TRow extends WorkflowRow, TFacts>(
  def: WorkflowDefinition<TRow, TFacts>,
  mv: MachineVersion,
  row: TRow,
  event: EngineEvent,
  actor: Actor,
  now: Date,
  facts: TFacts,
  policy: Policy,
) {
  const locked = row;
  row = running(row);
  const snapshot = restore(mv, row);
  const full = { ...event, actor, facts, at: now.toISOString() };
  // Legality from the enabled transitions: a targetless transition without assign returns the
  // identical snapshot from `transition`, so identity alone would refuse it.
  if (!isLegal(snapshot, full)) {
    throw refusal({ ...def, machine: mv.machine, events: mv.events, snapshot, state: row.state, event: full });
  }
  const [next, actions] = transition(mv.machine, snapshot, full);
  const to = statePath(next.value);
  const { deadlineAt, deadlineEvent } = to !== row.state ? deadlineOf(def, mv.machine, to, now, policy) : row;
  const effects = actions.flatMap((a) => {
    const run = def.effects[a.type];
    return run ? [{ run, params: a.params }] : [];
  });
  const { type: _type, reason, ...params } = event;
  const write = (deadline: Date | null, payload: Record<string, unknown> = {}): WriteSpec => ({
    snapshot,
    ...settle(mv.machine, locked.snapshot, next, to !== row.state, deadline, deadlineEvent),
    machine: mv.machine,
    to,
    machineVersion: row.machineVersion,
    event: event.type,
    actor,
    reason: typeof reason === 'string' ? reason.trim() : null,
    payload: { ...params, ...payload },
    now,
  });
  return { row, deadlineAt, effects, write };
}

/**
 * The deadline event a row must take before anything else at `now`: its deadline has passed
 * and its machine accepts the event from the system (no facts). Sweeper, late firing and
 * projection all ask here; the next state's term starts when the transition is made.
 */
export function dueEvent(
  versions: MachineRegistry,
  def: WorkflowDefinition<WorkflowRow, unknown>,
  row: WorkflowRow,
  now: Date,
): (EngineEvent & { dueAt: string }) | null {
  if (!row.deadlineAt || !row.deadlineEvent || row.deadlineAt > now) return null;
  const mv = versions.get(def, row.machineVersion);
  if (!mv) return null;
  const event = { type: row.deadlineEvent, actor: SYSTEM_SWEEPER, facts: def.noFacts, at: now.toISOString() };
  return isLegal(restore(mv, row), event) ? { type: row.deadlineEvent, dueAt: row.deadlineAt.toISOString() } : null;
}

/**
 * P11: the write that moves a row onto another machine version, into `to` (a state of that
 * version), recorded as MIGRATE. A running term is kept when the state keeps the same term;
 * otherwise the new state's term starts now. Holds stay in the same state and drop in another.
 */
export function migration(
  def: WorkflowDefinition<WorkflowRow, unknown>,
  old: MachineVersion,
  target: MachineVersion,
  row: WorkflowRow,
  to: string,
  actor: Actor,
  now: Date,
  policy: Policy,
): WriteSpec & { released: string[] } {
  const current = running(row);
  const snapshot = restore(old, row);
  const next = target.machine.resolveState({ value: stateValue(to), context: snapshot.context });
  const before = stateDeadline(old.machine, row.state);
  const after = stateDeadline(target.machine, to);
  const keep = to === row.state && before?.term === after?.term && before?.event === after?.event;
  const deadline = keep ? current : deadlineOf(def, target.machine, to, now, policy);
  return {
    snapshot,
    ...settle(target.machine, row.snapshot, next, to !== row.state, deadline.deadlineAt, deadline.deadlineEvent),
    machine: target.machine,
    to,
    machineVersion: target.version,
    event: 'MIGRATE',
    actor,
    reason: null,
    payload: { fromVersion: row.machineVersion, toVersion: target.version },
    now,
  };
}

/**
 * The row as it is now: a deadline that is due is applied in memory (not written). A row on a
 * machine version not loaded here yet (published on another instance moments ago) is shown as stored.
 */
export function projected<TRow extends WorkflowRow>(
  versions: MachineRegistry,
  def: WorkflowDefinition<TRow, unknown>,
  row: TRow,
  now: Date,
  policy: Policy,
): TRow {
  const due = dueEvent(versions, def, row, now);
  if (!due) return row;
  const mv = versions.machineOf(def, row);
  const event = { type: due.type, actor: SYSTEM_SWEEPER, facts: def.noFacts, at: now.toISOString() };
  const [next] = transition(mv.machine, restore(mv, row), event);
  const to = statePath(next.value);
  return {
    ...row,
    state: to,
    snapshot: mv.machine.getPersistedSnapshot(next) as Record<string, unknown>,
    ...deadlineOf(def, mv.machine, to, now, policy),
    ...def.derive(next, to),
  };
}
