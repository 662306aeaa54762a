/**
 * F6: follow-up plans. A follow-up's next contact time opens a plan for the customer's
 * custodian; the next follow-up completes it (DONE), in the same transaction. A custody change
 * (any customer event whose history row changes `custodianId`) cancels the customer's open plans
 * or carries them to the new custodian, per policy `followUp.onCustodyChange`, in the
 * transaction of that change (engine transition listener). Reminders (F3) are read from plans.
 */
import { and, asc, desc, eq, getTableColumns, gte, inArray, lt, sql, type SQL } from 'drizzle-orm';
import type { Database, Executor, Tx } from '../platform/db/client.js';
import { customers, followUpPlans, transitions, type CustomerRow, type FollowUpPlanRow } from '../platform/db/schema.js';
import { invariant } from '../platform/invariant.js';
import { NotFoundError } from '../platform/errors.js';
import type { Clock } from '../platform/clock.js';
import { arrayLiteral } from '../platform/db/sql.js';
import { firstRowsPerParent } from '../platform/db/first-rows.js';
import { builtOnce, rowReader, selectListOf } from '../platform/db/read-rows.js';
import { groupedBy } from '../platform/grouped.js';
import type { Viewer } from '../platform/auth/viewer.js';
import type { Actor } from '../workflow/actor.js';
import type { WorkflowEngine } from '../workflow/engine.js';
import type { WorkflowDefinition } from '../workflow/workflow.js';
import type { Moved } from '../workflow/listeners.js';
import type { Policy } from '../workflow/policy/policy.js';
import { durationToMs } from '../workflow/policy/duration.js';
import { startOfLocalDay } from '../workflow/policy/calendar.js';
import { OPEN_PLAN_STATES, type FollowUpPlanFacts } from './follow-up-plan.machine.js';
import { VISIT_PLAN, visitPlanOpenings } from './visit-plan.js';

/** Customer events that may change its custodian (P1, P2, P5, P6, P9, P11); a CLAIM takes a pool customer, whose plans were cancelled when it left custody (and keeps its lock-free path). */
export const CUSTODY_EVENTS = ['TRANSFER', 'ABANDON', 'TERM_EXPIRED', 'REJECTION_LAPSED', 'INACTIVITY_EXPIRED', 'CONTRACT_SIGNED', 'MIGRATE'] as const;

/** Who cancels or carries plans when custody changes (the history row names the customer's event). */
const CUSTODY: Actor = { kind: 'system', id: null, name: 'custody' };

/** Each customer's plans, newest first (open ones only, or all): statements built once. */
const planRows = rowReader<FollowUpPlanRow>(getTableColumns(followUpPlans));
const planPagesOf = (where?: SQL) =>
  builtOnce(() =>
    firstRowsPerParent({
      table: followUpPlans,
      parent: followUpPlans.customerId,
      orderBy: [desc(followUpPlans.createdAt), desc(followUpPlans.dueAt), desc(followUpPlans.id)],
      selectList: selectListOf(getTableColumns(followUpPlans)),
      ids: sql.placeholder('ids'),
      limit: sql.placeholder('limit'),
      where,
    }),
  );
const planPages = planPagesOf();
const openPlanPages = planPagesOf(inArray(followUpPlans.state, [...OPEN_PLAN_STATES]));

const DAY_MS = 86_400_000;

/** One reminder: a customer and the plan that puts it on the list (none for expiring terms). */
export interface ReminderEntry {
  customer: CustomerRow;
  plan: FollowUpPlanRow | null;
}

/** What opens a plan. */
export interface PlanOpening {
  customerId: string;
  assigneeId: string;
  dueAt: Date;
  followUpId: string | null;
  /** V6: the visit step it is (absent: a next contact time). */
  visitStep?: string | null;
}

