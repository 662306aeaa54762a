/**
 * P6: who a new formal customer goes to (`contract.afterSales`). Choices are serialised by an
 * advisory lock for the confirming transaction, so two confirmations at once do not both pick
 * the same "least loaded" or "next" person.
 */
import { and, asc, count, desc, eq, inArray, sql } from 'drizzle-orm';
import { lockKeys, type Tx } from '../platform/db/client.js';
import { customers, transitions, users } from '../platform/db/schema.js';
import type { Policy } from '../workflow/policy/policy.js';

/** Active AFTER_SALES users, by username. */
async function afterSalesUsers(tx: Tx): Promise<{ id: string; username: string }[]> {
  return tx
    .select({ id: users.id, username: users.username })
    .from(users)
    .where(and(eq(users.active, true), sql`'AFTER_SALES' = any(${users.roles})`))
    .orderBy(asc(users.username));
}

/** The after-sales user a customer confirmed now goes to; null when nobody can take it (it is then listed as unassigned). */
export async function chooseAfterSales(tx: Tx, policy: Policy): Promise<string | null> {
  const { mode, username } = policy.contract.afterSales;
  await lockKeys(tx, ['p6-after-sales-assignment']);
  const candidates = await afterSalesUsers(tx);
  if (candidates.length === 0) return null;
  if (mode === 'USER') return candidates.find((u) => u.username === username?.toLowerCase())?.id ?? null;
  if (mode === 'ROUND_ROBIN') {
    // The last hand-over's after-sales user, from history; the next one by username after them.
    const [last] = await tx
      .select({ to: sql<string | null>`${transitions.payload} ->> 'afterSalesUserId'` })
      .from(transitions)
      .where(and(eq(transitions.event, 'CONTRACT_SIGNED'), sql`${transitions.payload} ->> 'afterSalesUserId' is not null`))
      .orderBy(desc(transitions.id))
      .limit(1);
    const lastName = candidates.find((u) => u.id === last?.to)?.username;
    return (lastName ? candidates.find((u) => u.username > lastName) : undefined)?.id ?? candidates[0]?.id ?? null;
  }
  // LEAST_LOADED: fewest customers held now, ties by username.
  const held = await tx
    .select({ id: customers.custodianId, n: count() })
    .from(customers)
    .where(
      inArray(
        customers.custodianId,
        candidates.map((c) => c.id),
      ),
    )
    .groupBy(customers.custodianId);
  const load = new Map(held.map((h) => [h.id, h.n]));
  return [...candidates].sort((a, b) => (load.get(a.id) ?? 0) - (load.get(b.id) ?? 0) || a.username.localeCompare(b.username))[0]?.id ?? null;
}
