import { Field, InputType } from 'type-graphql';
import type { Role } from '../platform/db/schema.js';
import { RoleEnum } from './user.type.js';

@InputType()
export class CreateUserInput {
  @Field(() => String)
  username!: string;

  @Field(() => String)
  displayName!: string;

  @Field(() => String, { description: 'At least 8 characters.' })
  password!: string;

  @Field(() => [RoleEnum])
  roles!: Role[];
}

@InputType()
export class UpdateUserInput {
  @Field(() => String, { nullable: true })
  displayName?: string | null;

  @Field(() => [RoleEnum], { nullable: true })
  roles?: Role[] | null;

  @Field(() => Boolean, { nullable: true, description: 'A deactivated user cannot sign in; their tokens stop working.' })
  active?: boolean | null;

  @Field(() => String, { nullable: true })
  password?: string | null;
}
