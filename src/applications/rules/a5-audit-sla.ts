/**
 * A5: the seeds expect a decision within about 3 days; an application still pending after the
 * audit SLA (`application.auditSla.workingDays`, counted on the working-day calendar from when
 * it was made) is overdue in the auditor's queue.
 */
import type { ApplicationRow } from '../../platform/db/schema.js';
import { addWorkingDays } from '../../workflow/policy/calendar.js';
import type { Policy } from '../../workflow/policy/policy.js';

/** The instant a pending application becomes overdue (made + SLA working days). */
export function auditDueAt(row: Pick<ApplicationRow, 'createdAt'>, policy: Policy): Date {
  return addWorkingDays(row.createdAt, policy.application.auditSla.workingDays, policy.calendar);
}

/** Pending and past its due instant at `now`. */
export function isAuditOverdue(row: Pick<ApplicationRow, 'createdAt' | 'state'>, policy: Policy, now: Date): boolean {
  return row.state === 'pending' && auditDueAt(row, policy) <= now;
}
