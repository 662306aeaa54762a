/**
 * T2: pool membership in SQL (functions of migration 0021), so that a claim's guard reads it in the
 * statement that reads the customer, lists filter by it, and a customer falling to the pool moves
 * to its custodian's department's pool in the statement that tells the transition's listeners.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../platform/db/client.js';
import { customers, DEFAULT_POOL_ID, transitions } from '../platform/db/schema.js';
import { selectValue } from '../platform/db/sql.js';
import { historyIdsParam } from '../workflow/listeners.js';
import { hasRole, type Viewer } from '../platform/auth/viewer.js';
import { SEES_ALL_DETAILS } from './rules/p8-custodian-sees-details.js';

/** The active pools `user` belongs to (as a member, an admin, or through their department or one above it). */
export function memberPools(user: SQL): SQL {
  return sql`(select custodian_member_pools(${user}))`;
}

/**
 * T2: a pool list (stage POOL) of someone who sees only their pools' customers in full holds only
 * those pools' customers; `poolId` picks one pool.
 */
export function poolFilters(viewer: Viewer, filter: { stage?: string | null; poolId?: string | null }): SQL[] {
  const where: SQL[] = [];
  if (filter.poolId) where.push(sql`${customers.poolId} = ${filter.poolId}`);
  if (filter.stage === 'POOL' && !hasRole(viewer, ...SEES_ALL_DETAILS)) where.push(sql`${customers.poolId} in ${memberPools(sql`${viewer.id}::uuid`)}`);
  return where;
}

/** The pool a new customer entered by `userId` belongs to: their department's, else the default pool. */
export async function entryPool(executor: Executor, userId: string): Promise<string> {
  return (await selectValue(executor, sql`custodian_department_pool(${userId}::uuid)`, String)) ?? DEFAULT_POOL_ID;
}

/**
 * The customers these history rows put into the pool move to the pool of their former custodian's
 * department (policy customer.returnTo DEPARTMENT_POOL); one statement for a whole sweep.
 */
export async function returnToDepartmentPools(executor: Executor, historyIds: readonly number[]): Promise<void> {
  await executor.execute(sql`update ${customers} c set pool_id = back.pool_id
    from (select t.entity_id, custodian_department_pool((t.payload -> 'changes' -> 'custodianId' ->> 0)::uuid) as pool_id
          from ${transitions} t where t.id = any(${historyIdsParam(historyIds)}) and t.to_state = 'pool') back
    where c.id = back.entity_id and back.pool_id is not null and c.pool_id <> back.pool_id`);
}
