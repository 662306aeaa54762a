/**
 * V6: the after-sale visit plan. When a customer becomes formal (its first CONTRACT_SIGNED), its
 * after-sales custodian gets one follow-up plan per step of policy `followUp.visitPlan` (thank-you
 * visit, phone check, letter, satisfaction survey, referral request, repurchase letter), each due
 * its offset after the signing. They are follow-up plans like any other (F6: the same machine,
 * reminders, escalation, carried or cancelled with custody), except that a follow-up completes a
 * visit step only once it is due, so an early call does not tick off next month's survey.
 */
import { sql } from 'drizzle-orm';
import type { Database, Tx } from '../platform/db/client.js';
import { customers, transitions } from '../platform/db/schema.js';
import { arrayLiteral } from '../platform/db/sql.js';
import type { Actor } from '../workflow/actor.js';
import type { Moved } from '../workflow/listeners.js';
import type { Policy } from '../workflow/policy/policy.js';
import { durationToMs } from '../workflow/policy/duration.js';

/** Who opens the visit plan (the history row names the customer's CONTRACT_SIGNED). */
const VISIT_PLAN: Actor = { kind: 'system', id: null, name: 'visit-plan' };

/** A visit step's plan to open (a follow-up-plan.service PlanOpening). */
export interface VisitOpening {
  customerId: string;
  assigneeId: string;
  dueAt: Date;
  followUpId: null;
  visitStep: string;
}

/** The plans to open for the customers `moved` made formal: one per step, for their custodian now. */
export async function visitPlanOpenings(database: Database, tx: Tx, moved: Moved, policy: Policy): Promise<VisitOpening[]> {
  const steps = policy.followUp.visitPlan;
  if (steps.length === 0) return [];
  const t = transitions;
  const signed = await database.rows<{ customer_id: string; custodian_id: string | null; at: Date | string }>(
    tx,
    sql`select ${t.entityId} as customer_id, ${customers.custodianId} as custodian_id, ${t.createdAt} as at
        from ${t} join ${customers} on ${customers.id} = ${t.entityId}
        where ${t.id} = any(${arrayLiteral(moved.historyIds.map(String))}::bigint[])
          and ${t.event} = 'CONTRACT_SIGNED' and ${t.fromState} is distinct from 'formal' and ${t.toState} = 'formal'`,
  );
  return signed.flatMap((s) =>
    s.custodian_id === null
      ? [] // nobody to visit (listed as unassigned, P6): no plan
      : steps.map((step) => ({
          customerId: s.customer_id,
          assigneeId: s.custodian_id as string,
          dueAt: new Date(new Date(s.at).getTime() + durationToMs(step.after)),
          followUpId: null,
          visitStep: step.step,
        })),
  );
}

export { VISIT_PLAN };
