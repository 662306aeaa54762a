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

/**
 * The instant at `now` before which a pending application was made exactly when it is overdue:
 * `isAuditOverdue(row) ⇔ row.createdAt < overdueMadeBefore(now)`, so the queue filters in SQL.
 * The due instant never decreases as the making instant grows (A5 counts whole working days and
 * keeps the time of day), so the set of overdue making instants is everything before one
 * instant; it is found to the millisecond by bisection over `auditDueAt` itself.
 */
export function overdueMadeBefore(policy: Policy, now: Date): Date {
  const due = (ms: number) => auditDueAt({ createdAt: new Date(ms) }, policy).getTime();
  const end = now.getTime();
  // The SLA is at least one working day, so an application made now is not yet due.
  let notYet = end;
  let span = (policy.application.auditSla.workingDays + 1) * 86_400_000;
  let overdue = end - span;
  while (due(overdue) > end) {
    span *= 2;
    overdue = end - span;
  }
  while (notYet - overdue > 1) {
    const mid = Math.floor((overdue + notYet) / 2);
    if (due(mid) <= end) overdue = mid;
    else notYet = mid;
  }
  return new Date(notYet);
}
