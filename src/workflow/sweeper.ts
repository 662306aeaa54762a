/**
 * The deadline sweeper: fires due deadlines as events through the engine. Each batch locks
 * due rows with FOR UPDATE SKIP LOCKED, so several processes may sweep one database and each
 * deadline fires exactly once; each row's transition runs in a savepoint of its own, so one
 * failure does not undo the others. Deadlines that passed while no process ran fire on the
 * first sweep.
 */
import { sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Clock } from '../platform/clock.js';
import type { Database, Tx } from '../platform/db/client.js';
import type { WorkflowRow } from './table.js';
import type { WorkflowEngine } from './engine.js';
import type { WorkflowDefinition } from './workflow.js';

export interface SweepResult {
  fired: number;
  failed: number;
}

export class Sweeper {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<SweepResult> | undefined;

  constructor(
    private readonly database: Database,
    private readonly engine: WorkflowEngine,
    private readonly clock: Clock,
    private readonly definitions: readonly WorkflowDefinition<WorkflowRow, unknown>[],
    private readonly logger: Logger,
    private readonly batchSize = 200,
  ) {}

  /** Ids of rows whose deadline is due, oldest first, skipping rows another process holds. */
  private async dueIds(tx: Tx, def: WorkflowDefinition<WorkflowRow, unknown>): Promise<string[]> {
    const t = def.table;
    const rows = await this.database.rows<{ id: string }>(
      tx,
      sql`select ${t.id} as id from ${t} where ${t.deadlineAt} <= ${this.clock().toISOString()}::timestamptz order by ${t.deadlineAt} limit ${this.batchSize} for update skip locked`,
    );
    return rows.map((r) => r.id);
  }

  /** Sweeps until nothing is due (or only rows that failed this time remain). */
  async sweepOnce(): Promise<SweepResult> {
    if (this.running) return this.running;
    this.running = this.sweep().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async sweep(): Promise<SweepResult> {
    const total: SweepResult = { fired: 0, failed: 0 };
    // Only machines with timed states (in any loaded version) need sweeping.
    for (const def of this.definitions.filter((d) => this.engine.versions.isTimed(d))) {
      for (;;) {
        const batch = await this.database.db.transaction(async (tx) => {
          const ids = await this.dueIds(tx, def);
          const result: SweepResult = { fired: 0, failed: 0 };
          for (const id of ids) {
            try {
              if (await tx.transaction((sp) => this.engine.fireDueDeadline(sp, def, id))) result.fired += 1;
            } catch (err) {
              result.failed += 1;
              this.logger.error({ err, workflow: def.name, id }, 'deadline could not fire');
            }
          }
          return { ...result, size: ids.length };
        });
        total.fired += batch.fired;
        total.failed += batch.failed;
        if (batch.size < this.batchSize || batch.fired === 0) break;
      }
    }
    if (total.fired > 0 || total.failed > 0) this.logger.info(total, 'deadline sweep');
    return total;
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
