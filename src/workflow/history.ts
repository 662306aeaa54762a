/** P10: an entity's transitions (the history rows the engine writes), newest first. */
import { and, count, eq, getTableColumns, inArray, sql } from 'drizzle-orm';
import { firstRowsPerParent } from '../platform/db/first-rows.js';
import { builtOnce, rowReader, selectListOf } from '../platform/db/read-rows.js';
import { arrayLiteral } from '../platform/db/sql.js';
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

const rankedRows = rowReader<TransitionRow & { total: unknown }>(getTableColumns(transitions));

/** The statement of first pages (every column of a transition, under its row key), built once. */
const firstPages = builtOnce(() =>
  firstRowsPerParent({
    table: transitions,
    parent: transitions.entityId,
    orderBy: NEWEST_FIRST.orderBy,
    selectList: selectListOf(getTableColumns(transitions)),
    ids: sql.placeholder('ids'),
    limit: sql.placeholder('limit'),
  }),
);

/**
 * The first `first` transitions (newest first) of each entity, in one statement, for lists that
 * show each row's history: pages equal to `historyPage(…, { first })` per entity.
 */
export async function firstHistoryPages(database: Database, entityIds: readonly string[], first: number): Promise<Page<TransitionRow>[]> {
  const rows = await rankedRows.run(database, database.db, firstPages(), { ids: arrayLiteral(entityIds), limit: first + 1 });
  const byEntity = new Map<string, { rows: TransitionRow[]; total: number }>();
  // Each row keeps its `total` beside its columns (a copy without it would be a copy per row).
  for (const row of rows) {
    let entry = byEntity.get(row.entityId);
    if (!entry) byEntity.set(row.entityId, (entry = { rows: [], total: Number(row.total) }));
    entry.rows.push(row);
  }
  return entityIds.map((id) => {
    const entry = byEntity.get(id) ?? { rows: [], total: 0 };
    return toPage(entry.rows, first, NEWEST_FIRST.cursor, async () => entry.total);
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
