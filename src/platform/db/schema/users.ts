/** Users and their roles. */
import { sql } from 'drizzle-orm';
import { boolean, index, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, updatedAt } from './columns.js';

/** Every role a user can hold; `@Authorized(...)` checks these. */
export const ROLES = ['SALES', 'AUDITOR', 'AFTER_SALES', 'MANAGER', 'DESIGNER', 'ADMIN'] as const;
export type Role = (typeof ROLES)[number];

/** People who sign in: a case-insensitive unique username, hashed password and roles. */
export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    username: text('username').notNull(),
    displayName: text('display_name').notNull(),
    passwordHash: text('password_hash').notNull(),
    roles: text('roles').array().$type<Role[]>().notNull().default(sql`'{}'::text[]`),
    active: boolean('active').notNull().default(true),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('users_username_key').on(sql`lower(${t.username})`), index('users_created_at_idx').on(t.createdAt, t.id)],
);

/** A row of `users`. */
export type UserRow = typeof users.$inferSelect;

/** What reads of other people select: everything but the password hash, which only sign-in reads. */
export const userCardColumns = {
  id: users.id,
  username: users.username,
  displayName: users.displayName,
  roles: users.roles,
  active: users.active,
  createdAt: users.createdAt,
  updatedAt: users.updatedAt,
};

/** A user as reads of other people load it (no password hash). */
export type UserCard = Omit<UserRow, 'passwordHash'>;
