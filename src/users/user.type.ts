import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { ROLES, type Role, type UserRow } from '../platform/db/schema.js';
import { Connection } from '../platform/graphql/relay.js';

export const RoleEnum = Object.fromEntries(ROLES.map((r) => [r, r])) as { [K in Role]: K };
registerEnumType(RoleEnum, { name: 'Role', description: 'What a user does in the sales organisation.' });

@ObjectType({ description: 'A person who signs in.' })
export class User {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  username!: string;

  @Field(() => String)
  displayName!: string;

  @Field(() => [RoleEnum])
  roles!: Role[];

  @Field(() => Boolean)
  active!: boolean;

  @Field(() => Date)
  createdAt!: Date;

  static from(row: UserRow): User {
    return Object.assign(new User(), {
      id: row.id,
      username: row.username,
      displayName: row.displayName,
      roles: row.roles,
      active: row.active,
      createdAt: row.createdAt,
    });
  }
}

@ObjectType()
export class UserConnection extends Connection(User) {}

@ObjectType()
export class AuthPayload {
  @Field(() => String, { description: 'Send as `Authorization: Bearer <token>`.' })
  token!: string;

  @Field(() => Date)
  expiresAt!: Date;

  @Field(() => User)
  user!: User;
}
