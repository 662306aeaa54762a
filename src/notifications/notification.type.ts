import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { Connection } from '../platform/graphql/relay.js';
import { NOTIFICATION_KINDS, type NotificationKind } from './rules/n1-who-is-told.js';

/** The notification kinds as a GraphQL enum. */
export const NotificationKindEnum = Object.fromEntries(NOTIFICATION_KINDS.map((k) => [k, k])) as { [K in NotificationKind]: K };
registerEnumType(NotificationKindEnum, {
  name: 'NotificationKind',
  description: 'N1: what a notification tells, named after its cause.',
  valuesConfig: {
    APPLICATION_SUBMITTED: { description: 'An application waits for a step the recipient’s role decides (A1, A2); once per step.' },
    APPLICATION_DECIDED: { description: 'The recipient’s application was approved or rejected, with the decider’s reason (A2, A3).' },
    AUDIT_OVERDUE: { description: 'A pending application is past the audit SLA (A5); told to managers once.' },
    CUSTODY_ENDING: { description: 'A customer the recipient holds leaves their custody within the policy’s warnBefore (P2, P4); once per term.' },
    CUSTODY_ENDED: { description: 'A customer the recipient held went back to the pool: its term ran out or its rejection lapsed (P1, P2, P4).' },
    CUSTOMER_TRANSFERRED: { description: 'A customer was transferred to or away from the recipient (P9).' },
    CONTRACT_CONFIRMED: { description: 'A contract of a customer the recipient looks after was confirmed (C2, P6): after-sales begins.' },
    COMPLAINT_ASSIGNED: { description: 'A complaint was logged for the recipient to handle, or handed to them by a manager (V4).' },
    FOLLOW_UP_DUE: { description: 'A follow-up plan of the recipient’s fell due (F3, F6).' },
    FOLLOW_UP_OVERDUE: { description: 'A follow-up plan of the recipient’s is overdue: its grace passed (F6).' },
    FOLLOW_UP_ESCALATED: { description: 'An overdue follow-up plan was escalated to the managers (F6).' },
    TRANSITION_STUCK: { description: 'The sweeper cannot fire a deadline (see stuckTransitions); told to administrators once per failure.' },
  } satisfies Record<NotificationKind, { description: string }>,
});

/** A notification as the API shows it; resolvers return `NotificationRow`s. */
@ObjectType({ simpleResolvers: true, description: 'Something that needs the viewer (N1): only its recipient reads it.' })
export class Notification {
  @Field(() => ID, { description: 'The notification’s id: give it to markNotificationsRead.' }) id!: string;
  @Field(() => NotificationKindEnum, { description: 'What happened.' }) kind!: NotificationKind;
  @Field(() => String, {
    description:
      'What it is about: customer (also for a follow-up plan: its customer), application, contract or complaint; for a stuck transition, its machine.',
  })
  subjectType!: string;
  @Field(() => ID, { description: 'The id of what it is about (query it with customer, application, contract or complaint).' }) subjectId!: string;
  @Field(() => ID, { nullable: true, description: 'The customer it concerns, when there is one.' }) customerId!: string | null;
  @Field(() => String, { description: 'A short text in Chinese.' }) textZh!: string;
  @Field(() => String, { description: 'The same text in English.' }) textEn!: string;
  @Field(() => Date, { description: 'When it was written (the time of its cause).' }) createdAt!: Date;
  @Field(() => Date, { nullable: true, description: 'When the recipient marked it read; null while unread.' }) readAt!: Date | null;
}

/** A page of notifications. */
@ObjectType({ description: 'A page of the viewer’s notifications, newest first (Relay connection).' })
export class NotificationConnection extends Connection(Notification, 'notifications') {}
