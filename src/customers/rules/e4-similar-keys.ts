/**
 * E4: a key that contains, or is contained in, another customer's key of at least two characters
 * (同创 / 同创医药) is not refused, but never silent: entry returns warnings, the PROTECTION
 * checklist fails SIMILAR_NAME, and the duplicate check ranks these matches first.
 */
import { and, asc, eq, ne, or, sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../../platform/db/client.js';
import { customers, users, type CustomerRow } from '../../platform/db/schema.js';

/** A similar customer with its custodian's display name (the shape of e4-duplicate-entry's SimilarRow). */
interface SimilarRow {
  customer: CustomerRow;
  custodianName: string | null;
}

/** E1: the shortest key that counts as a key (shorter ones are never compared). */
const MIN_KEY_LENGTH = 2;

/** At most this many similar customers per key: a warning names a few, not the whole table. */
const SIMILAR_LIMIT = 20;

/** Every proper substring of the key with at least two characters (the keys it contains). */
export function innerKeys(key: string): string[] {
  const chars = [...key];
  const found = new Set<string>();
  for (let start = 0; start < chars.length; start++) {
    for (let end = start + MIN_KEY_LENGTH; end <= chars.length; end++) {
      if (end - start < chars.length) found.add(chars.slice(start, end).join(''));
    }
  }
  return [...found];
}

/** Whether two different keys contain one another (each of at least two characters). */
export function keysAreSimilar(a: string, b: string): boolean {
  if (a === b || [...a].length < MIN_KEY_LENGTH || [...b].length < MIN_KEY_LENGTH) return false;
  return a.includes(b) || b.includes(a);
}

/**
 * SQL: the stored key contains this key (trigram index) or is one of its inner keys (btree
 * index), and is not equal to it. False for a key shorter than two characters.
 */
export function similarKeyCondition(key: string): SQL {
  if ([...key].length < MIN_KEY_LENGTH) return sql`false`;
  const like = `%${key.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const inner = innerKeys(key);
  const contained =
    inner.length > 0
      ? sql` or ${customers.tradeName} in (${sql.join(
          inner.map((k) => sql`${k}`),
          sql`, `,
        )})`
      : sql``;
  return sql`(${customers.tradeName} <> ${key} and (${customers.tradeName} like ${like}${contained}))`;
}

/**
 * E4: for each key, the customers (other than `excludeIds`) whose key is similar to it, oldest
 * first; one query for all keys.
 */
export async function findSimilarRows(executor: Executor, keys: readonly string[], excludeIds: readonly string[] = []): Promise<Map<string, SimilarRow[]>> {
  const wanted = [...new Set(keys)].filter((k) => [...k].length >= MIN_KEY_LENGTH);
  const result = new Map<string, SimilarRow[]>(wanted.map((k) => [k, []]));
  if (wanted.length === 0) return result;
  const rows = await executor
    .select({ customer: customers, custodianName: users.displayName })
    .from(customers)
    .leftJoin(users, eq(users.id, customers.custodianId))
    .where(and(or(...wanted.map(similarKeyCondition)), ...excludeIds.map((id) => ne(customers.id, id))))
    .orderBy(asc(customers.createdAt), asc(customers.id))
    .limit(SIMILAR_LIMIT * wanted.length);
  for (const row of rows) {
    for (const key of wanted) {
      const list = result.get(key);
      if (list && list.length < SIMILAR_LIMIT && keysAreSimilar(key, row.customer.tradeName)) list.push(row);
    }
  }
  return result;
}
