/**
 * The workflow engine: the only code that writes a workflow-governed row's state.
 *
 * `apply` runs in one transaction: lock the row, restore the snapshot, fire a deadline that is
 * already due (so an overdue protection is treated as expired, even before the sweeper ran),
 * load the facts guards need, ask the pure machine for the next state, then write the snapshot,
 * state, version + 1, derived columns, deadline and one history row per transition.
 */
import { and, count, desc, eq, lt, sql } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import { transition, initialTransition, type AnyStateMachine, type AnyMachineSnapshot, type StateNode } from 'xstate';
import type { Database, Executor, Tx } from '../platform/db/client.js';
import { transitions, type TransitionRow } from '../platform/db/schema.js';
import { decodeCursor, pageSize, toPage, type Page, type PageArgs } from '../platform/pagination.js';
import type { Clock } from '../platform/clock.js';
import {
  ConflictError,
  DomainError,
  ForbiddenError,
  IllegalTransitionError,
  NotFoundError,
  ValidationError,
} from '../platform/errors.js';
import { SYSTEM_SWEEPER, type Actor } from './actor.js';
import type { EventInfo, GuardRule, StateMeta } from './definition.js';
import { buildMachine, type MachineImplementation, type WorkflowDocument } from './document.js';
import { addDuration } from './policy/duration.js';
import type { Policy } from './policy/policy.js';
import { deadlineFor } from './policy/terms.js';

/** The columns every workflow table has (see `workflowColumns` in the db schema). */
export interface WorkflowRow {
  id: string;
  state: string;
  snapshot: Record<string, unknown>;
  version: number;
  machineVersion: number;
  deadlineAt: Date | null;
  deadlineEvent: string | null;
}

export interface WorkflowTable extends PgTable {
  id: PgColumn;
  state: PgColumn;
  version: PgColumn;
  machineVersion: PgColumn;
  deadlineAt: PgColumn;
}

export interface EngineEvent {
  type: string;
  reason?: string | null;
  [key: string]: unknown;
}

export interface EffectContext<TRow> {
  tx: Tx;
  row: TRow;
  event: EngineEvent;
  actor: Actor;
  now: Date;
  policy: Policy;
  params: unknown;
}

/** One published version of a machine: its document and the machine built from it. */
export interface MachineVersion {
  version: number;
  document: WorkflowDocument;
  machine: AnyStateMachine;
  events: Record<string, EventInfo>;
}

/** What the product's code relies on, checked on every publish (see validate.ts). */
export interface WorkflowInvariants {
  /** States services and derived columns read by name. */
  requiredStates: string[];
  /** The state a new instance must start in (services open applications, reserve numbers, …). */
  initialState: string;
  /** Events code sends (audit decisions, contract confirmation, dedicated mutations) → the states that must accept them ([] = some state). */
  requiredEvents: Record<string, string[]>;
  /** Pairs of states no sequence of events may lead from one to the other (e.g. formal → pool, P6). */
  unreachable: { from: string; to: string; rule: string }[];
}

export interface WorkflowDefinition<TRow extends WorkflowRow = WorkflowRow, TFacts = unknown> {
  /** Machine name, as recorded in history and shown to designers. */
  name: string;
  entityType: string;
  /** The current (newest published) version: new instances start on it. */
  version: number;
  machine: AnyStateMachine;
  events: Record<string, EventInfo>;
  document: WorkflowDocument;
  /** Every loaded version, by number: an instance runs on the version it remembers. */
  versions: Map<number, MachineVersion>;
  /** Guard and action implementations and the context factory the documents refer to by name. */
  implementation: MachineImplementation;
  invariants: WorkflowInvariants;
  /** Events that have their own mutation (it does more than send the event), by mutation name. */
  dedicated: Record<string, string>;
  table: WorkflowTable;
  guardRules: Record<string, GuardRule>;
  /** The facts guards read, loaded inside the transaction after the row lock. */
  facts(executor: Executor, row: TRow, actor: Actor, event: EngineEvent): Promise<TFacts>;
  /** Facts with nothing loaded: used to project due deadlines on reads. */
  noFacts: TFacts;
  /** Columns derived from the machine's context and state (e.g. custodian, stage). */
  derive(snapshot: AnyMachineSnapshot, state: string): Partial<TRow>;
  /** Named actions the machine returns and the engine performs. */
  effects?: Record<string, (ctx: EffectContext<TRow>) => Promise<void>>;
}

