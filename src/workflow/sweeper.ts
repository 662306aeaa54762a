/**
 * The deadline sweeper: fires due deadlines through the engine, set-based. Due rows are grouped
 * by (machine version, state, deadline event); the engine computes each group's transition once
 * and applies it to a batch of the group's rows with one statement (due.ts), locking them with
 * FOR UPDATE SKIP LOCKED, so several processes may sweep one database and each deadline fires
 * exactly once, and a process killed mid-batch leaves its batch untouched (the statement is
 * atomic). A group whose transition depends on the row (see due.ts) is fired row by row, each
 * in a savepoint; a row that fails is logged and left for the next sweep, without holding up
 * the rows behind it. Deadlines that passed while no process ran fire on the first sweep.
 */
import { sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Clock } from '../platform/clock.js';
import type { Database, Tx } from '../platform/db/client.js';
import type { WorkflowRow } from './table.js';
import type { WorkflowEngine } from './engine.js';
import type { WorkflowDefinition } from './workflow.js';
import { inGroup, type DueGroup } from './due.js';
import { recordFailure, resolveFailures, stuckDeadlines } from './failures.js';

export interface SweepResult {
  fired: number;
  failed: number;
}

type AnyDefinition = WorkflowDefinition<WorkflowRow, unknown>;

/** What one sweep of a workflow remembers: groups it cannot fire. Rows that fail back off (failures.ts). */
interface SweepMemory {
  skipGroups: Set<string>;
}

const groupKey = (g: DueGroup) => `${g.version}\u0000${g.state}\u0000${g.event}`;

export class Sweeper {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<SweepResult> | undefined;

  constructor(
    private readonly database: Database,
    private readonly engine: WorkflowEngine,
    private readonly clock: Clock,
    private readonly definitions: readonly AnyDefinition[],
    private readonly logger: Logger,
    /** Rows per statement (set-based) or per transaction (row by row). */
    private readonly batchSize = 2_000,
    /** What else each sweep does once the deadlines are fired (e.g. the warnings no transition causes); each returns how many rows it wrote. */
    private readonly also: readonly { name: string; run: () => Promise<number> }[] = [],
    /** What each sweep does before it fires deadlines, e.g. arming deadlines computed by a statement (T3's inactivity); each returns how many rows it wrote. */
    private readonly before: readonly { name: string; run: () => Promise<number> }[] = [],
  ) {}

  /** Sweeps until nothing is due (or only rows that cannot fire now remain). */
  async sweepOnce(): Promise<SweepResult> {
    if (this.running) return this.running;
    this.running = this.sweep().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async sweep(): Promise<SweepResult> {
    const total: SweepResult = { fired: 0, failed: 0 };
    for (const task of this.before) {
      // A task that fails is logged and tried again at the next sweep; the deadlines still fire.
      await task.run().catch((err: unknown) => this.logger.error({ err, task: task.name }, 'sweep task failed'));
    }
    // Only machines with timed states (in any loaded version) need sweeping.
    for (const def of this.definitions.filter((d) => this.engine.versions.isTimed(d))) {
      const memory: SweepMemory = { skipGroups: new Set() };
      for (;;) {
        const groups = (await this.engine.dueGroups(def)).filter((g) => !memory.skipGroups.has(groupKey(g)));
        let fired = 0;
        for (const group of groups) fired += await this.fireGroup(def, group, memory, total);
        total.fired += fired;
        if (fired === 0) break;
      }
    }
    if (total.fired > 0 || total.failed > 0) this.logger.info(total, 'deadline sweep');
    for (const task of this.also) {
      // A task that fails is logged and tried again at the next sweep; the deadlines are already fired.
      await task.run().catch((err: unknown) => this.logger.error({ err, task: task.name }, 'sweep task failed'));
    }
    return total;
  }

  /** Fires a group's due rows in batches; returns how many fired. */
  private async fireGroup(def: AnyDefinition, group: DueGroup, memory: SweepMemory, total: SweepResult): Promise<number> {
    let fired = 0;
    for (;;) {
      let batch;
      try {
        batch = await this.engine.fireDueBatch(def, group, this.batchSize);
      } catch (err) {
        // A set-based statement failed as a whole (nothing changed): find the row, one at a time.
        this.logger.warn({ err, workflow: def.name, group }, 'set-based deadline batch failed; firing row by row');
        return fired + (await this.fireRows(def, group, total));
      }
      if (batch.plan === 'illegal') {
        memory.skipGroups.add(groupKey(group));
        this.logger.error({ workflow: def.name, group }, 'the machine does not accept this deadline event; left due');
        return fired;
      }
      if (batch.plan === 'row') return fired + (await this.fireRows(def, group, total));
      fired += batch.fired;
      if (batch.fired < this.batchSize) return fired;
    }
  }

  /** Ids of a group's due rows, oldest first, skipping rows another process holds and rows backing off after a failure. */
  private async dueIds(tx: Tx, def: AnyDefinition, group: DueGroup): Promise<string[]> {
    const t = def.table;
    const rows = await this.database.rows<{ id: string }>(
      tx,
      sql`select ${t.id} as id from ${t} where ${inGroup(def, group, this.clock())} order by ${t.deadlineAt} limit ${this.batchSize} for update skip locked`,
    );
    return rows.map((r) => r.id);
  }

  /**
   * A group row by row, each in a savepoint: one failure does not undo or hold up the others. A
   * row that fails is recorded and backs off; one that fires clears its record.
   */
  private async fireRows(def: AnyDefinition, group: DueGroup, total: SweepResult): Promise<number> {
    let fired = 0;
    for (;;) {
      const batch = await this.database.db.transaction(async (tx) => {
        const ids = await this.dueIds(tx, def, group);
        const done: string[] = [];
        for (const id of ids) {
          try {
            if (await tx.transaction((sp) => this.engine.fireDueDeadline(sp, def, id))) done.push(id);
          } catch (err) {
            total.failed += 1;
            this.logger.error({ err, workflow: def.name, id }, 'deadline could not fire');
            await recordFailure(tx, def.name, id, group.event, err, this.clock());
          }
        }
        await resolveFailures(tx, def.name, done, this.clock());
        return { size: ids.length, fired: done.length };
      });
      fired += batch.fired;
      if (batch.size < this.batchSize) return fired;
    }
  }

  /** Deadlines that keep failing (see failures.ts). */
  stuck() {
    return stuckDeadlines(this.database);
  }

  start(intervalMs: number): void {
    if (intervalMs <= 0 || this.timer) return;
    const tick = () => {
      this.sweepOnce().catch((err: unknown) => this.logger.error({ err }, 'deadline sweep failed'));
    };
    this.timer = setInterval(tick, intervalMs);
    this.timer.unref();
    tick();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => undefined);
  }
}
