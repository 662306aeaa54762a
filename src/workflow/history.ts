/** P10: an entity's transitions (the history rows the engine writes), newest first. */
import { and, count, eq, inArray, sql } from 'drizzle-orm';
import type { Database } from '../platform/db/client.js';
import { transitions, type TransitionRow } from '../platform/db/schema.js';
import { keyset, pageSize, toPage, type Page, type PageArgs } from '../platform/pagination.js';

/** Newest first: transition ids grow with time and are unique. */
const NEWEST_FIRST = keyset<TransitionRow>([{ expr: transitions.id, type: 'bigint', value: (r) => r.id }], true);

export async function historyPage(database: Database, entityId: string, args: PageArgs): Promise<Page<TransitionRow>> {
  const db = database.db;
  const limit = pageSize(args.first);
  const rows = await db
    .select()
    .from(transitions)
    .where(and(eq(transitions.entityId, entityId), NEWEST_FIRST.after(args.after)))
    .orderBy(...NEWEST_FIRST.orderBy)
    .limit(limit + 1);
  return toPage(rows, limit, NEWEST_FIRST.cursor, async () => {
    const [c] = await db.select({ n: count() }).from(transitions).where(eq(transitions.entityId, entityId));
    return c?.n ?? 0;
  });
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
