import { Field, ObjectType } from 'type-graphql';
import { WorkflowEntity } from '../workflow/graphql/workflow-entity.type.js';

/** F6: a follow-up plan; resolvers return `FollowUpPlanRow`s for it. */
@ObjectType({
  description:
    'F6: a next contact time as a plan with a lifecycle, run by the followUpPlan machine: planned → due (at its time) → overdue (after policy followUp.grace) → escalated (after followUp.escalateAfter; the custodian’s managers are told); done when the next follow-up is logged; cancelled or carried to the new custodian when custody changes (followUp.onCustodyChange).',
})
export class FollowUpPlan extends WorkflowEntity {
  @Field(() => Date, { simple: true, description: 'The next contact time: the plan is due then.' })
  dueAt!: Date;

  @Field(() => Date, {
    simple: true,
    nullable: true,
    description: 'When its next deadline fires (PLAN_DUE, PLAN_OVERDUE or PLAN_ESCALATED); null once escalated, done or cancelled.',
  })
  deadlineAt!: Date | null;

  @Field(() => Date, { simple: true, description: 'When the plan was opened.' })
  createdAt!: Date;
}
