import { Field, ID, InputType } from 'type-graphql';
import type { Role, Scope } from '../platform/db/schema.js';
import { RoleEnum, ScopeEnum } from './user.type.js';

/** A new account (createUser). */
@InputType({ description: 'A new user account. Problems are refused with BAD_USER_INPUT, each under its input path in `extensions.fields`.' })
export class CreateUserInput {
  @Field(() => String, {
    description:
      'The sign-in name: 3–32 characters, lower-case letters, digits, “.”, “_” or “-” (upper case is lowered). A taken name is refused with DUPLICATE.',
  })
  username!: string;

  @Field(() => String, { description: 'The name shown on records; must not be blank.' })
  displayName!: string;

  @Field(() => String, { description: '10–256 characters, no control characters, not a common password (the shipped list); only a hash is stored.' })
  password!: string;

  @Field(() => [RoleEnum], { description: 'At least one role.' })
  roles!: Role[];

  @Field(() => ID, { nullable: true, description: 'T1: the department the user belongs to; the root when omitted.' })
  departmentId?: string | null;

  @Field(() => ScopeEnum, { nullable: true, description: 'T1: a manager’s scope; DEPARTMENT when omitted.' })
  scope?: Scope | null;
}

/** Changes to an account (updateUser); only the fields given change. */
@InputType({ description: 'Changes to a user account; only the fields given change.' })
export class UpdateUserInput {
  @Field(() => String, { nullable: true, description: 'A new display name; must not be blank.' })
  displayName?: string | null;

  @Field(() => [RoleEnum], {
    nullable: true,
    description:
      'The complete new set of roles (it replaces the old one); at least one. Taking a role away revokes the user’s tokens. You cannot remove your own ADMIN role.',
  })
  roles?: Role[] | null;

  @Field(() => Boolean, {
    nullable: true,
    description:
      'False deactivates: the user cannot sign in and their tokens are revoked at once (reactivating does not bring them back). True reactivates. You cannot deactivate yourself.',
  })
  active?: boolean | null;

  @Field(() => String, {
    nullable: true,
    description: 'A new password: 10–256 characters, no control characters, not a common password. Revokes the user’s tokens.',
  })
  password?: string | null;

  @Field(() => ID, { nullable: true, description: 'T1: moves the user to this department (as moveUser does).' })
  departmentId?: string | null;

  @Field(() => ScopeEnum, { nullable: true, description: 'T1: a manager’s new scope: DEPARTMENT (their subtree) or GLOBAL (everyone).' })
  scope?: Scope | null;
}
