/** Reading (and locking) a workflow row for a transition, with the facts its rules select, in one statement. */
import { eq, getTableColumns, getTableName, sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../platform/db/client.js';
import { NotFoundError } from '../platform/errors.js';
import { invariant } from '../platform/invariant.js';
import { workflowRows, type WorkflowRow } from './table.js';
import { parseJson, type WorkflowDefinition } from './workflow.js';

/**
 * Reads the row, locked (FOR UPDATE) when `lock`, and, in the same statement, `selectFacts` (the facts the
 * rules select for this event, see FactsSpec). Those are read from the statement's snapshot, taken
 * before the lock was granted: if the row changed meanwhile (its locked version differs from
 * the one that snapshot sees), they may be stale and are dropped, to be read again after the
 * lock. Facts a guard reads are written by transitions of the row (which change its version)
 * or behind a lock of their own (P7), so an unchanged version means current facts.
 */
export async function readRow<TRow extends WorkflowRow, TFacts>(
  executor: Executor,
  def: WorkflowDefinition<TRow, TFacts>,
  id: string,
  selectFacts: (id: SQL) => SQL | null,
  lock: boolean,
): Promise<{ row: TRow; selected: Record<string, unknown> | undefined }> {
  const t = def.table;
  // Qualified by hand: a select list renders a bare column unqualified.
  const outerId = sql`${sql.identifier(getTableName(t))}.${sql.identifier(t.id.name)}`;
  const select = selectFacts(outerId);
  const seen = select && lock ? sql`(select s.${sql.identifier(t.version.name)} from ${t} as s where s.${sql.identifier(t.id.name)} = ${outerId})` : sql`null`;
  const query = executor
    .select({ ...getTableColumns(t), selectedFacts: (select ?? sql`null`).mapWith(parseJson), seenVersion: seen.mapWith(Number) })
    .from(t)
    .where(eq(t.id, id));
  const [hit] = lock ? await query.for('update', { of: t }) : await query;
  if (!hit) throw new NotFoundError(def.entityType, id);
  const { selectedFacts, seenVersion, ...columns } = hit;
  const [row] = workflowRows<TRow>([columns]);
  invariant(row, 'a locked row');
  // Unlocked, row and facts come from one snapshot: consistent as they are.
  return { row, selected: select && (!lock || seenVersion === row.version) ? selectedFacts : undefined };
}
