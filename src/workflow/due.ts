/**
 * Due deadlines, set-based. A deadline's transition is a pure function of (machine version,
 * state, event, facts); the system actor loads no facts. So the sweeper groups due rows by
 * (version, state, deadline event), the engine computes the transition once per group with
 * XState (`planDue`), and one statement per batch applies it to the group (`fireDueSet`): lock
 * due rows with SKIP LOCKED, UPDATE … FROM them, and INSERT … SELECT their history rows.
 *
 * Computing once is only right when the transition is the same for every row of the group:
 * its guards and context updates never read the context (traced), the derived columns read
 * only what the updates set, and it performs no effects (they do I/O per row). Otherwise the
 * plan says `row` and the sweeper fires that group's rows one at a time.
 */
import { getTableColumns, sql, type SQL } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import { transition, type AnyMachineSnapshot } from 'xstate';
import { resultRows, type Database, type Executor } from '../platform/db/client.js';
import { deadlineFailures, transitions } from '../platform/db/schema.js';
import { invariant } from '../platform/invariant.js';
import { isoTimestamp } from '../platform/db/sql.js';
import { SYSTEM_SWEEPER } from './actor.js';
import { isLegal, statePath } from './machine-paths.js';
import type { MachineVersion } from './registry.js';
import type { WorkflowRow } from './table.js';
import { keysRead, traceContext } from './trace.js';
import type { WorkflowDefinition } from './workflow.js';

type AnyDefinition = WorkflowDefinition<WorkflowRow, unknown>;

/** Due rows that share a machine version, a state and a deadline event. */
export interface DueGroup {
  version: number;
  state: string;
  event: string;
  count: number;
}

/** The transition of a whole group, computed once. */
export interface SetPlan {
  kind: 'set';
  to: string;
  /** The next persisted snapshot without its context (the same for every row of the group). */
  rest: Record<string, unknown>;
  /** What the context updates assign (constants). */
  patch: Record<string, unknown>;
  /** The derived columns after the transition, by column (constants). */
  derived: { column: PgColumn; key: string; value: string | number | boolean | null }[];
  deadlineAt: Date | null;
  deadlineEvent: string | null;
}

export type DuePlan = SetPlan | { kind: 'row'; why: string } | { kind: 'illegal' };

/** The deadline a state starts, from when it starts (the engine's policy terms). */
export type DeadlineOf = (state: string, start: Date) => { deadlineAt: Date | null; deadlineEvent: string | null };

/** Due rows at `now` grouped by (version, state, event), oldest group first. */
export async function dueGroups(database: Database, def: AnyDefinition, now: Date): Promise<DueGroup[]> {
  const t = def.table;
  const rows = await database.rows<{ version: number; state: string; event: string; count: number }>(
    database.db,
    sql`select ${t.machineVersion} as version, ${t.state} as state, ${t.deadlineEvent} as event, count(*)::int as count
        from ${t} where ${t.deadlineAt} <= ${now.toISOString()}::timestamptz and ${t.deadlineEvent} is not null and ${notBackedOff(def, now)}
        group by 1, 2, 3 order by min(${t.deadlineAt})`,
  );
  return rows.map((r) => ({ version: Number(r.version), state: r.state, event: r.event, count: Number(r.count) }));
}

/** True for the rows of a group that are due at `now`. */
export function inGroup(def: AnyDefinition, group: DueGroup, now: Date): SQL {
  const t = def.table;
  return sql`${t.deadlineAt} <= ${now.toISOString()}::timestamptz and ${t.machineVersion} = ${group.version} and ${t.state} = ${group.state} and ${t.deadlineEvent} = ${group.event} and ${notBackedOff(def, now)}`;
}

/** True unless the row's deadline failed to fire and its back-off has not passed (see deadlineFailures). */
function notBackedOff(def: AnyDefinition, now: Date): SQL {
  const f = deadlineFailures;
  return sql`not exists (select 1 from ${f} where ${f.machine} = ${def.name} and ${f.entityId} = ${def.table.id} and ${f.resolvedAt} is null and ${f.nextAttemptAt} > ${now.toISOString()}::timestamptz)`;
}

const isScalar = (v: unknown): v is string | number | boolean | null => v === null || ['string', 'number', 'boolean'].includes(typeof v);

