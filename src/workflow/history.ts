/** P10: an entity's transitions (the history rows the engine writes), newest first. */
import { and, count, desc, eq, lt } from 'drizzle-orm';
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
  return toPage(rows, limit, (r) => [r.id], async () => {
    const [c] = await db.select({ n: count() }).from(transitions).where(eq(transitions.entityId, entityId));
    return c?.n ?? 0;
  });
}
