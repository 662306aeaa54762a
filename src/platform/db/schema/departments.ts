/** T1: departments form a tree; every user belongs to one. */
import { sql } from 'drizzle-orm';
import { index, pgTable, text, uniqueIndex, uuid, type AnyPgColumn } from 'drizzle-orm/pg-core';
import { createdAt, updatedAt } from './columns.js';

/** The root of the tree (总部, migration 0020): users without another department belong to it. */
export const ROOT_DEPARTMENT_ID = '00000000-0000-4000-8000-000000000001';

/**
 * Departments. `poolId` is the pool the customers of this department's people fall to (T2); null
 * inherits the parent's (the root's null means the default pool). Departments are renamed and
 * moved, never deleted (E6).
 */
export const departments = pgTable(
  'departments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    parentId: uuid('parent_id').references((): AnyPgColumn => departments.id),
    poolId: uuid('pool_id'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('departments_sibling_name_key').on(sql`coalesce(${t.parentId}, '00000000-0000-0000-0000-000000000000'::uuid)`, sql`lower(${t.name})`),
    index('departments_parent_idx').on(t.parentId),
  ],
);
export type DepartmentRow = typeof departments.$inferSelect;