export class FollowUpPlanService {
  constructor(
    private readonly database: Database,
    private readonly engine: WorkflowEngine,
    private readonly def: WorkflowDefinition<FollowUpPlanRow, FollowUpPlanFacts>,
    private readonly clock: Clock,
    private readonly policy: () => Policy,
  ) {}

  /** Listens to the customer workflow: custody changes cancel or carry open plans, in their transaction. */
  listenTo(customerWorkflow: { name: string }): this {
    this.engine.onTransition(customerWorkflow, { events: CUSTODY_EVENTS, written: (tx, moved) => this.custodyChanged(tx, moved) });
    // V6: after the custody listener, so the new formal customer's visit plan is not carried or cancelled by its own signing.
    this.engine.onTransition(customerWorkflow, {
      events: ['CONTRACT_SIGNED'],
      written: async (tx, moved) => {
        for (const opening of await visitPlanOpenings(this.database, tx as Tx, moved, this.policy())) await this.openIn(tx as Tx, opening, VISIT_PLAN);
      },
    });
    return this;
  }

  /** The plan as reads show it now (a due deadline applied). */
  project(row: FollowUpPlanRow): FollowUpPlanRow {
    return this.engine.project(this.def, row);
  }

  async get(id: string): Promise<FollowUpPlanRow> {
    const [row] = await this.database.db.select().from(followUpPlans).where(eq(followUpPlans.id, id));
    if (!row) throw new NotFoundError('FollowUpPlan', id);
    return row;
  }

  /** F6: opens a plan (state planned, due at `dueAt`) and records its CREATE, inside `tx`. */
  async openIn(tx: Tx, opening: PlanOpening, actor: Actor): Promise<FollowUpPlanRow> {
    const { values, record } = this.engine.initial(this.def, { customerId: opening.customerId });
    // `planned` ends at the next contact time itself (term nextContactTime): the row's own time,
    // not a policy term; an initial state without a deadline (a designer's version) keeps none.
    const deadlineAt = values.deadlineEvent ? opening.dueAt : values.deadlineAt;
    const [row] = await tx
      .insert(followUpPlans)
      .values({ ...opening, ...values, deadlineAt, createdAt: this.clock(), updatedAt: this.clock() })
      .returning();
    invariant(row, 'insert … returning gives the row');
    await record(tx, row.id, actor);
    return row;
  }

  /** F6: a follow-up was logged: the customer's open plans are done, by it (inside `tx`); V6's visit steps only once due. */
  async completeIn(tx: Tx, customerId: string, followUpId: string, actor: Actor): Promise<number> {
    const open = (await this.openOf(tx, [customerId])).filter((p) => p.visitStep === null || this.project(p).state !== 'planned');
    for (const plan of open) {
      await this.engine.applyIn(tx, this.def, plan.id, { type: 'DONE', followUpId }, actor);
      await tx.update(followUpPlans).set({ doneByFollowUpId: followUpId }).where(eq(followUpPlans.id, plan.id));
    }
    return open.length;
  }

  /**
   * The open plans of customers, the earliest due first: a fixed order, so that the transitions
   * they are given (and their history ids) do not follow the rows' places in the heap.
   */
  private openOf(executor: Executor, customerIds: string[]): Promise<FollowUpPlanRow[]> {
    const p = followUpPlans;
    return executor
      .select()
      .from(p)
      .where(and(inArray(p.customerId, customerIds), inArray(p.state, [...OPEN_PLAN_STATES])))
      .orderBy(p.dueAt, p.createdAt, p.id);
  }

