/**
 * Deadlines that failed to fire: counted, backed off and listed (issue 13). A row whose deadline
 * event fails is skipped by the sweeper until its back-off passes (1 minute, doubling, at most an
 * hour), so it never holds up other rows; from `STUCK_AFTER` attempts on it is listed for
 * administrators and designers. Firing it clears the record.
 */
import { and, asc, gte, inArray, isNull, sql } from 'drizzle-orm';
import type { Database, Executor } from '../platform/db/client.js';
import { deadlineFailures, type DeadlineFailureRow } from '../platform/db/schema.js';

/** Attempts after which a failing deadline is listed as stuck. */
export const STUCK_AFTER = 5;
/** The longest back-off between attempts, in minutes. */
const MAX_BACKOFF_MINUTES = 60;

/** Records one more failed attempt of a row's deadline event (in the sweeper's transaction). */
export async function recordFailure(executor: Executor, machine: string, entityId: string, event: string, error: unknown, now: Date): Promise<void> {
  const message = (error instanceof Error ? error.message : String(error)).slice(0, 1000);
  const at = sql`${now.toISOString()}::timestamptz`;
  await executor
    .insert(deadlineFailures)
    .values({
      machine,
      entityId,
      event,
      attempts: 1,
      lastError: message,
      firstFailedAt: now,
      lastFailedAt: now,
      nextAttemptAt: new Date(now.getTime() + 60_000),
    })
    .onConflictDoUpdate({
      target: [deadlineFailures.machine, deadlineFailures.entityId],
      targetWhere: isNull(deadlineFailures.resolvedAt),
      set: {
        attempts: sql`${deadlineFailures.attempts} + 1`,
        event,
        lastError: message,
        lastFailedAt: now,
        nextAttemptAt: sql`${at} + least(${MAX_BACKOFF_MINUTES}, power(2, ${deadlineFailures.attempts})) * interval '1 minute'`,
      },
    });
}

/** Clears the failure records of rows whose deadline has now fired. */
export async function resolveFailures(executor: Executor, machine: string, entityIds: readonly string[], now: Date): Promise<void> {
  if (entityIds.length === 0) return;
  await executor
    .update(deadlineFailures)
    .set({ resolvedAt: now })
    .where(and(sql`${deadlineFailures.machine} = ${machine}`, inArray(deadlineFailures.entityId, [...entityIds]), isNull(deadlineFailures.resolvedAt)));
}

/** Deadlines that failed `STUCK_AFTER` times or more and have not fired since, oldest first. */
export function stuckDeadlines(database: Database): Promise<DeadlineFailureRow[]> {
  return database.db
    .select()
    .from(deadlineFailures)
    .where(and(isNull(deadlineFailures.resolvedAt), gte(deadlineFailures.attempts, STUCK_AFTER)))
    .orderBy(asc(deadlineFailures.firstFailedAt), asc(deadlineFailures.id));
}