export interface ApplyOptions {
  expectedVersion?: number | null;
  /** Extra, client-safe facts for the history row. */
  payload?: Record<string, unknown>;
}

export interface ApplyResult<TRow> {
  row: TRow;
  from: string;
  to: string;
}

/** `{ prospect: 'protected' }` → `prospect.protected`. */
export function statePath(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    const [key, child] = Object.entries(value)[0] ?? [];
    if (key !== undefined) return child === undefined || (typeof child === 'object' && Object.keys(child as object).length === 0) ? key : `${key}.${statePath(child)}`;
  }
  throw new Error(`Unexpected state value ${JSON.stringify(value)}`);
}

/** `prospect.protected` → `{ prospect: 'protected' }` (the inverse of statePath). */
export function stateValue(path: string): unknown {
  const [head, ...rest] = path.split('.');
  return rest.length === 0 ? head : { [head!]: stateValue(rest.join('.')) };
}

/** The state nodes from the root's child down to the leaf for a path. */
export function nodeChain(machine: AnyStateMachine, path: string): StateNode[] {
  const chain: StateNode[] = [];
  let node: StateNode = machine.root;
  for (const key of path.split('.')) {
    const next: StateNode | undefined = node.states[key];
    if (!next) break;
    chain.push(next);
    node = next;
  }
  return chain;
}

/** The deadline a state declares, from its deepest node that has one. */
export function stateDeadline(machine: AnyStateMachine, path: string): StateMeta['deadline'] | undefined {
  for (const node of nodeChain(machine, path).reverse()) {
    const meta = node.meta as StateMeta | undefined;
    if (meta?.deadline) return meta.deadline;
  }
  return undefined;
}

/** A definition whose current version is built from `document` (version 1 = the repo's). */
export function versioned<TRow extends WorkflowRow, TFacts>(
  base: Omit<WorkflowDefinition<TRow, TFacts>, 'version' | 'machine' | 'events' | 'versions'>,
): WorkflowDefinition<TRow, TFacts> {
  const v1: MachineVersion = { version: 1, document: base.document, machine: buildMachine(base.implementation, base.document), events: base.document.events };
  return { ...base, version: 1, machine: v1.machine, events: v1.events, versions: new Map([[1, v1]]) };
}

/** Makes a version known, and current when it is the newest. */
export function installVersion(def: WorkflowDefinition<WorkflowRow, unknown>, version: number, document: WorkflowDocument): MachineVersion {
  const mv: MachineVersion = { version, document, machine: buildMachine(def.implementation, document), events: document.events };
  def.versions.set(version, mv);
  if (version >= def.version) {
    def.version = version;
    def.machine = mv.machine;
    def.events = mv.events;
    def.document = document;
  }
  return mv;
}

/** The version a row runs on (P11: until migrated, an instance keeps its machine version). */
export function machineOf(def: { name: string; versions: Map<number, MachineVersion> }, row: { machineVersion: number }): MachineVersion {
  const mv = def.versions.get(row.machineVersion);
  if (!mv) throw new Error(`${def.name} machine version ${row.machineVersion} is not loaded`);
  return mv;
}

/**
 * Whether an event is legal now: some transition for it is enabled (guards pass). Not
 * `snapshot.can`, which is false for a targetless transition without actions (a legal event
 * that changes only what the engine writes, such as UPDATE on a draft contract).
 */
export function isLegal(snapshot: AnyMachineSnapshot, event: unknown): boolean {
  const data = (snapshot.machine as AnyStateMachine).getTransitionData(snapshot as never, event as never);
  return Array.isArray(data) && data.length > 0;
}

