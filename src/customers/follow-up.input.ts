import { Field, ID, InputType } from 'type-graphql';
import type { FollowUpChannel } from '../platform/db/schema.js';
import { ChannelEnum } from './follow-up.type.js';

/** A contact attempt as recorded (F2). */
@InputType({ description: 'A contact attempt to record (F2). Problems are refused with BAD_USER_INPUT, each under its input path in `extensions.fields`.' })
export class FollowUpInput {
  @Field(() => ChannelEnum, { description: 'How the contact was made.' })
  channel!: FollowUpChannel;

  @Field(() => String, { description: 'What was said and agreed: at least 5 characters and not one character repeated.' })
  notes!: string;

  @Field(() => Date, {
    nullable: true,
    description: 'When to contact the customer next; must be in the future. Required when a salesperson records the follow-up (F2).',
  })
  nextContactAt?: Date | null;

  @Field(() => ID, {
    nullable: true,
    description: 'The contact person spoken to; must be a contact of this customer who has not left the company (F5: BAD_USER_INPUT otherwise).',
  })
  contactId?: string | null;
}
