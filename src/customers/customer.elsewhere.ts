/** E4/P1: who else holds the same company (same trade-name key or phone) now, for many customers in one query. */
import { and, inArray, or, sql } from 'drizzle-orm';
import type { Executor } from '../platform/db/client.js';
import { customers, type CustomerRow } from '../platform/db/schema.js';
import type { ReadModel } from '../workflow/read-model.js';
import { stageOf } from './customer.machine.js';

/** Per customer of `list` (same order), the others held at `now` (not in the pool) with its key or phone, with their state now. */
export async function heldWithSameKey(
  executor: Executor,
  read: ReadModel,
  now: Date,
  list: readonly CustomerRow[],
): Promise<{ id: string; name: string; state: string }[][]> {
  if (list.length === 0) return [];
  const keys = [...new Set(list.map((c) => c.tradeName))];
  const phones = [...new Set(list.map((c) => c.phoneKey))];
  const held = await executor
    .select({ id: customers.id, name: customers.name, tradeName: customers.tradeName, phoneKey: customers.phoneKey, state: sql<string>`${read.state(now)}` })
    .from(customers)
    .where(and(sql`${read.derived(now, stageOf)} <> 'POOL'`, or(inArray(customers.tradeName, keys), inArray(customers.phoneKey, phones))));
  return list.map((c) =>
    held.filter((h) => h.id !== c.id && (h.tradeName === c.tradeName || h.phoneKey === c.phoneKey)).map(({ id, name, state }) => ({ id, name, state })),
  );
}
