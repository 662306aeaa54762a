import { Field, ID, InputType, registerEnumType } from 'type-graphql';
import type { FollowUpChannel, Stage } from '../platform/db/schema.js';
import { ChannelEnum, StageEnum } from './customer.type.js';

@InputType()
export class ContactInput {
  @Field(() => String)
  name!: string;

  @Field(() => String, { nullable: true })
  title?: string | null;

  @Field(() => String, { nullable: true, description: '1[3-9] + 9 digits; +86 accepted.' })
  mobile?: string | null;

  @Field(() => String, { nullable: true, description: '0 + 2–3 digit area code + 7–8 digits, hyphen optional.' })
  landline?: string | null;

  @Field(() => String, { nullable: true })
  email?: string | null;

  @Field(() => String, { nullable: true })
  note?: string | null;
}

@InputType()
class CustomerFields {
  @Field(() => String, { nullable: true })
  postcode?: string | null;

  @Field(() => String, { nullable: true })
  website?: string | null;

  @Field(() => String, { nullable: true })
  email?: string | null;

  @Field(() => String, { nullable: true })
  fax?: string | null;

  @Field(() => String, { nullable: true })
  country?: string | null;

  @Field(() => String, { nullable: true })
  region?: string | null;

  @Field(() => String, { nullable: true })
  source?: string | null;

  @Field(() => String, { nullable: true })
  level?: string | null;
}

@InputType({ description: 'E3: name, address, industry, phone and introduction are required.' })
export class CreateCustomerInput extends CustomerFields {
  @Field(() => String, { description: 'Full registered name: region + trade name + industry + form.' })
  name!: string;

  @Field(() => String)
  address!: string;

  @Field(() => String)
  industry!: string;

  @Field(() => String)
  phone!: string;

  @Field(() => String)
  introduction!: string;

  @Field(() => [ContactInput], { nullable: true })
  contacts?: ContactInput[] | null;
}

@InputType({ description: 'Only the fields given change.' })
export class UpdateCustomerInput extends CustomerFields {
  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => String, { nullable: true })
  address?: string | null;

  @Field(() => String, { nullable: true })
  industry?: string | null;

  @Field(() => String, { nullable: true })
  phone?: string | null;

  @Field(() => String, { nullable: true })
  introduction?: string | null;
}

@InputType()
export class FollowUpInput {
  @Field(() => ChannelEnum)
  channel!: FollowUpChannel;

  @Field(() => String)
  notes!: string;

  @Field(() => Date, { nullable: true, description: 'Required for a salesperson’s follow-up; must be in the future (F2).' })
  nextContactAt?: Date | null;

  @Field(() => ID, { nullable: true })
  contactId?: string | null;
}

export enum CustomerScope {
  MINE = 'MINE',
  ALL = 'ALL',
}
registerEnumType(CustomerScope, { name: 'CustomerScope', description: 'MINE: customers in my custody. ALL: everyone’s (public cards for a salesperson, P8).' });

export enum CustomerOrderField {
  CREATED_AT = 'CREATED_AT',
  NAME = 'NAME',
  PROTECTED_UNTIL = 'PROTECTED_UNTIL',
  LAST_FOLLOW_UP_AT = 'LAST_FOLLOW_UP_AT',
}
registerEnumType(CustomerOrderField, {
  name: 'CustomerOrderField',
  valuesConfig: { PROTECTED_UNTIL: { description: 'By the next deadline: the end of a protection or intent term, or the release of a rejected prospect (P1).' } },
});

export enum OrderDirection {
  ASC = 'ASC',
  DESC = 'DESC',
}
registerEnumType(OrderDirection, { name: 'OrderDirection' });

@InputType()
export class CustomerFilter {
  @Field(() => CustomerScope, { nullable: true, description: 'Default: MINE for a salesperson, ALL for others.' })
  scope?: CustomerScope | null;

  @Field(() => StageEnum, { nullable: true })
  stage?: Stage | null;

  @Field(() => String, { nullable: true, description: 'A state path, e.g. prospect.pendingAudit.' })
  state?: string | null;

  @Field(() => ID, { nullable: true })
  custodianId?: string | null;

  @Field(() => String, { nullable: true })
  industry?: string | null;

  @Field(() => String, { nullable: true })
  region?: string | null;

  @Field(() => String, { nullable: true, description: 'Part of the name.' })
  keyword?: string | null;

  @Field(() => Date, { nullable: true })
  createdFrom?: Date | null;

  @Field(() => Date, { nullable: true })
  createdTo?: Date | null;
}

@InputType()
export class CustomerOrder {
  @Field(() => CustomerOrderField)
  field!: CustomerOrderField;

  @Field(() => OrderDirection, { defaultValue: OrderDirection.ASC })
  direction!: OrderDirection;
}

@InputType()
export class PoolFilter {
  @Field(() => String, { nullable: true })
  industry?: string | null;

  @Field(() => String, { nullable: true })
  region?: string | null;

  @Field(() => String, { nullable: true })
  keyword?: string | null;
}
