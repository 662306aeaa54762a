/** Input rules for users, as zod schemas over the `users` table. */
import { createInsertSchema } from 'drizzle-zod';
import { z } from 'zod';

import { MAX_PASSWORD_LENGTH } from '../platform/auth/password.js';
import { ROLES, SCOPES, users, type Role } from '../platform/db/schema.js';
import { evenAfterOtherProblems } from '../platform/validation.js';
import common from './common-passwords.json' with { type: 'json' };

/** Issue 15: the shortest password accepted, in characters (code points). */
export const MIN_PASSWORD_LENGTH = 10;
/** Compared lower-cased and NFKC-normalised, as hashing normalises. */
const COMMON_PASSWORDS = new Set(common.passwords);

function isRole(value: string): value is Role {
  return ROLES.some((role) => role === value);
}

/** Known roles, at least one. */
const roleList = z
  .array(z.string())
  .superRefine((roles, ctx) => {
    const unknown = roles.filter((role) => !isRole(role));
    if (unknown.length > 0) ctx.addIssue({ code: 'custom', message: `unknown roles: ${unknown.join(', ')}` });
    if (roles.length === 0) ctx.addIssue({ code: 'custom', message: 'at least one role is required' });
  })
  .transform((roles) => roles.filter(isRole));

/**
 * Issue 15: a password as typed, never trimmed (spaces count): 10–256 characters (code points; the
 * upper bound keeps hashing cheap), no control characters, and not in the shipped list of common
 * passwords (common-passwords.json).
 */
const password = z.string().superRefine((value, ctx) => {
  const length = [...value].length;
  const problem =
    length < MIN_PASSWORD_LENGTH
      ? `must be at least ${MIN_PASSWORD_LENGTH} characters`
      : length > MAX_PASSWORD_LENGTH
        ? `must be at most ${MAX_PASSWORD_LENGTH} characters`
        : /\p{Cc}/u.test(value)
          ? 'must not contain control characters'
          : COMMON_PASSWORDS.has(value.normalize('NFKC').toLowerCase())
            ? 'is too common: choose a less guessable one'
            : undefined;
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

/** The columns of `users` an administrator writes; the password arrives in clear and is stored hashed. */
const userRecord = createInsertSchema(users).pick({ username: true, displayName: true, roles: true, active: true });

/** A new user: a username of 3–32 lower-case characters (case is ignored), a name, a password, roles. */
export const createUserInput = userRecord.pick({ username: true, displayName: true }).extend({
  username: userRecord.shape.username
    .trim()
    .toLowerCase()
    .regex(/^[a-z0-9][a-z0-9._-]{2,31}$/, '3–32 characters: lower-case letters, digits, . _ -'),
  displayName: userRecord.shape.displayName.trim().min(1, 'is required'),
  password,
  roles: roleList,
  departmentId: z.uuid().nullish(),
  scope: z.enum(SCOPES).nullish(),
});

const userChanges = userRecord.pick({ displayName: true }).extend({
  displayName: userRecord.shape.displayName.trim().min(1, 'must not be empty').nullish(),
  password: password.nullish(),
  roles: roleList.nullish(),
  active: userRecord.shape.active.nullable(),
  departmentId: z.uuid().nullish(),
  scope: z.enum(SCOPES).nullish(),
});

/** An administrator may not lock themselves out. */
const ownChanges = userChanges.superRefine(
  ({ active, roles }, ctx) => {
    if (active === false) ctx.addIssue({ code: 'custom', path: ['active'], message: 'you cannot deactivate yourself' });
    if (Array.isArray(roles) && !roles.includes('ADMIN')) {
      ctx.addIssue({ code: 'custom', path: ['roles'], message: 'you cannot remove your own ADMIN role' });
    }
  },
  { when: evenAfterOtherProblems },
);

/** Changes to a user (`null` = unchanged); `self` when administrators change their own account. */
export function updateUserInput(self: boolean): typeof userChanges {
  return self ? ownChanges : userChanges;
}

/** A new user as a client sends it (GraphQL `CreateUserInput`). */
export type CreateUserInput = z.input<typeof createUserInput>;
/** Changes to a user as a client sends them (GraphQL `UpdateUserInput`). */
export type UpdateUserInput = z.input<typeof userChanges>;
