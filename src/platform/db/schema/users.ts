/** Users and their roles. */
import { sql } from 'drizzle-orm';
import { boolean, index, integer, pgTable, primaryKey, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, ts, updatedAt } from './columns.js';
import { departments, ROOT_DEPARTMENT_ID } from './departments.js';

/** Every role a user can hold; `@Authorized(...)` checks these. */
export const ROLES = ['SALES', 'AUDITOR', 'AFTER_SALES', 'MANAGER', 'DESIGNER', 'ADMIN'] as const;
export type Role = (typeof ROLES)[number];

/** T1: how far a manager sees: their department's subtree, or everyone (a general manager). */
export const SCOPES = ['DEPARTMENT', 'GLOBAL'] as const;
export type Scope = (typeof SCOPES)[number];

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
    /** T1: the department the user belongs to (the root unless moved). */
    departmentId: uuid('department_id')
      .notNull()
      .default(ROOT_DEPARTMENT_ID)
      .references(() => departments.id),
    /** T1: a manager's reach (DEPARTMENT: their department's subtree; GLOBAL: everyone). */
    scope: text('scope').$type<Scope>().notNull().default('DEPARTMENT'),
    /**
     * Issue 15: tokens carry the generation they were signed under and count only while it is the
     * user's. A password change, deactivation, role removal and signOutEverywhere raise it.
     */
    tokenGeneration: integer('token_generation').notNull().default(0),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('users_username_key').on(sql`lower(${t.username})`),
    index('users_created_at_idx').on(t.createdAt, t.id),
    index('users_department_idx').on(t.departmentId),
  ],
);

/** What a login throttle counts: failures per username (lowered) or per client address. */
export const LOGIN_ATTEMPT_KINDS = ['username', 'address'] as const;
export type LoginAttemptKind = (typeof LOGIN_ATTEMPT_KINDS)[number];

/**
 * Issue 15: failed sign-ins, counted per username and per client address in the database so that
 * every API process shares them. Throttling state, not a record: a successful sign-in resets its
 * rows and rows quiet for a lockout period are pruned (E6 covers records, not this).
 */
export const loginAttempts = pgTable(
  'login_attempts',
  {
    kind: text('kind').$type<LoginAttemptKind>().notNull(),
    key: text('key').notNull(),
    /** Failures since the counter last started (a success resets it; a quiet lockout period too). */
    failures: integer('failures').notNull(),
    lastFailedAt: ts('last_failed_at').notNull(),
    /** No attempt is answered before this instant (the exponential delay, then the lockout). */
    lockedUntil: ts('locked_until'),
  },
  (t) => [primaryKey({ columns: [t.kind, t.key] }), index('login_attempts_last_failed_at_idx').on(t.lastFailedAt)],
);

/** A row of `users`. */
export type UserRow = typeof users.$inferSelect;

/** What reads of other people select: everything but the password hash and token generation, which only sign-in reads. */
export const userCardColumns = {
  id: users.id,
  username: users.username,
  displayName: users.displayName,
  roles: users.roles,
  active: users.active,
  departmentId: users.departmentId,
  scope: users.scope,
  createdAt: users.createdAt,
  updatedAt: users.updatedAt,
};

/** A user as reads of other people load it (no password hash, no token generation). */
export type UserCard = Omit<UserRow, 'passwordHash' | 'tokenGeneration'>;
