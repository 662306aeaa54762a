/** Locking a workflow row for a transition, with the facts its rules select, in one statement. */
import { eq, getTableColumns, getTableName, sql, type SQL } from 'drizzle-orm';
import type { Tx } from '../platform/db/client.js';
import { NotFoundError } from '../platform/errors.js';
import { invariant } from '../platform/invariant.js';
import { workflowRows, type WorkflowRow } from './table.js';
import { parseJson, type WorkflowDefinition } from './workflow.js';

/**
 * Locks the row (FOR UPDATE) and, in the same statement, reads `selectFacts` (the facts the
 * rules select for this event, see FactsSpec). Those are read from the statement's snapshot, taken
 * before the lock was granted: if the row changed meanwhile (its locked version differs from
 * the one that snapshot sees), they may be stale and are dropped, to be read again after the
 * lock. Facts a guard reads are written by transitions of the row (which change its version)
 * or behind a lock of their own (P7), so an unchanged version means current facts.
 */
export async function lockRow<TRow extends WorkflowRow, TFacts>(
  tx: Tx,
  def: WorkflowDefinition<TRow, TFacts>,
  id: string,
  selectFacts: (id: SQL) => SQL | null,
): Promise<{ row: TRow; selected: Record<string, unknown> | undefined }> {
  const t = def.table;
  // Qualified by hand: a select list renders a bare column unqualified.
  const outerId = sql`${sql.identifier(getTableName(t))}.${sql.identifier(t.id.name)}`;
  const select = selectFacts(outerId);
  const seen = select ? sql`(select s.${sql.identifier(t.version.name)} from ${t} as s where s.${sql.identifier(t.id.name)} = ${outerId})` : sql`null`;
  const [hit] = await tx
    .select({ ...getTableColumns(t), selectedFacts: (select ?? sql`null`).mapWith(parseJson), seenVersion: seen.mapWith(Number) })
    .from(t)
    .where(eq(t.id, id))
    .for('update', { of: t });
  if (!hit) throw new NotFoundError(def.entityType, id);
  const { selectedFacts, seenVersion, ...columns } = hit;
  const [row] = workflowRows<TRow>([columns]);
  invariant(row, 'a locked row');
  return { row, selected: select && seenVersion === row.version ? selectedFacts : undefined };
}