type GuardLike = string | { type: string; params?: unknown } | ((...args: never[]) => unknown) & { guards?: GuardLike[] };

/** The first named guard that fails for this event, walking `and(...)` guards. */
function failingGuard(machine: AnyStateMachine, guard: GuardLike | undefined, snapshot: AnyMachineSnapshot, event: EngineEvent): string | null {
  if (guard === undefined) return null;
  if (typeof guard === 'function') {
    // Only and(...) can be explained by its first failing part; or/not name no single rule.
    if (guard.name !== 'and') return null;
    for (const g of guard.guards ?? []) {
      const failed = failingGuard(machine, g, snapshot, event);
      if (failed) return failed;
    }
    return null;
  }
  const name = typeof guard === 'string' ? guard : guard.type;
  const params = typeof guard === 'string' ? undefined : guard.params;
  const impl = (machine.implementations.guards as Record<string, (args: { context: unknown; event: unknown }, params: unknown) => boolean>)[name];
  if (!impl) return name;
  return impl({ context: snapshot.context, event }, params) ? null : name;
}

export class WorkflowEngine {
  /** Loads machine versions published on another app instance (set by the workflow service). */
  loadVersions: () => Promise<void> = async () => undefined;

  constructor(
    private readonly database: Database,
    private readonly clock: Clock,
    private readonly policy: () => Policy,
  ) {}

  /** A row created on another app instance may run on a version published there moments ago. */
  private async ensureVersion(def: { versions: Map<number, unknown> }, row: { machineVersion: number }): Promise<void> {
    if (!def.versions.has(row.machineVersion)) await this.loadVersions();
  }

  /** The initial snapshot and columns of a new instance; `record` writes its history row. */
  initial<TRow extends WorkflowRow>(def: WorkflowDefinition<TRow>, input: unknown) {
    const [snapshot] = initialTransition(def.machine, input);
    const state = statePath(snapshot.value);
    const now = this.clock();
    const deadline = stateDeadline(def.machine, state);
    return {
      values: {
        state,
        snapshot: def.machine.getPersistedSnapshot(snapshot) as Record<string, unknown>,
        version: 1,
        machineVersion: def.version,
        deadlineAt: deadline ? deadlineFor(deadline.term, now, this.policy()) : null,
        deadlineEvent: deadline?.event ?? null,
        ...def.derive(snapshot, state),
      },
      record: async (tx: Executor, entityId: string, actor: Actor, reason?: string | null) => {
        await tx.insert(transitions).values({
          entityType: def.entityType,
          entityId,
          machine: def.name,
          machineVersion: def.version,
          event: 'CREATE',
          fromState: null,
          toState: state,
          actorId: actor.id,
          reason: reason ?? null,
          payload: {},
          createdAt: now,
        });
      },
    };
  }

  /** Applies one event in its own transaction. */
  async apply<TRow extends WorkflowRow>(
    def: WorkflowDefinition<TRow>,
    id: string,
    event: EngineEvent,
    actor: Actor,
    options: ApplyOptions = {},
  ): Promise<ApplyResult<TRow>> {
    return this.database.db.transaction((tx) => this.applyIn(tx, def, id, event, actor, options));
  }

  /** Applies one event inside a transaction the caller owns (e.g. an audit decision, A4). */
  async applyIn<TRow extends WorkflowRow>(
    tx: Tx,
    def: WorkflowDefinition<TRow>,
    id: string,
    event: EngineEvent,
    actor: Actor,
    options: ApplyOptions = {},
  ): Promise<ApplyResult<TRow>> {
    const [locked] = (await tx.select().from(def.table).where(eq(def.table.id, id)).for('update')) as TRow[];
    if (!locked) throw new NotFoundError(def.entityType, id);
    await this.ensureVersion(def, locked);
    if (options.expectedVersion != null && options.expectedVersion !== locked.version) {
      throw new ConflictError(`${def.entityType} ${id} has changed (version ${locked.version}, you had ${options.expectedVersion}); reload and retry`, {
        currentVersion: locked.version,
      });
    }
    const from = locked.state;
    let row = locked;
    const now = this.clock();
    if (row.deadlineAt && row.deadlineEvent && row.deadlineAt <= now && event.type !== row.deadlineEvent) {
      row = await this.step(tx, def, row, { type: row.deadlineEvent }, SYSTEM_SWEEPER, now, { payload: { dueAt: row.deadlineAt.toISOString(), firedBy: 'late' } });
    }
    row = await this.step(tx, def, row, event, actor, now, options);
    return { row, from, to: row.state };
  }

