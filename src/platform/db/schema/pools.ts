/** T2: several public pools, each with member departments and users, admins and policy overrides. */
import { sql } from 'drizzle-orm';
import { boolean, index, jsonb, pgTable, primaryKey, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, updatedAt } from './columns.js';
import { departments } from './departments.js';
import { users } from './users.js';

/** The pool every customer belonged to before pools were several (公海, migration 0020). */
export const DEFAULT_POOL_ID = '00000000-0000-4000-8000-000000000002';

/**
 * Pools. `policy` overrides the customer policy for the customers in (or returning to) this
 * pool: the policy in force is pool → global (T2, P11). Pools are renamed and closed, never deleted.
 */
export const pools = pgTable(
  'pools',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    policy: jsonb('policy').$type<Record<string, unknown>>().notNull().default(sql`'{}'::jsonb`),
    active: boolean('active').notNull().default(true),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('pools_name_key').on(sql`lower(${t.name})`)],
);
export type PoolRow = typeof pools.$inferSelect;

/** A member department: its people and those of its whole subtree see and claim in the pool. */
export const poolDepartments = pgTable(
  'pool_departments',
  {
    poolId: uuid('pool_id').notNull().references(() => pools.id),
    departmentId: uuid('department_id').notNull().references(() => departments.id),
  },
  (t) => [primaryKey({ columns: [t.poolId, t.departmentId] }), index('pool_departments_department_idx').on(t.departmentId)],
);

/** A member user, or an admin (who may also assign customers from the pool). */
export const poolUsers = pgTable(
  'pool_users',
  {
    poolId: uuid('pool_id').notNull().references(() => pools.id),
    userId: uuid('user_id').notNull().references(() => users.id),
    admin: boolean('admin').notNull().default(false),
  },
  (t) => [primaryKey({ columns: [t.poolId, t.userId] }), index('pool_users_user_idx').on(t.userId)],
);
