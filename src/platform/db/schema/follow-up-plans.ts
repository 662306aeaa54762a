/**
 * F6: follow-up plans. A next contact time opens a plan, run by the `followUpPlan` machine:
 * planned → due (at its time) → overdue → escalated, done when the next follow-up is logged,
 * cancelled (or carried to the new custodian) when custody changes. Reminders (F3) read them.
 */
import { sql } from 'drizzle-orm';
import { index, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { createdAt, ts, updatedAt, workflowColumns } from './columns.js';
import { customers, followUps } from './customers.js';
import { users } from './users.js';

export const followUpPlans = pgTable(
  'follow_up_plans',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id),
    /** Whom the plan reminds: the customer's custodian (carried with custody, per policy). */
    assigneeId: uuid('assignee_id')
      .notNull()
      .references(() => users.id),
    /** The next contact time: the plan is due then. */
    dueAt: ts('due_at').notNull(),
    /** The follow-up whose next contact time opened it (null for plans backfilled without one). */
    followUpId: uuid('follow_up_id').references(() => followUps.id),
    /** V6: the after-sale visit step it is (null: a next contact time opened it). Done only once due. */
    visitStep: text('visit_step'),
    /** The follow-up that completed it (state done). */
    doneByFollowUpId: uuid('done_by_follow_up_id').references(() => followUps.id),
    ...workflowColumns(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('follow_up_plans_customer_idx').on(t.customerId, t.state),
    index('follow_up_plans_assignee_idx').on(t.assigneeId, t.dueAt),
    index('follow_up_plans_deadline_idx').on(t.deadlineAt).where(sql`${t.deadlineAt} is not null`),
  ],
);
export type FollowUpPlanRow = typeof followUpPlans.$inferSelect;
