/** What a viewer may do with a workflow instance now, described from its machine's events. */
import { Field, ObjectType } from 'type-graphql';

/** One input an event needs, from the machine document's event info. */
@ObjectType({ description: 'One input an action needs: render a form field for it and send its value under `name`.' })
export class ActionInput {
  @Field(() => String, { description: 'The argument or input key to send the value as, e.g. reason or toUserId.' })
  name!: string;

  @Field(() => String, { description: 'The GraphQL type name of the value: String, ID, Int or DateTime.' })
  type!: string;

  @Field(() => Boolean, { description: 'True when the action is refused with BAD_USER_INPUT without this input.' })
  required!: boolean;
}

/** An event the machine accepts now from this viewer (its guards pass). */
@ObjectType({
  description:
    'An event this viewer may send now (the machine accepts it and its guards pass for this viewer): render it as a button. Send it with its dedicated mutation, or with sendWorkflowEvent when it has none.',
})
export class AvailableAction {
  @Field(() => String, { description: 'The machine event name, e.g. CLAIM, ABANDON, APPROVE, CONFIRM.' })
  event!: string;

  @Field(() => String, { description: 'A button label from the machine document, Chinese then English, e.g. 认领 Claim.' })
  label!: string;

  @Field(() => [ActionInput], { description: 'The inputs the event takes; empty when it needs none.' })
  inputs!: ActionInput[];
}
