/** T2: pools as the API shows them; resolvers return `PoolRow`s. */
import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { JSONScalar } from '../platform/graphql/json.scalar.js';

@ObjectType({ simpleResolvers: true, description: 'A public pool (公海, T2): customers without a custodian that its members may claim.' })
export class Pool {
  @Field(() => ID, { description: 'The pool’s id.' }) id!: string;
  @Field(() => String, { description: 'Its name, unique (case-insensitive).' }) name!: string;
  @Field(() => JSONScalar, {
    description: 'The customer policy keys this pool overrides (terms, abandon cool-down, caps, daily claim limit); `{}`: the global policy in full.',
  })
  policy!: Record<string, unknown>;
  @Field(() => Boolean, { description: 'False once closed: nobody claims in it or is sent to it; its customers stay.' }) active!: boolean;
  @Field(() => Date, { description: 'When it was made.' }) createdAt!: Date;
  @Field(() => Date, { description: 'When it last changed.' }) updatedAt!: Date;
}

@ObjectType({ description: 'A user named as a member of a pool.' })
export class PoolUser {
  @Field(() => ID, { description: 'The user’s id.' }) userId!: string;
  @Field(() => Boolean, { description: 'Whether they administer the pool: they may assign its customers to its members.' }) admin!: boolean;
}

@ObjectType({ description: 'Who belongs to a pool: member departments (each with its whole subtree) and named users.' })
export class PoolMembership {
  @Field(() => [ID], { description: 'The member departments: their people and those of every department below belong.' }) departmentIds!: string[];
  @Field(() => [PoolUser], { description: 'The named members and admins.' }) users!: PoolUser[];
}

@InputType({ description: 'A pool to make or change (ADMIN). Member lists, when given, replace the old ones.' })
export class PoolInput {
  @Field(() => String, { nullable: true, description: 'Its name (1–100 characters, unique); required to make one.' })
  name?: string | null;

  @Field(() => [ID], { nullable: true, description: 'Member departments (each with its subtree).' })
  memberDepartmentIds?: string[] | null;

  @Field(() => [ID], { nullable: true, description: 'Member users (active).' })
  memberUserIds?: string[] | null;

  @Field(() => [ID], { nullable: true, description: 'Admins (active users): members who may also assign the pool’s customers.' })
  adminUserIds?: string[] | null;

  @Field(() => JSONScalar, {
    nullable: true,
    description:
      'Customer policy keys the pool overrides, e.g. `{ "prospectTerm": "P20D", "dailyClaimLimit": 5 }`: prospectTerm, intentTerm, extensionTerm, maxExtensionTerm, abandonCoolDown, warnBefore, maxCustomersPerSales, capCountsFormal, dailyClaimLimit.',
  })
  policy?: Record<string, unknown> | null;

  @Field(() => Boolean, { nullable: true, description: 'False closes the pool; true opens it again.' })
  active?: boolean | null;
}
