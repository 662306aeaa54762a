import { JSONScalar } from '../platform/graphql/json.scalar.js';
import { Field, ID, Int, ObjectType, registerEnumType, UseMiddleware, type MiddlewareInterface, type NextFn, type ResolverData } from 'type-graphql';
import type { CustomerService } from './customer.service.js';
import { FOLLOW_UP_CHANNELS, STAGES, type CustomerRow, type FollowUpChannel, type Stage } from '../platform/db/schema.js';
import { viewerOf, type Context } from '../platform/graphql/context.js';
import { Connection } from '../platform/graphql/relay.js';

export const StageEnum = Object.fromEntries(STAGES.map((s) => [s, s])) as { [K in Stage]: K };
registerEnumType(StageEnum, { name: 'Stage', description: 'Where a customer is in its lifecycle: POOL, PROSPECT, INTENT, FORMAL.' });

export const ChannelEnum = Object.fromEntries(FOLLOW_UP_CHANNELS.map((s) => [s, s])) as { [K in FollowUpChannel]: K };
registerEnumType(ChannelEnum, { name: 'FollowUpChannel' });

/** P8: a field only the custodian (or a manager, auditor, after-sales) may read; others get FORBIDDEN. */
export class DetailsOnly implements MiddlewareInterface<Context> {
  constructor(private readonly services: { customers: CustomerService }) {}

  use({ root, context }: ResolverData<Context>, next: NextFn): Promise<unknown> {
    this.services.customers.requireDetails(viewerOf(context), root as CustomerRow);
    return next();
  }
}

@ObjectType({ description: 'An input an action needs.' })
export class ActionInput {
  @Field(() => String)
  name!: string;

  @Field(() => String, { description: 'GraphQL type name, e.g. String, ID.' })
  type!: string;

  @Field(() => Boolean)
  required!: boolean;
}

@ObjectType({ description: 'An event this viewer may send now; render it as a button.' })
export class AvailableAction {
  @Field(() => String)
  event!: string;

  @Field(() => String)
  label!: string;

  @Field(() => [ActionInput])
  inputs!: ActionInput[];
}

@ObjectType({ description: 'One recorded transition (P10).' })
export class Transition {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  machine!: string;

  @Field(() => Int)
  machineVersion!: number;

  @Field(() => String)
  event!: string;

  @Field(() => String, { nullable: true })
  fromState!: string | null;

  @Field(() => String)
  toState!: string;

  @Field(() => String, { nullable: true })
  reason!: string | null;

  @Field(() => JSONScalar, { description: 'Event inputs, custody changes ([before, after]) and the new deadline.' })
  payload!: Record<string, unknown>;

  @Field(() => Date)
  createdAt!: Date;

  actorId!: string | null;
}

@ObjectType()
export class TransitionConnection extends Connection(Transition) {}

@ObjectType()
export class Contact {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String, { nullable: true, description: '职务' })
  title!: string | null;

  @Field(() => String, { nullable: true })
  mobile!: string | null;

  @Field(() => String, { nullable: true })
  landline!: string | null;

  @Field(() => String, { nullable: true })
  email!: string | null;

  @Field(() => String, { nullable: true })
  note!: string | null;

  @Field(() => Int)
  version!: number;

  @Field(() => Date)
  createdAt!: Date;

  customerId!: string;
}

@ObjectType({ description: 'A recorded contact attempt (F2); append-only (F4).' })
export class FollowUp {
  @Field(() => ID)
  id!: string;

  @Field(() => ChannelEnum)
  channel!: FollowUpChannel;

  @Field(() => String)
  notes!: string;

  @Field(() => Date, { nullable: true })
  nextContactAt!: Date | null;

  @Field(() => Date)
  createdAt!: Date;

  customerId!: string;
  authorId!: string;
  contactId!: string | null;
}

@ObjectType()
export class FollowUpConnection extends Connection(FollowUp) {}

@ObjectType({ description: 'A company (E1). Fields marked "details" are visible to its custodian, managers, auditors and after-sales only (P8).' })
export class Customer {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { description: 'Full registered name, e.g. 靖江市春意空调有限公司.' })
  name!: string;

  @Field(() => String, { description: 'The duplicate-check key derived from the name (E1), e.g. 春意.' })
  tradeName!: string;

  @Field(() => String)
  industry!: string;

  @Field(() => String, { nullable: true })
  region!: string | null;

  @Field(() => String, { nullable: true, description: 'Details (P8).' })
  @UseMiddleware(DetailsOnly)
  address!: string | null;

  @Field(() => String, { nullable: true, description: 'Details (P8).' })
  @UseMiddleware(DetailsOnly)
  phone!: string | null;

  @Field(() => String, { nullable: true, description: 'Details (P8).' })
  @UseMiddleware(DetailsOnly)
  introduction!: string | null;

  @Field(() => String, { nullable: true, description: 'Details (P8).' })
  @UseMiddleware(DetailsOnly)
  postcode!: string | null;

  @Field(() => String, { nullable: true, description: 'Details (P8).' })
  @UseMiddleware(DetailsOnly)
  website!: string | null;

  @Field(() => String, { nullable: true, description: 'Details (P8).' })
  @UseMiddleware(DetailsOnly)
  email!: string | null;

  @Field(() => String, { nullable: true, description: 'Details (P8).' })
  @UseMiddleware(DetailsOnly)
  fax!: string | null;

  @Field(() => String, { nullable: true })
  country!: string | null;

  @Field(() => String, { nullable: true })
  source!: string | null;

  @Field(() => String, { nullable: true })
  level!: string | null;

  @Field(() => Int, { description: 'Send back as expectedVersion to detect concurrent changes.' })
  version!: number;

  @Field(() => Int, { description: 'The machine version this instance runs on (P11; see migrateWorkflowInstances).' })
  machineVersion!: number;

  @Field(() => Date, { nullable: true, description: 'Details (P8).' })
  @UseMiddleware(DetailsOnly)
  lastFollowUpAt!: Date | null;

  @Field(() => Date, { nullable: true, description: 'Details (P8).' })
  @UseMiddleware(DetailsOnly)
  nextContactAt!: Date | null;

  @Field(() => Date)
  createdAt!: Date;
}

@ObjectType()
export class CustomerConnection extends Connection(Customer) {}

@ObjectType({ description: 'What the duplicate check may show anybody (E2, P8).' })
export class DuplicateMatch {
  @Field(() => ID)
  customerId!: string;

  @Field(() => String)
  name!: string;

  @Field(() => StageEnum)
  stage!: Stage;

  @Field(() => String)
  state!: string;

  @Field(() => String, { nullable: true })
  custodianName!: string | null;
}

@ObjectType()
export class ReminderItem {
  @Field(() => Customer)
  customer!: CustomerRow;
}

@ObjectType({ description: 'F3: the viewer’s home screen.' })
export class ReminderList {
  @Field(() => [ReminderItem], { description: 'Next contact time has passed.' })
  overdue!: ReminderItem[];

  @Field(() => [ReminderItem], { description: 'Due later today.' })
  today!: ReminderItem[];

  @Field(() => [ReminderItem], { description: 'Due after today, until `to`.' })
  upcoming!: ReminderItem[];

  @Field(() => [ReminderItem], { description: 'The customer leaves the viewer’s custody within the policy’s warnBefore: a protection or intent term ends (P2, P4), or a rejected prospect is about to be released to the pool (P1) unless resubmitted.' })
  expiring!: ReminderItem[];
}

