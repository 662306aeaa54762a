/**
 * T2: several pools. A salesperson claims only in pools they belong to (as a member, an admin, or
 * through their department or one above it); a manager or the pool's admin assigns from a pool (an
 * admin only to the pool's members); a manager moves a pool customer to another pool (a reason
 * recorded). Which pool a customer falls to, and the pool's policy overrides, are the pool
 * service's (src/customers/pool.service.ts); membership is SQL (pool-membership.ts).
 */
import { and, eq, sql } from 'drizzle-orm';
import { customers, poolUsers, pools } from '../../platform/db/schema.js';
import { selectValue } from '../../platform/db/sql.js';
import { actorHasRole } from '../../workflow/actor.js';
import type { CustomerRule } from '../customer.machine.js';
import { memberPools } from '../pool-membership.js';

/** The pool of the customer read (by id, in the statement that reads it). */
const poolOf = (id: unknown) => sql`(select pool_of.pool_id from ${customers} as pool_of where pool_of.id = ${id})`;

export const t2Pools: CustomerRule = {
  code: 'T2',
  title: 'A salesperson claims only in their pools; a manager or the pool’s admin assigns from it; a manager moves it between pools',
  policyKeys: ['customer.returnTo'],
  guards: {
    inMemberPool: {
      check: ({ event }) => event.facts.inMemberPool,
      refusal: { code: 'FORBIDDEN', message: 'This customer is in a pool you do not belong to' },
    },
    mayAssignFromPool: {
      check: ({ event }) => actorHasRole(event.actor, 'MANAGER') || event.facts.poolAdmin,
      refusal: { code: 'FORBIDDEN', message: 'Only a manager or an admin of its pool can assign a pool customer', who: ['MANAGER'] },
    },
    targetInPool: {
      check: ({ event }) => actorHasRole(event.actor, 'MANAGER') || event.facts.targetInPool,
      onInput: true,
      refusal: { code: 'BAD_USER_INPUT', message: 'A pool admin assigns only to members of the pool', field: 'toUserId' },
    },
    targetPoolActive: {
      check: ({ event }) => event.facts.targetPoolActive,
      onInput: true,
      refusal: { code: 'BAD_USER_INPUT', message: 'The target must be another open pool', field: 'toPoolId' },
    },
  },
  facts: [
    {
      defaults: { inMemberPool: false, poolAdmin: false },
      events: ['CLAIM', 'ASSIGN'],
      // In the statement that reads the customer: no round trip of its own.
      select: ({ id, actorId }) => sql`jsonb_build_object(
        'inMemberPool', ${poolOf(id)} in ${memberPools(actorId)},
        'poolAdmin', exists (select 1 from ${poolUsers} where ${poolUsers.poolId} = ${poolOf(id)} and ${poolUsers.userId} = ${actorId} and ${poolUsers.admin}))`,
    },
    {
      defaults: { targetInPool: false },
      events: ['ASSIGN'],
      async load({ executor, row, event }) {
        if (typeof event.toUserId !== 'string' || row.stage !== 'POOL') return { targetInPool: false };
        const inPool = await selectValue(executor, sql`${row.poolId}::uuid in ${memberPools(sql`${event.toUserId}::uuid`)}`, Boolean);
        return { targetInPool: inPool ?? false };
      },
    },
    {
      defaults: { targetPoolActive: false },
      events: ['MOVE_POOL'],
      async load({ executor, row, event }) {
        if (typeof event.toPoolId !== 'string') return { targetPoolActive: false };
        const [pool] = await executor
          .select({ active: pools.active })
          .from(pools)
          .where(and(eq(pools.id, event.toPoolId), eq(pools.active, true)));
        return { targetPoolActive: !!pool && event.toPoolId !== row.poolId };
      },
    },
  ],
  effects: {
    // The pool is the customer's column, not the machine's context: the sweeper's expiries stay set-based.
    async moveToPool({ tx, row, event }) {
      if (typeof event.toPoolId === 'string') await tx.update(customers).set({ poolId: event.toPoolId }).where(eq(customers.id, row.id));
    },
  },
};
