/**
 * The workflow engine: the only code that writes a workflow-governed row's state. It knows no
 * workflow by name: each definition supplies its rules (guards, facts, effects, terms).
 *
 * `apply` runs in one transaction: lock the row, restore the snapshot, fire a deadline that is
 * already due (so an overdue protection is treated as expired, even before the sweeper ran),
 * load the facts guards need, ask the pure machine for the next state, then write the snapshot,
 * state, version + 1, derived columns, deadline and one history row per transition.
 */
import { eq } from 'drizzle-orm';
import { initialTransition, type AnyStateMachine } from 'xstate';
import type { Clock } from '../platform/clock.js';
import type { Database, Executor, Tx } from '../platform/db/client.js';
import type { TransitionRow } from '../platform/db/schema.js';
import type { Page, PageArgs } from '../platform/pagination.js';
import { firstHistoryPages, historyPage } from './history.js';
import { ConflictError } from '../platform/errors.js';
import { SYSTEM_SWEEPER, type Actor } from './actor.js';
import type { EngineEvent } from './definition.js';
import { workflowRows, type WorkflowRow } from './table.js';
import { isLegal, statePath } from './machine-paths.js';
import type { Policy } from './policy/policy.js';
import { PolicyInForce } from './policy/overlay.js';
import { allowedEvents } from './refusal.js';
import { ReadModel } from './read-model.js';
import { alike, insertHistory, tryWriteTransition, writeTransition, type WriteSpec } from './write.js';
import type { MachineRegistry, MachineVersion } from './registry.js';
import { OFFER_EVENT, type WorkflowDefinition } from './workflow.js';
import { readRow } from './lock.js';
import { decide, deadlineOf, dueEvent, migration, projected, restore } from './step.js';
import { dueGroups, fireDueSet, inGroup, planDue, type DueGroup, type DuePlan } from './due.js';
import { holdersOf, type ReleaseListener } from './hold.js';
import { TransitionListeners, type TransitionListener } from './listeners.js';

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

export class WorkflowEngine {
  private readonly readModels = new Map<string, ReadModel>();
  private readonly releaseListeners = new Map<string, ReleaseListener<Tx>>();
  /** Told of the history rows an event wrote, in its transaction (notifications, outbox …). */
  private readonly listeners = new TransitionListeners();

  constructor(
    private readonly database: Database,
    private readonly clock: Clock,
    private readonly policy: () => Policy,
    /** Machine versions; an instance runs on the version it remembers. */
    readonly versions: MachineRegistry,
  ) {}

  /** The policy in force per instance: global, or a workflow's overlay (T2: a customer's pool's). */
  readonly policies = new PolicyInForce(() => this.policy());

  /** Who is told, in the transition's transaction, which holders a transition released (hold.ts): e.g. applications that lapse. */
  onRelease(def: { name: string }, listener: ReleaseListener<Tx>): void {
    this.releaseListeners.set(def.name, listener);
  }

  /** Adds a transition listener of a workflow (see listeners.ts). */
  onTransition = (def: { name: string }, listener: TransitionListener): void => this.listeners.add(def, listener);

  /** The read side of a workflow (effective state in SQL), one per workflow. */
  read(def: WorkflowDefinition<WorkflowRow, unknown>): ReadModel {
    let model = this.readModels.get(def.name);
    if (!model) this.readModels.set(def.name, (model = new ReadModel(this.versions, def)));
    return model;
  }

  private deadlineOf(def: WorkflowDefinition<WorkflowRow, unknown>, machine: AnyStateMachine, state: string, start: Date, row?: WorkflowRow) {
    return deadlineOf(def, machine, state, start, this.policies.for(def, row));
  }

  /** The initial snapshot and columns of a new instance (`within`: columns it will have, for the policy in force); `record` writes its history row. */
  initial<TRow extends WorkflowRow, TFacts>(def: WorkflowDefinition<TRow, TFacts>, input: unknown, within?: Partial<TRow>) {
    const { machine, version } = this.versions.current(def);
    const [snapshot] = initialTransition(machine, input);
    const state = statePath(snapshot.value);
    const now = this.clock();
    return {
      values: {
        state,
        snapshot: machine.getPersistedSnapshot(snapshot) as Record<string, unknown>,
        version: 1,
        machineVersion: version,
        ...this.deadlineOf(def, machine, state, now, within as WorkflowRow | undefined),
        ...def.derive(snapshot, state),
      },
      /** A CREATE history row per id, in one statement (`reasons`: one for all, or one per id). */
      record: async (tx: Executor, ids: string | readonly string[], actor: Actor, reasons?: string | null | readonly (string | null)[]) => {
        const created = { machineVersion: version, event: 'CREATE', from: null, to: state, actor, payload: {}, at: now };
        await this.listeners.tell(tx, def, 'CREATE', await insertHistory(tx, def, alike(ids, created, reasons)));
      },
    };
  }