  /**
   * F6: the customer events `moved` wrote: where one changed the custodian, the customer's open
   * plans are carried to the new custodian (policy CARRY, when there is one) or cancelled. The
   * plans are found with one statement for the whole set (a sweeper batch of expired terms).
   */
  private async custodyChanged(tx: Executor, moved: Moved): Promise<void> {
    const t = transitions;
    const p = followUpPlans;
    const ids = arrayLiteral(moved.historyIds.map(String));
    const rows = await this.database.rows<{ plan_id: string; assignee_id: string; to_user: string | null; history_id: number }>(
      tx,
      sql`select ${p.id} as plan_id, ${p.assigneeId} as assignee_id, ${t.payload} -> 'changes' -> 'custodianId' ->> 1 as to_user, ${t.id} as history_id
          from ${t} join ${p} on ${p.customerId} = ${t.entityId}
          where ${t.id} = any(${ids}::bigint[]) and (${t.payload} -> 'changes' -> 'custodianId') is not null
            and ${p.state} in (${sql.join(
              OPEN_PLAN_STATES.map((s) => sql`${s}`),
              sql`, `,
            )})
          order by ${t.id}, ${p.dueAt}, ${p.createdAt}, ${p.id}`,
    );
    const carry = this.policy().followUp.onCustodyChange === 'CARRY';
    // Listeners run in the transaction of the transition (a Tx whenever rows may move).
    const within = tx as Tx;
    for (const r of rows) {
      const payload = { customerTransition: Number(r.history_id) };
      if (carry && r.to_user) {
        if (r.to_user === r.assignee_id) continue;
        await this.engine.applyIn(within, this.def, r.plan_id, { type: 'CARRY', toUserId: r.to_user }, CUSTODY, {
          payload: { ...payload, changes: { assigneeId: [r.assignee_id, r.to_user] } },
        });
        await within.update(p).set({ assigneeId: r.to_user }).where(eq(p.id, r.plan_id));
      } else {
        await this.engine.applyIn(within, this.def, r.plan_id, { type: 'CANCEL' }, CUSTODY, { payload });
      }
    }
  }

  /** Each customer's plans, newest first (at most `first` each; `open` keeps the open ones), in one statement. */
  async ofCustomers(customerIds: readonly string[], open: boolean, first: number): Promise<FollowUpPlanRow[][]> {
    const rows = await planRows.run(this.database, this.database.db, (open ? openPlanPages : planPages)(), { ids: arrayLiteral(customerIds), limit: first });
    return groupedBy(customerIds, rows, (plan) => plan.customerId);
  }

  /**
   * F3 from F6: the viewer's open plans on customers they hold, by state now — overdue (overdue
   * or escalated, or a planned one never swept whose grace has passed too), today (due, or
   * planned before the end of the local day), upcoming (planned later, before `until`).
   */
  async reminders(viewer: Viewer, heldBy: SQL, from: Date | null, until: Date) {
    const now = this.clock();
    const policy = this.policy();
    const endOfToday = new Date(startOfLocalDay(new Date(now.getTime() + DAY_MS), policy.calendar.timeZone));
    const graceEnded = now.getTime() - durationToMs(policy.followUp.grace);
    const p = followUpPlans;
    const rows = await this.database.db
      .select({ plan: p, customer: customers, now: this.engine.read(this.def).state(now).mapWith(String) })
      .from(p)
      .innerJoin(customers, eq(customers.id, p.customerId))
      .where(and(eq(p.assigneeId, viewer.id), heldBy, inArray(p.state, [...OPEN_PLAN_STATES]), from ? gte(p.dueAt, from) : undefined, lt(p.dueAt, until)))
      .orderBy(asc(p.dueAt), asc(p.id))
      .limit(500);
    const overdue: ReminderEntry[] = [];
    const today: ReminderEntry[] = [];
    const upcoming: ReminderEntry[] = [];
    for (const r of rows) {
      const entry = { customer: r.customer, plan: r.plan };
      const late = r.now === 'overdue' || r.now === 'escalated' || (r.plan.state === 'planned' && r.plan.dueAt.getTime() <= graceEnded);
      if (late) overdue.push(entry);
      else if (r.now === 'due' || r.plan.dueAt < endOfToday) today.push(entry);
      else upcoming.push(entry);
    }
    return { overdue, today, upcoming };
  }
}
