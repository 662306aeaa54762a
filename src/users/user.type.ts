import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { ROLES, SCOPES, type Role, type Scope, type UserCard } from '../platform/db/schema.js';
import { Connection } from '../platform/graphql/relay.js';

/** The roles as a GraphQL enum (values from the database enum). */
export const RoleEnum = Object.fromEntries(ROLES.map((r) => [r, r])) as { [K in Role]: K };
registerEnumType(RoleEnum, {
  name: 'Role',
  description:
    'What a user does in the sales organisation; a user may hold several roles. Coarse permissions follow the role, record-level rules (P8, A2, C1) the record.',
  valuesConfig: {
    SALES: {
      description: '售前 / 业务员: finds and protects customers (P1, P7), records contacts and follow-ups, applies for intent and extensions, signs contracts.',
    },
    AUDITOR: { description: '审核人员: reviews protection, intent and extension applications; approves or rejects them with a reason (A1–A3).' },
    AFTER_SALES: { description: '售后: manages formal customers handed over at signing (P6), their follow-ups, payments and delivery (C3).' },
    MANAGER: { description: '销售经理: sees the whole team’s customers, transfers custody (P9), terminates contracts, keeps the product catalogue.' },
    DESIGNER: { description: '流程设计: edits and publishes the workflow machines and their policies: terms, cool-downs, approval steps (P11).' },
    ADMIN: { description: '管理员: creates users, changes their roles and deactivates them.' },
  } satisfies Record<Role, { description: string }>,
});

/** T1: a manager's scope as a GraphQL enum. */
export const ScopeEnum = Object.fromEntries(SCOPES.map((s) => [s, s])) as { [K in Scope]: K };
registerEnumType(ScopeEnum, {
  name: 'Scope',
  description: 'T1: how far a manager sees and acts. Only managers are scoped: AUDITOR, AFTER_SALES and ADMIN always see every customer.',
  valuesConfig: {
    DEPARTMENT: {
      description: 'The customers, applications and contracts of the users in the manager’s department and its subdepartments (and pool customers).',
    },
    GLOBAL: { description: 'Everyone’s (a general manager).' },
  } satisfies Record<Scope, { description: string }>,
});

/** A user as the API shows it (never the password hash). */
@ObjectType({
  simpleResolvers: true,
  description:
    'A person who signs in. Anyone signed in sees the users named on records (custodian, author, decider, …); the list of all users is for ADMIN and MANAGER.',
})
export class User {
  @Field(() => ID, { description: 'The user’s id (a UUID): use it as toUserId, custodianId, applicantId or handlerId.' })
  id!: string;

  @Field(() => String, { description: 'The sign-in name: 3–32 lower-case letters, digits, “.”, “_” or “-”; unique.' })
  username!: string;

  @Field(() => String, { description: 'The name shown on records and in lists, e.g. 王销售 (sales1).' })
  displayName!: string;

  @Field(() => [RoleEnum], { description: 'What the user may do; at least one role.' })
  roles!: Role[];

  @Field(() => Boolean, { description: 'False once an administrator deactivated the account: it cannot sign in and its tokens stop working at once.' })
  active!: boolean;

  @Field(() => Date, { description: 'When the account was created.' })
  createdAt!: Date;

  @Field(() => ScopeEnum, { description: 'T1: how far this user sees and acts as a manager (DEPARTMENT by default; meaningless without MANAGER).' })
  scope!: Scope;

  /** T1: resolved to `department` (department.resolver.ts). */
  departmentId!: string;

  static from(row: UserCard): User {
    return Object.assign(new User(), {
      id: row.id,
      username: row.username,
      displayName: row.displayName,
      roles: row.roles,
      active: row.active,
      createdAt: row.createdAt,
      scope: row.scope,
      departmentId: row.departmentId,
    });
  }
}

/** A page of users. */
@ObjectType({ description: 'A page of users, oldest account first (Relay connection).' })
export class UserConnection extends Connection(User, 'users') {}

/** What a successful sign-in returns. */
@ObjectType({ description: 'A successful sign-in: the bearer token and who it belongs to.' })
export class AuthPayload {
  @Field(() => String, {
    description: 'A bearer token: send it as `Authorization: Bearer <token>`. It works until expiresAt, or until the account is deactivated.',
  })
  token!: string;

  @Field(() => Date, { description: 'When the token stops working (the server’s JWT_TTL after sign-in, 8 hours by default); sign in again then.' })
  expiresAt!: Date;

  @Field(() => User, { description: 'The user who signed in.' })
  user!: User;
}