/** The group's transition, computed once on a representative row (see the module comment). */
export function planDue(def: AnyDefinition, mv: MachineVersion, sample: WorkflowRow, event: string, now: Date, deadlineOf: DeadlineOf): DuePlan {
  const snapshot: AnyMachineSnapshot = mv.machine.resolveState(sample.snapshot as Parameters<typeof mv.machine.resolveState>[0]);
  const full = { type: event, actor: SYSTEM_SWEEPER, facts: def.noFacts, at: now.toISOString() };
  const legal = traceContext(() => isLegal(snapshot, full));
  if (!legal.result) return legal.trace.read ? { kind: 'row', why: 'a guard reads the context' } : { kind: 'illegal' };
  const { result, trace } = traceContext(() => transition(mv.machine, snapshot, full));
  if (legal.trace.read || trace.read) return { kind: 'row', why: 'a guard or context update reads the context' };
  const [next, actions] = result;
  if (actions.some((a) => a.type in def.effects)) return { kind: 'row', why: 'the transition performs effects' };
  const { context, ...rest } = mv.machine.getPersistedSnapshot(next) as Record<string, unknown>;
  if (Object.keys((rest.historyValue as object | undefined) ?? {}).length > 0 || Object.keys((rest.children as object | undefined) ?? {}).length > 0) {
    return { kind: 'row', why: 'the snapshot keeps history or children' };
  }
  const to = statePath(next.value);
  const derive = keysRead(context as Record<string, unknown>, (c) => def.deriveFrom(c, to));
  if ([...derive.keys].some((k) => !(k in trace.assigned))) return { kind: 'row', why: 'a derived column reads context the transition keeps' };
  const columns = getTableColumns(def.table) as Record<string, PgColumn>;
  const derived: SetPlan['derived'] = [];
  for (const [key, value] of Object.entries(derive.result as Record<string, unknown>)) {
    const column = columns[key];
    if (!column || !isScalar(value)) return { kind: 'row', why: `derived column ${key} is not a plain value` };
    derived.push({ column, key, value });
  }
  return { kind: 'set', to, rest, patch: trace.assigned, derived, ...deadlineOf(to, now) };
}

const json = (value: unknown) => sql`${JSON.stringify(value)}::jsonb`;

/**
 * One batch of a group, one statement: lock up to `limit` due rows (oldest first, SKIP LOCKED,
 * re-checked on the latest row version, so each deadline fires exactly once across
 * processes), move them, and write one history row each, in the shape the engine writes
 * (payload: dueAt, changed derived columns as [before, after], the new deadlineAt). Returns
 * the ids of the history rows written (one per row moved).
 */
export async function fireDueSet(executor: Executor, def: AnyDefinition, group: DueGroup, plan: SetPlan, now: Date, limit: number): Promise<number[]> {
  const t = def.table;
  const name = (c: PgColumn) => sql.identifier(c.name);
  const updatedAt = (getTableColumns(t) as Record<string, PgColumn>).updatedAt;
  invariant(updatedAt, `${def.name}: a workflow table has updated_at`);
  const old = (i: number) => sql.identifier(`d${i}`);
  const before = plan.derived.map((d, i) => sql`, ${d.column} as ${old(i)}`);
  const set = plan.derived.map((d) => sql`, ${name(d.column)} = ${d.value}`);
  const kept = plan.derived.map((_, i) => sql`, due.${old(i)}`);
  // to_jsonb(NULL) is SQL NULL; as a history value it is JSON null.
  const was = (i: number) => sql`coalesce(to_jsonb(${old(i)}), 'null'::jsonb)`;
  const changes = plan.derived.map(
    (d, i) => sql`${d.key}::text, case when ${was(i)} is distinct from ${json(d.value)} then jsonb_build_array(${was(i)}, ${json(d.value)}) end`,
  );
  const changed = plan.derived.length === 0 ? sql`'{}'::jsonb` : sql`jsonb_strip_nulls(jsonb_build_object(${sql.join(changes, sql`, `)}))`;
  const deadline = plan.deadlineAt?.toISOString() ?? null;
  const result = await executor.execute(sql`
    with due as (
      select ${t.id} as id, ${t.deadlineAt} as due_at ${sql.join(before, sql``)}
      from ${t} where ${inGroup(def, group, now)}
      order by ${t.deadlineAt} limit ${limit} for update skip locked
    ), moved as (
      update ${t} set ${name(t.state)} = ${plan.to},
        ${name(t.snapshot)} = ${json(plan.rest)} || jsonb_build_object('context', coalesce(${t.snapshot} -> 'context', '{}'::jsonb) || ${json(plan.patch)}),
        ${name(t.version)} = ${t.version} + 1, ${name(t.deadlineAt)} = ${deadline}::timestamptz, ${name(t.deadlineEvent)} = ${plan.deadlineEvent},
        ${name(updatedAt)} = ${now.toISOString()}::timestamptz ${sql.join(set, sql``)}
      from due where ${t.id} = due.id
      returning due.id, due.due_at ${sql.join(kept, sql``)}
    ), changed as (
      select id, due_at, ${changed} as changes from moved
    ), resolved as (
      update ${deadlineFailures} set resolved_at = ${now.toISOString()}::timestamptz
      where machine = ${def.name} and resolved_at is null and entity_id in (select id from moved)
    )
    insert into ${transitions} (entity_type, entity_id, machine, machine_version, event, from_state, to_state, actor_id, reason, payload, created_at)
    select ${def.entityType}, id, ${def.name}, ${group.version}, ${group.event}, ${group.state}, ${plan.to}, null, null,
      jsonb_build_object('dueAt', ${isoTimestamp(sql`due_at`)})
        || case when changes = '{}'::jsonb then '{}'::jsonb else jsonb_build_object('changes', changes) end
        || jsonb_build_object('deadlineAt', ${json(deadline)}),
      ${now.toISOString()}::timestamptz
    from changed returning id`);
  return resultRows(result).map((r) => Number(r.id));
}
