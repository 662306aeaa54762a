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
