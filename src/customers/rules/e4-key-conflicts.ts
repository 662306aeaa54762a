/**
 * E1/E4: stored keys follow the key derivation. When it changes (TRADE_NAME_KEY_VERSION), every
 * customer's key is re-derived once, at startup; customers that now share a key both stay (the
 * younger ones are marked `keyConflict`, which exempts them from the unique index) and a manager
 * sees them in `duplicateKeyConflicts`. Nothing is refused or lost.
 *
 * Why in code and not in the SQL migration: the derivation is TypeScript (word lists, NFKC), and
 * a second copy in SQL would drift. Migration 0008 adds the version column (existing rows: 1)
 * and the partial unique index; this step brings rows up to the current version.
 */
import { and, asc, eq, inArray, lt, sql } from 'drizzle-orm';
import type { Database, Executor } from '../../platform/db/client.js';
import { lockKeys } from '../../platform/db/client.js';
import { customers, users } from '../../platform/db/schema.js';
import { deriveTradeName, TRADE_NAME_KEY_VERSION } from './e1-trade-name.js';
import type { MatchRow } from './e4-duplicate-entry.js';

/** Rows re-derived per UPDATE statement. */
const BATCH = 1000;

/**
 * E1: re-derives the key of every customer stored with an older derivation, in one transaction
 * (several processes starting at once wait for each other; the second finds nothing to do).
 * @returns how many customers were looked at.
 */
export async function rederiveTradeNames(database: Database): Promise<number> {
  const stale = await database.db.select({ id: customers.id }).from(customers).where(lt(customers.tradeNameVersion, TRADE_NAME_KEY_VERSION)).limit(1);
  if (stale.length === 0) return 0;
  return database.db.transaction(async (tx) => {
    await lockKeys(tx, ['trade-name-rederive']);
    const rows = await tx
      .select({ id: customers.id, name: customers.name, tradeName: customers.tradeName })
      .from(customers)
      .where(lt(customers.tradeNameVersion, TRADE_NAME_KEY_VERSION));
    for (let i = 0; i < rows.length; i += BATCH) {
      const values = rows.slice(i, i + BATCH).map((r) => sql`(${r.id}::uuid, ${deriveTradeName(r.name) || r.tradeName})`);
      // A changed key is marked a conflict first, so no intermediate state can break the unique index.
      await tx.execute(sql`update ${customers} as c
        set trade_name = v.key, trade_name_version = ${TRADE_NAME_KEY_VERSION}, key_conflict = c.key_conflict or c.trade_name <> v.key
        from (values ${sql.join(values, sql`, `)}) as v(id, key) where c.id = v.id`);
    }
    // E4: the oldest customer of a key that has no unmarked holder becomes its holder again.
    await tx.execute(sql`update ${customers} as c set key_conflict = false
      from (select distinct on (trade_name) id from ${customers} where key_conflict order by trade_name, created_at, id) as f
      where c.id = f.id and not exists (select 1 from ${customers} as o where o.trade_name = c.trade_name and not o.key_conflict)`);
    return rows.length;
  });
}

/** E4: customers that share their key with another, grouped by key (oldest first), at most `limit` keys. */
export async function keyConflictRows(executor: Executor, limit: number): Promise<Map<string, MatchRow[]>> {
  const shared = executor
    .select({ key: customers.tradeName })
    .from(customers)
    .groupBy(customers.tradeName)
    .having(sql`count(*) > 1`)
    .orderBy(asc(customers.tradeName))
    .limit(limit);
  const keys = (await shared).map((r) => r.key);
  const groups = new Map<string, MatchRow[]>(keys.map((k) => [k, []]));
  if (keys.length === 0) return groups;
  const rows = await executor
    .select({ customer: customers, custodianName: users.displayName })
    .from(customers)
    .leftJoin(users, eq(users.id, customers.custodianId))
    .where(and(inArray(customers.tradeName, keys)))
    .orderBy(asc(customers.tradeName), asc(customers.createdAt), asc(customers.id));
  for (const row of rows) groups.get(row.customer.tradeName)?.push(row);
  return groups;
}
