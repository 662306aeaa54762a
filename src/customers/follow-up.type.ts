import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { FOLLOW_UP_CHANNELS, type FollowUpChannel } from '../platform/db/schema.js';
import { Connection } from '../platform/graphql/relay.js';

/** The follow-up channels as a GraphQL enum (values from the database enum). */
export const ChannelEnum = Object.fromEntries(FOLLOW_UP_CHANNELS.map((s) => [s, s])) as { [K in FollowUpChannel]: K };
registerEnumType(ChannelEnum, {
  name: 'FollowUpChannel',
  description: 'How a contact attempt was made (F2).',
  valuesConfig: {
    PHONE: { description: 'A phone call (电话).' },
    VISIT: { description: 'A visit to the customer (拜访).' },
    EMAIL: { description: 'An email.' },
    MESSAGE: { description: 'A text or chat message (短信 / 微信).' },
    MEETING: { description: 'A meeting, on site or online (会议).' },
    OTHER: { description: 'Any other way; say which in the notes.' },
  } satisfies Record<FollowUpChannel, { description: string }>,
});

/** A recorded contact attempt; resolvers return `FollowUpRow`s for it. */
// Plain properties read by graphql-js's default resolver; author and contact have resolvers of their own.
@ObjectType({
  simpleResolvers: true,
  description: 'A recorded contact attempt (F2). Append-only (F4): it is never edited or deleted; a correction is a new follow-up.',
})
export class FollowUp {
  @Field(() => ID, { description: 'The follow-up’s id.' })
  id!: string;

  @Field(() => ChannelEnum, { description: 'How the contact was made.' })
  channel!: FollowUpChannel;

  @Field(() => String, { description: 'What was said and agreed, in detail (F2).' })
  notes!: string;

  @Field(() => Date, {
    nullable: true,
    description: 'When to contact the customer next (F2); it becomes the custodian’s reminder (F3). Null when none was planned.',
  })
  nextContactAt!: Date | null;

  @Field(() => Date, { description: 'When it was recorded; set by the system.' })
  createdAt!: Date;

  customerId!: string;
  authorId!: string;
  contactId!: string | null;
}

/** A page of follow-ups. */
@ObjectType({ description: 'A page of follow-ups, newest first (Relay connection).' })
export class FollowUpConnection extends Connection(FollowUp, 'follow-ups') {}