  /** Applies one event in its own transaction. */
  async apply<TRow extends WorkflowRow, TFacts>(
    def: WorkflowDefinition<TRow, TFacts>,
    id: string,
    event: EngineEvent,
    actor: Actor,
    options: ApplyOptions = {},
  ): Promise<ApplyResult<TRow>> {
    // Optimistic first (two statements, no transaction to hold); a row that keeps moving, or an
    // event that needs a lock, goes the locked way.
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const result = await this.applyUnlocked(def, id, event, actor, options);
      if (result === 'locked') break;
      if (result !== 'changed') return result;
    }
    return this.database.db.transaction((tx) => this.applyIn(tx, def, id, event, actor, options));
  }

  /** Applies one event inside a transaction the caller owns (e.g. an audit decision, A4). */
  async applyIn<TRow extends WorkflowRow, TFacts>(
    tx: Tx,
    def: WorkflowDefinition<TRow, TFacts>,
    id: string,
    event: EngineEvent,
    actor: Actor,
    options: ApplyOptions = {},
  ): Promise<ApplyResult<TRow>> {
    const now = this.clock();
    // Facts selected with the row read the global policy (the row is not read yet); the rest reads the row's.
    const { row: locked, selected } = await readRow(tx, def, id, true, { actor, event, now, policy: this.policies.for(def) });
    await this.versions.ensure(def, locked.machineVersion);
    this.expectVersion(def, locked, options);
    const from = locked.state;
    let row = locked;
    const due = dueEvent(this.versions, def, row, now);
    if (due && event.type !== due.type) {
      row = await this.step(tx, def, row, due, SYSTEM_SWEEPER, now, { payload: { dueAt: due.dueAt, firedBy: 'late' } });
    }
    // Facts selected with the lock describe the row as locked; after a late firing they are read again.
    row = await this.step(tx, def, row, event, actor, now, options, row === locked ? selected : undefined);
    return { row, from, to: row.state };
  }

  /** Fires one row's deadline if still due (the sweeper's unit); false when another process got there first or it moved. */
  async fireDueDeadline<TRow extends WorkflowRow, TFacts>(tx: Tx, def: WorkflowDefinition<TRow, TFacts>, id: string): Promise<boolean> {
    const [row] = workflowRows<TRow>(await tx.select().from(def.table).where(eq(def.table.id, id)).for('update', { skipLocked: true }));
    if (!row) return false;
    await this.versions.ensure(def, row.machineVersion);
    const now = this.clock();
    const due = dueEvent(this.versions, def, row, now);
    if (!due) return false;
    await this.step(tx, def, row, due, SYSTEM_SWEEPER, now, { payload: { dueAt: due.dueAt } });
    return true;
  }

  /** Due rows of a workflow grouped by (version, state, deadline event), oldest first. */
  dueGroups(def: WorkflowDefinition<WorkflowRow, unknown>): Promise<DueGroup[]> {
    return dueGroups(this.database, def, this.clock());
  }

  /**
   * Fires one batch (up to `limit`) of a group's due deadlines with one statement, the
   * transition computed once for the group (see due.ts). A plan of kind `row` fires nothing:
   * the caller fires that group row by row (`fireDueDeadline`); `illegal`: the version's
   * machine does not accept the deadline event in that state.
   */
  async fireDueBatch(
    def: WorkflowDefinition<WorkflowRow, unknown>,
    group: DueGroup,
    limit: number,
  ): Promise<{ plan: DuePlan['kind']; fired: number; why?: string }> {
    await this.versions.ensure(def, group.version);
    const now = this.clock();
    const [sample] = workflowRows(
      await this.database.db
        .select()
        .from(def.table)
        .where(inGroup(def, group, now))
        .orderBy(def.table.deadlineAt)
        .limit(1),
    );
    if (!sample) return { plan: 'set', fired: 0 };
    const mv = this.versions.machineOf(def, sample);
    const plan = planDue(def, mv, sample, group.event, now, (state, start) => this.deadlineOf(def, mv.machine, state, start));
    if (plan.kind === 'row') return { plan: plan.kind, fired: 0, why: plan.why };
    if (plan.kind === 'illegal') return { plan: plan.kind, fired: 0 };
    const fire = (executor: Executor) => fireDueSet(executor, def, group, plan, now, limit);
    if (!this.listeners.wants(def, group.event)) return { plan: plan.kind, fired: (await fire(this.database.db)).length };
    // Listened to: the set and what its listeners write commit together.
    const fired = await this.database.db.transaction(async (tx) => {
      const ids = await fire(tx);
      await this.listeners.tell(tx, def, group.event, ids);
      return ids.length;
    });
    return { plan: plan.kind, fired };
  }

  private async step<TRow extends WorkflowRow, TFacts>(
    tx: Tx,
    def: WorkflowDefinition<TRow, TFacts>,
    row: TRow,
    event: EngineEvent,
    actor: Actor,
    now: Date,
    options: ApplyOptions,
    selected?: Record<string, unknown>,
  ): Promise<TRow> {
    const policy = this.policies.for(def, row);
    const facts = await def.facts({ executor: tx, row, actor, event, now, policy, read: this.read(def) }, selected);
    const decided = decide(def, this.versions.machineOf(def, row), row, event, actor, now, facts, policy);
    let deadlineAt = decided.deadlineAt;
    for (const { run, params } of decided.effects) {
      const result = await run({ tx, row: decided.row, event, actor, now, policy, params, deadlineAt });
      if (result) deadlineAt = result.deadlineAt;
    }
    return this.write(tx, def, row, decided.write(deadlineAt, options.payload), now);
  }

  /** Writes a locked row's transition, then tells its listeners and the release listener (which holders it released). */
  private async write<TRow extends WorkflowRow>(tx: Tx, def: WorkflowDefinition<TRow, unknown>, before: TRow, spec: WriteSpec, now: Date): Promise<TRow> {
    const { row, historyId } = await writeTransition(tx, def, before, spec);
    await this.listeners.tell(tx, def, spec.event, [historyId]);
    const holders = spec.released ?? [];
    const listener = this.releaseListeners.get(def.name);
    if (listener && holders.length > 0) await listener(tx, { row, from: before.state, to: row.state, holders, now });
    return row;
  }

  /**
   * One event without a transaction of its own, when nothing calls for a lock: the row and the
   * facts its rules select are read in one statement, the machine decides, and one statement
   * writes the row and its history only if the row's version is still the one read. Returns
   * `locked` when the event takes the locked path (a rule loads facts behind a lock, the event
   * may set off effects, or a due deadline fires first), `changed` when the row moved meanwhile.
   */
  private async applyUnlocked<TRow extends WorkflowRow, TFacts>(
    def: WorkflowDefinition<TRow, TFacts>,
    id: string,
    event: EngineEvent,
    actor: Actor,
    options: ApplyOptions,
  ): Promise<ApplyResult<TRow> | 'locked' | 'changed'> {
    const now = this.clock();
    const listened = this.listeners.wants(def, event.type);
    if (listened || def.loadsFacts({ actor, event, policy: this.policies.for(def) }) || this.versions.mayHaveEffects(def, event.type)) return 'locked';
    const { row, selected } = await readRow(this.database.db, def, id, false, { actor, event, now, policy: this.policies.for(def) });
    await this.versions.ensure(def, row.machineVersion);
    this.expectVersion(def, row, options);
    // A held row's transition may release holders, which their listener closes in a transaction.
    if (dueEvent(this.versions, def, row, now) || holdersOf(row.snapshot).length > 0) return 'locked';
    const policy = this.policies.for(def, row);
    const facts = await def.facts({ executor: this.database.db, row, actor, event, now, policy, read: this.read(def) }, selected);
    const decided = decide(def, this.versions.machineOf(def, row), row, event, actor, now, facts, policy);
    if (decided.effects.length > 0) return 'locked';
    const written = await tryWriteTransition(this.database.db, def, row, decided.write(decided.deadlineAt, options.payload));
    return written ? { row: written.row, from: row.state, to: written.row.state } : 'changed';
  }

  private expectVersion(def: WorkflowDefinition<WorkflowRow, unknown>, row: WorkflowRow, options: ApplyOptions): void {
    if (options.expectedVersion != null && options.expectedVersion !== row.version) {
      throw new ConflictError(`${def.entityType} ${row.id} has changed (version ${row.version}, you had ${options.expectedVersion}); reload and retry`, {
        currentVersion: row.version,
      });
    }
  }

  /** P11: moves a locked row onto another version's state `to`, recorded as MIGRATE (a running
   *  term is kept when the state keeps the same term; otherwise the new state's term starts now). */
  async migrateIn<TRow extends WorkflowRow, TFacts>(
    tx: Tx,
    def: WorkflowDefinition<TRow, TFacts>,
    row: TRow,
    target: MachineVersion,
    to: string,
    actor: Actor,
  ): Promise<TRow> {
    const now = this.clock();
    return this.write(tx, def, row, migration(def, this.versions.machineOf(def, row), target, row, to, actor, now, this.policies.for(def, row)), now);
  }

  /** P10: an entity's transitions, newest first. */
  history = (entityId: string, args: PageArgs): Promise<Page<TransitionRow>> => historyPage(this.database, entityId, args);

  /** The first `first` history rows of each entity, one statement for them all (lists showing each row's history). */
  firstHistoryPages = (ids: readonly string[], first: number): Promise<Page<TransitionRow>[]> => firstHistoryPages(this.database, ids, first);

  /** Whether the machine would accept this event on the row as it is now (given facts, no I/O). */
  accepts<TRow extends WorkflowRow, TFacts>(
    def: WorkflowDefinition<TRow, TFacts>,
    row: TRow,
    event: EngineEvent,
    actor: Actor,
    facts: TFacts = def.noFacts,
  ): boolean {
    const now = this.project(def, row);
    const snapshot = restore(this.versions.machineOf(def, now), now);
    return isLegal(snapshot, { ...event, actor, facts, at: this.clock().toISOString() });
  }

  /** The facts guards would read for this actor and event on this row now, outside any lock (`selected`, `offered`: see WorkflowDefinition.facts). */
  facts<TRow extends WorkflowRow, TFacts>(
    def: WorkflowDefinition<TRow, TFacts>,
    row: TRow,
    actor: Actor,
    event: EngineEvent = { type: OFFER_EVENT },
    selected?: Record<string, unknown>,
    offered = false,
  ): Promise<TFacts> {
    const request = { executor: this.database.db, row, actor, event, now: this.clock(), policy: this.policies.for(def, row), read: this.read(def) };
    return def.facts(request, selected, offered);
  }

  /** The facts offering this actor its actions reads, for a list's rows as they are now: one statement per fact rule (lists). */
  async offeredFacts<TRow extends WorkflowRow>(def: WorkflowDefinition<TRow, unknown>, rows: readonly TRow[], actor: Actor) {
    for (const v of new Set(rows.map((r) => r.machineVersion))) await this.versions.ensure(def, v);
    const request = { executor: this.database.db, actor, now: this.clock(), read: this.read(def) };
    const projected = rows.map((r) => this.project(def, r));
    return this.policies.grouped(def, projected, (policy, group) => def.offeredFacts({ ...request, policy, rows: group }));
  }

  /** The events this actor may send to a row now (facts outside any lock; `offered`: this row's part of offeredFacts). */
  async available<TRow extends WorkflowRow, TFacts>(
    def: WorkflowDefinition<TRow, TFacts>,
    row: TRow,
    actor: Actor,
    offered?: Record<string, unknown>,
  ): Promise<string[]> {
    await this.versions.ensure(def, row.machineVersion);
    const effective = this.project(def, row);
    const facts = await this.facts(def, effective, actor, { type: OFFER_EVENT }, offered, offered !== undefined);
    const mv = this.versions.machineOf(def, effective);
    return allowedEvents(mv.events, restore(mv, effective), actor, facts, this.clock().toISOString());
  }

  /**
   * The row as it is now: a deadline that is due is applied in memory (not written), so reads
   * never show an expired protection as protected, even before the sweeper has run; when nothing
   * is due, the row itself with no policy looked up (a list projects each of its rows).
   */
  project<TRow extends WorkflowRow, TFacts>(def: WorkflowDefinition<TRow, TFacts>, row: TRow): TRow {
    if (!row.deadlineAt || row.deadlineAt > this.clock()) return row;
    return projected(this.versions, def, row, this.clock(), this.policies.for(def, row));
  }
}