  /**
   * Fires the deadline of one row if it is still due (the sweeper's unit of work). Returns
   * false when another process got there first or the deadline moved.
   */
  async fireDueDeadline<TRow extends WorkflowRow>(tx: Tx, def: WorkflowDefinition<TRow>, id: string): Promise<boolean> {
    const [row] = (await tx.select().from(def.table).where(eq(def.table.id, id)).for('update', { skipLocked: true })) as TRow[];
    const now = this.clock();
    if (!row || !row.deadlineAt || !row.deadlineEvent || row.deadlineAt > now) return false;
    await this.ensureVersion(def, row);
    await this.step(tx, def, row, { type: row.deadlineEvent }, SYSTEM_SWEEPER, now, { payload: { dueAt: row.deadlineAt.toISOString() } });
    return true;
  }

  private restore<TRow extends WorkflowRow>(def: WorkflowDefinition<TRow>, row: TRow): AnyMachineSnapshot {
    return machineOf(def, row).machine.resolveState(row.snapshot as never);
  }

  private async step<TRow extends WorkflowRow>(
    tx: Tx,
    def: WorkflowDefinition<TRow>,
    row: TRow,
    event: EngineEvent,
    actor: Actor,
    now: Date,
    options: ApplyOptions,
  ): Promise<TRow> {
    const { machine, events } = machineOf(def, row);
    const snapshot = this.restore(def, row);
    const facts = await def.facts(tx, row, actor, event);
    const full = { ...event, actor, facts, at: now.toISOString() };
    // Legality from the enabled transitions: a targetless transition without assign returns the
    // identical snapshot from `transition`, so identity alone would refuse it.
    if (!isLegal(snapshot, full)) throw this.refusal(def, machine, events, snapshot, row, full, actor, facts);
    const [next, actions] = transition(machine, snapshot, full as never);

    const policy = this.policy();
    const to = statePath(next.value);
    let deadlineAt = row.deadlineAt;
    let deadlineEvent = row.deadlineEvent;
    if (to !== row.state) {
      const deadline = stateDeadline(machine, to);
      deadlineAt = deadline ? deadlineFor(deadline.term, now, policy) : null;
      deadlineEvent = deadline?.event ?? null;
    }
    for (const action of actions) {
      if ((action.type as string) === 'extendDeadline') {
        const extension = typeof event.extension === 'string' ? event.extension : policy.customer.extensionTerm;
        deadlineAt = addDuration(deadlineAt && deadlineAt > now ? deadlineAt : now, extension); // P3
        continue;
      }
      const effect = def.effects?.[action.type];
      if (effect) await effect({ tx, row, event, actor, now, policy, params: action.params });
    }

    const { type: _type, reason, ...params } = event;
    return this.write(tx, def, row, {
      snapshot,
      next,
      machine,
      to,
      machineVersion: row.machineVersion,
      deadlineAt,
      deadlineEvent,
      event: event.type,
      actor,
      reason: typeof reason === 'string' ? reason.trim() : null,
      payload: { ...params, ...options.payload },
      now,
    });
  }

