import { Field, ObjectType } from 'type-graphql';
import type { CustomerRow, FollowUpPlanRow } from '../platform/db/schema.js';
import { Customer } from './customer.type.js';
import { FollowUpPlan } from './follow-up-plan.type.js';

/** One customer on the home screen; its contact and last follow-up come from loaders. */
@ObjectType({ description: 'One customer on the viewer’s home screen (F3), with what the salesperson needs to make the call.' })
export class ReminderItem {
  @Field(() => Customer, { description: 'The customer (in the viewer’s custody, so its details are visible).' })
  customer!: CustomerRow;

  @Field(() => FollowUpPlan, {
    nullable: true,
    description: 'F6: the open follow-up plan that puts the customer on this list (its state, due time and history); null in `expiring`.',
  })
  plan!: FollowUpPlanRow | null;
}

/** F3: the viewer's home screen, in four lists. */
@ObjectType({
  description:
    'F3: the viewer’s home screen: customers in their custody by their open follow-up plans (F6; at most 500 across overdue, today and upcoming, soonest due first), and terms about to end.',
})
export class ReminderList {
  @Field(() => [ReminderItem], {
    description: 'The plan is overdue or escalated: no follow-up within policy followUp.grace of its next contact time (due from `from`, if given).',
  })
  overdue!: ReminderItem[];

  @Field(() => [ReminderItem], {
    description: 'The plan is due (its next contact time has come, the grace runs), or planned for later today (the policy calendar’s time zone).',
  })
  today!: ReminderItem[];

  @Field(() => [ReminderItem], { description: 'The plan is planned after today and before `to` (default: 7 days from now).' })
  upcoming!: ReminderItem[];

  @Field(() => [ReminderItem], {
    description:
      'The customer leaves the viewer’s custody within the policy’s warnBefore: a protection or intent term ends (P2, P4), or a rejected prospect is about to be released to the pool (P1) unless resubmitted. At most 100, soonest deadline first.',
  })
  expiring!: ReminderItem[];
}
