import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { WorkflowEntity } from '../workflow/graphql/workflow-entity.type.js';

/** V6: the after-sale visit steps (policy followUp.visitPlan). */
export enum VisitStepEnum {
  THANK_YOU_VISIT = 'THANK_YOU_VISIT',
  PHONE_CHECK = 'PHONE_CHECK',
  LETTER = 'LETTER',
  SATISFACTION_SURVEY = 'SATISFACTION_SURVEY',
  REFERRAL_REQUEST = 'REFERRAL_REQUEST',
  REPURCHASE_LETTER = 'REPURCHASE_LETTER',
}
registerEnumType(VisitStepEnum, {
  name: 'VisitStep',
  description: 'V6: a step of the after-sale visit plan a new formal customer’s after-sales custodian gets (policy followUp.visitPlan).',
  valuesConfig: {
    THANK_YOU_VISIT: { description: '感谢拜访: a visit to thank the customer for the order.' },
    PHONE_CHECK: { description: '电话回访: a call to check that delivery and installation went well.' },
    LETTER: { description: '致函: a letter (or e-mail) keeping in touch.' },
    SATISFACTION_SURVEY: { description: '满意度调查: a satisfaction survey.' },
    REFERRAL_REQUEST: { description: '请求推荐: asking a satisfied customer for referrals.' },
    REPURCHASE_LETTER: { description: '再次购买函: inviting the customer to order again.' },
  },
});

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

  @Field(() => VisitStepEnum, {
    simple: true,
    nullable: true,
    description: 'V6: the after-sale visit step this plan is (a follow-up completes it only once it is due); null for a next contact time.',
  })
  visitStep!: VisitStepEnum | null;

  @Field(() => Date, { simple: true, description: 'When the plan was opened.' })
  createdAt!: Date;
}