  /**
   * The one place a workflow row's state is written: snapshot, state, version + 1, derived
   * columns, deadline, and the history row (P10: derived-column changes as [before, after]).
   */
  private async write<TRow extends WorkflowRow>(
    tx: Tx,
    def: WorkflowDefinition<TRow>,
    row: TRow,
    w: {
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
    },
  ): Promise<TRow> {
    const derived = def.derive(w.next, w.to) as Record<string, unknown>;
    const before = def.derive(w.snapshot, row.state) as Record<string, unknown>;
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
    const [updated] = (await tx
      .update(def.table)
      .set(values as never)
      .where(and(eq(def.table.id, row.id), eq(def.table.version, row.version)))
      .returning()) as TRow[];
    if (!updated) throw new ConflictError(`${def.entityType} ${row.id} changed concurrently`);
    await tx.insert(transitions).values({
      entityType: def.entityType,
      entityId: row.id,
      machine: def.name,
      machineVersion: w.machineVersion,
      event: w.event,
      fromState: row.state,
      toState: w.to,
      actorId: w.actor.id,
      reason: w.reason,
      payload: {
        ...w.payload,
        ...(Object.keys(changes).length > 0 && { changes }),
        ...(w.deadlineAt !== row.deadlineAt && { deadlineAt: w.deadlineAt?.toISOString() ?? null }),
      },
      createdAt: w.now,
    });
    return updated;
  }

  /**
   * P11: moves a locked row onto another machine version, into `to` (a state of that version),
   * recorded as a MIGRATE transition. A running term is kept when the state keeps the same term;
   * otherwise the new state's term starts now.
   */
  async migrateIn<TRow extends WorkflowRow>(tx: Tx, def: WorkflowDefinition<TRow>, row: TRow, target: MachineVersion, to: string, actor: Actor): Promise<TRow> {
    const now = this.clock();
    const old = machineOf(def, row);
    const snapshot = old.machine.resolveState(row.snapshot as never);
    const next = target.machine.resolveState({ value: stateValue(to), context: snapshot.context } as never);
    const before = stateDeadline(old.machine, row.state);
    const after = stateDeadline(target.machine, to);
    const keep = to === row.state && before?.term === after?.term && before?.event === after?.event;
    return this.write(tx, def, row, {
      snapshot,
      next,
      machine: target.machine,
      to,
      machineVersion: target.version,
      deadlineAt: keep ? row.deadlineAt : after ? deadlineFor(after.term, now, this.policy()) : null,
      deadlineEvent: after?.event ?? null,
      event: 'MIGRATE',
      actor,
      reason: null,
      payload: { fromVersion: row.machineVersion, toVersion: target.version },
      now,
    });
  }

  /** Why an event was refused: the rule of the first failing guard, or not legal here at all. */
  private refusal<TRow extends WorkflowRow>(
    def: WorkflowDefinition<TRow>,
    machine: AnyStateMachine,
    events: Record<string, EventInfo>,
    snapshot: AnyMachineSnapshot,
    row: TRow,
    event: EngineEvent,
    actor: Actor,
    facts: unknown,
  ): DomainError {
    const allowedEvents = this.allowedEvents(events, snapshot, actor, facts);
    const candidates = nodeChain(machine, row.state)
      .reverse()
      .flatMap((node) => node.on[event.type] ?? []);
    const details = { state: row.state, event: event.type, allowedEvents };
    for (const candidate of candidates) {
      const failed = failingGuard(machine, candidate.guard as GuardLike | undefined, snapshot, event);
      const info = failed ? def.guardRules[failed] : undefined;
      if (!info) continue;
      if (info.code === 'FORBIDDEN') return new ForbiddenError(info.message, { ...details, rule: info.rule });
      if (info.code === 'BAD_USER_INPUT') return new ValidationError({ [info.field ?? 'input']: info.message }, info.message, { ...details, rule: info.rule });
      return new IllegalTransitionError(info.message, { ...details, rule: info.rule });
    }
    return new IllegalTransitionError(`${event.type} is not possible while the ${def.entityType} is ${row.state}`, details);
  }

