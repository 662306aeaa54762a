/** What the contract services share: the contract lock and the grouping their DataLoaders need. */
import { eq } from 'drizzle-orm';
import type { Tx } from '../platform/db/client.js';
import { contracts, type ContractRow } from '../platform/db/schema.js';
import { NotFoundError } from '../platform/errors.js';

/** The contract, locked until `tx` ends, so that what is checked on it still holds at commit. */
export async function lockContract(tx: Tx, id: string): Promise<ContractRow> {
  const [row] = await tx.select().from(contracts).where(eq(contracts.id, id)).for('update');
  if (!row) throw new NotFoundError('Contract', id);
  return row;
}

/** `rows` grouped under the keys a DataLoader asked for, in its order (`[]` for a key without rows). */
export function groupedBy<T>(keys: readonly string[], rows: readonly T[], keyOf: (row: T) => string): T[][] {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const group = groups.get(keyOf(row));
    if (group) group.push(row);
    else groups.set(keyOf(row), [row]);
  }
  return keys.map((key) => groups.get(key) ?? []);
}
