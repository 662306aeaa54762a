import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { User } from './user.type.js';

/** T7: where a departing user's work goes (deactivateUser): exactly one of a user and a pool. */
@InputType({
  description:
    'T7: where a departing user’s work goes: exactly one of userId and poolId (both or neither is BAD_USER_INPUT under `handOverTo`). ' +
    'A pool takes prospect and intent customers only: formal customers, pending applications and unconfirmed contracts need a userId.',
})
export class HandOverInput {
  @Field(() => ID, {
    nullable: true,
    description:
      'The successor: another active user. They receive every customer (by TRANSFER: an active salesperson; after-sales for formal customers), become the applicant of every pending application and own every unconfirmed contract.',
  })
  userId?: string | null;

  @Field(() => ID, { nullable: true, description: 'An open pool (T2) the prospect and intent customers go to (HANDED_OVER); their custody ends.' })
  poolId?: string | null;
}

/** T7: what a hand-over moved. */
@ObjectType({ description: 'T7: what deactivateUser handed over, all in one transaction.' })
export class HandOverSummary {
  @Field(() => User, { description: 'The deactivated user (active false; every token they held is revoked).' })
  user!: User;

  @Field(() => Int, { description: 'How many customers were handed over (one TRANSFER or HANDED_OVER history row each, with the reason).' })
  customers!: number;

  @Field(() => Int, { description: 'How many pending applications passed to the successor (one HAND_OVER history row each, with the reason).' })
  applications!: number;

  @Field(() => Int, { description: 'How many unconfirmed contracts (reserved or being filled in) passed to the successor (one HAND_OVER history row each).' })
  contracts!: number;
}