  /**
   * The user events this actor could send now, guards evaluated with these facts and the
   * required inputs assumed given (what a front end should offer as buttons).
   */
  allowedEvents(events: Record<string, EventInfo>, snapshot: AnyMachineSnapshot, actor: Actor, facts: unknown): string[] {
    return Object.entries(events)
      .filter(([, info]) => !info.internal)
      .filter(([type, info]) => {
        const probe: Record<string, unknown> = { type, actor, facts: { ...(facts as object), targetEligible: true } };
        for (const input of info.inputs) probe[input.name] = input.example ?? (input.type === 'Int' ? 1 : 'probe-value');
        return isLegal(snapshot, probe);
      })
      .map(([type]) => type);
  }

  /** Whether the machine would accept this event on the row as it is now (given facts, no I/O). */
  accepts<TRow extends WorkflowRow, TFacts>(def: WorkflowDefinition<TRow, TFacts>, row: TRow, event: EngineEvent, actor: Actor, facts: TFacts = def.noFacts): boolean {
    const snapshot = this.restore(def, this.project(def, row));
    return isLegal(snapshot, { ...event, actor, facts, at: this.clock().toISOString() });
  }

  /** The events this actor may send to a row now (loads facts outside any lock). */
  async available<TRow extends WorkflowRow>(def: WorkflowDefinition<TRow>, row: TRow, actor: Actor): Promise<string[]> {
    await this.ensureVersion(def, row);
    const effective = this.project(def, row);
    const facts = await def.facts(this.database.db, effective, actor, { type: '(probe)' });
    return this.allowedEvents(machineOf(def, effective).events, this.restore(def, effective), actor, facts);
  }

  /**
   * The row as it is now: a deadline that is due is applied in memory (not written), so reads
   * never show an expired protection as protected, even before the sweeper has run.
   */
  project<TRow extends WorkflowRow>(def: WorkflowDefinition<TRow>, row: TRow): TRow {
    const now = this.clock();
    if (!row.deadlineAt || !row.deadlineEvent || row.deadlineAt > now) return row;
    // Not loaded here yet (published on another instance moments ago): show the row as stored.
    if (!def.versions.has(row.machineVersion)) return row;
    const { machine } = machineOf(def, row);
    const snapshot = this.restore(def, row);
    const event = { type: row.deadlineEvent, actor: SYSTEM_SWEEPER, facts: def.noFacts, at: now.toISOString() };
    if (!isLegal(snapshot, event)) return row;
    const [next] = transition(machine, snapshot, event as never);
    const to = statePath(next.value);
    const deadline = stateDeadline(machine, to);
    return {
      ...row,
      state: to,
      snapshot: machine.getPersistedSnapshot(next) as Record<string, unknown>,
      deadlineAt: deadline ? deadlineFor(deadline.term, row.deadlineAt, this.policy()) : null,
      deadlineEvent: deadline?.event ?? null,
      ...def.derive(next, to),
    };
  }

  /** P10: an entity's transitions, newest first. */
  async history(entityId: string, args: PageArgs): Promise<Page<TransitionRow>> {
    const db = this.database.db;
    const limit = pageSize(args.first);
    const after = args.after ? decodeCursor(args.after, 1) : undefined;
    const rows = await db
      .select()
      .from(transitions)
      .where(and(eq(transitions.entityId, entityId), after ? lt(transitions.id, Number(after[0])) : undefined))
      .orderBy(desc(transitions.id))
      .limit(limit + 1);
    return toPage(rows, limit, (r) => [r.id], async () => {
      const [c] = await db.select({ n: count() }).from(transitions).where(eq(transitions.entityId, entityId));
      return c?.n ?? 0;
    });
  }

  /** Ids of rows whose deadline is due, oldest first, skipping rows another process holds. */
  async dueIds(tx: Tx, def: WorkflowDefinition, limit: number): Promise<string[]> {
    const rows = await this.database.rows<{ id: string }>(
      tx,
      sql`select ${def.table.id} as id from ${def.table} where ${def.table.deadlineAt} <= ${this.clock().toISOString()}::timestamptz order by ${def.table.deadlineAt} limit ${limit} for update skip locked`,
    );
    return rows.map((r) => r.id);
  }
}
