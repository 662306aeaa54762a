/** P10: an entity's transitions (the history rows the engine writes), newest first. */
import { and, count, desc, eq, inArray, lt, sql } from 'drizzle-orm';
import type { Database } from '../platform/db/client.js';
import { transitions, type TransitionRow } from '../platform/db/schema.js';
import { decodeCursor, pageSize, toPage, type Page, type PageArgs } from '../platform/pagination.js';

export async function historyPage(database: Database, entityId: string, args: PageArgs): Promise<Page<TransitionRow>> {
  const db = database.db;
  const limit = pageSize(args.first);
  const after = args.after ? decodeCursor(args.after, 1) : undefined;
  const rows = await db
    .select()
    .from(transitions)
    .where(and(eq(transitions.entityId, entityId), after ? lt(transitions.id, Number(after[0])) : undefined))
    .orderBy(desc(transitions.id))
    .limit(limit + 1);
  return toPage(
    rows,
    limit,
    (r) => [r.id],
    async () => {
      const [c] = await db.select({ n: count() }).from(transitions).where(eq(transitions.entityId, entityId));
      return c?.n ?? 0;
    },
  );
}

/**
 * The earlier values of a derived column per entity, most recent first, from the history's
 * recorded changes (`payload.changes[column] = [before, after]`), e.g. a customer's earlier custodians.
 */
export async function previousValues(database: Database, entityIds: readonly string[], column: string): Promise<string[][]> {
  const before = sql`${transitions.payload}->'changes'->${column}->>0`;
  const rows = await database.rows<{ entity_id: string; value: string; at: string }>(
    database.db,
    sql`select ${transitions.entityId} as entity_id, ${before} as value, max(${transitions.id}) as at
        from ${transitions}
        where ${inArray(transitions.entityId, [...entityIds])} and ${before} is not null
        group by 1, 2 order by 3 desc`,
  );
  const map = new Map<string, string[]>();
  for (const r of rows) map.set(r.entity_id, [...(map.get(r.entity_id) ?? []), r.value]);
  return entityIds.map((id) => map.get(id) ?? []);
}
