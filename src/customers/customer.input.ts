import { Field, ID, InputType, registerEnumType } from 'type-graphql';
import type { Stage } from '../platform/db/schema.js';
import { ContactInput } from './contact.input.js';
import { CustomerLevelEnum, StageEnum } from './customer.type.js';
import type { CustomerLevel } from '../platform/db/schema.js';

const DETAIL_ARG =
  ' Details (P8): FORBIDDEN (extensions.argument) for a salesperson whose list may hold others’ customers (scope ALL, unless stage POOL or custodianId is their own).';

/** The optional fields create and update share (E3). */
@InputType()
class CustomerFields {
  @Field(() => String, { nullable: true, description: 'Postcode: 6 digits (E5).' })
  postcode?: string | null;

  @Field(() => String, { nullable: true, description: 'Website, e.g. www.example.cn (the scheme is optional).' })
  website?: string | null;

  @Field(() => String, { nullable: true, description: 'Company email address; must look like one.' })
  email?: string | null;

  @Field(() => String, { nullable: true, description: 'Fax: a landline number (E5).' })
  fax?: string | null;

  @Field(() => String, { nullable: true, description: 'Country (free text).' })
  country?: string | null;

  @Field(() => String, { nullable: true, description: 'Region, e.g. 靖江市 (free text).' })
  region?: string | null;

  @Field(() => String, { nullable: true, description: 'Where the lead came from (free text).' })
  source?: string | null;

  @Field(() => CustomerLevelEnum, { nullable: true, description: 'The level of the value pyramid the sales team gives it (V2).' })
  level?: CustomerLevel | null;
}

/** A new customer (createCustomer). */
@InputType({
  description:
    'A new customer (E3): name, address, industry, phone and introduction are required; the rest is optional. Problems are refused with BAD_USER_INPUT, each under its input path in `extensions.fields`.',
})
export class CreateCustomerInput extends CustomerFields {
  @Field(() => String, {
    description:
      'The full registered name, 4–100 characters: region + trade name + industry + organisation form, e.g. 靖江市春意空调有限公司 (E1). Its trade name is the duplicate key (E4).',
  })
  name!: string;

  @Field(() => String, { description: 'The detailed address, at least 6 characters.' })
  address!: string;

  @Field(() => String, { description: 'The industry, e.g. 空调.' })
  industry!: string;

  @Field(() => String, {
    description:
      'The company phone: a mobile (1[3-9] + 9 digits) or a landline (0 + area code, 7–8 digits) (E5). Any customer’s or contact’s number already entered is refused with DUPLICATE (E4).',
  })
  phone!: string;

  @Field(() => String, { description: 'What the company does, at least 10 characters; it also becomes the reason of the PROTECTION application (P1).' })
  introduction!: string;

  @Field(() => [ContactInput], {
    nullable: true,
    description: 'Contact persons entered with the customer (F1); the auditor checks that one has a valid number (P1).',
  })
  contacts?: ContactInput[] | null;
}

/** Changes to a customer's data fields (updateCustomer); never its state. */
@InputType({
  description: 'Changes to a customer’s data fields; only the fields given change, and an empty optional field clears it. The state never changes here.',
})
export class UpdateCustomerInput extends CustomerFields {
  @Field(() => String, { nullable: true, description: 'A corrected full registered name (E1); a new trade name is checked for duplicates again (E4).' })
  name?: string | null;

  @Field(() => String, { nullable: true, description: 'A corrected detailed address, at least 6 characters.' })
  address?: string | null;

  @Field(() => ID, {
    nullable: true,
    description: 'The customer that referred this one (V3): an existing customer other than this one, else BAD_USER_INPUT on input.referredById.',
  })
  referredById?: string | null;

  @Field(() => String, { nullable: true, description: 'A corrected industry.' })
  industry?: string | null;

  @Field(() => String, { nullable: true, description: 'A corrected company phone (E5); a number another customer has is refused with DUPLICATE (E4).' })
  phone?: string | null;

  @Field(() => String, { nullable: true, description: 'A corrected introduction, at least 10 characters.' })
  introduction?: string | null;
}

/** Whose customers a list shows. */
export enum CustomerScope {
  MINE = 'MINE',
  SHARED = 'SHARED',
  ALL = 'ALL',
}
registerEnumType(CustomerScope, {
  name: 'CustomerScope',
  description: 'Whose customers a list shows (P8).',
  valuesConfig: {
    MINE: { description: 'Customers in my custody now (a run-out term is no longer mine).' },
    SHARED: { description: 'T5: customers I collaborate on now (READ or WRITE), whose details I see; never a pool customer.' },
    ALL: { description: 'Everyone’s customers; a salesperson sees public cards of customers they do not hold (P8).' },
  },
});

/** What a customer list can be ordered by. */
export enum CustomerOrderField {
  CREATED_AT = 'CREATED_AT',
  NAME = 'NAME',
  PROTECTED_UNTIL = 'PROTECTED_UNTIL',
  LAST_FOLLOW_UP_AT = 'LAST_FOLLOW_UP_AT',
}
registerEnumType(CustomerOrderField, {
  name: 'CustomerOrderField',
  description: 'What a customer list is ordered by; ties are broken by id, so pages never overlap.',
  valuesConfig: {
    CREATED_AT: { description: `When the customer was entered.${DETAIL_ARG}` },
    NAME: { description: 'The full registered name (public, E2).' },
    PROTECTED_UNTIL: {
      description: `By the next deadline: the end of a protection or intent term, or the release of a rejected prospect (P1). Customers without one come last when ascending.${DETAIL_ARG}`,
    },
    LAST_FOLLOW_UP_AT: { description: `When the last follow-up was recorded; customers without any come first when ascending.${DETAIL_ARG}` },
  },
});

/** Sort direction. */
export enum OrderDirection {
  ASC = 'ASC',
  DESC = 'DESC',
}
registerEnumType(OrderDirection, {
  name: 'OrderDirection',
  description: 'Sort direction.',
  valuesConfig: {
    ASC: { description: 'Ascending: earliest, smallest or first in the alphabet first.' },
    DESC: { description: 'Descending: latest, largest or last in the alphabet first.' },
  },
});

/** Filters of the customers list; all given conditions must hold. */
@InputType({ description: 'Narrows the customers list; every condition given must hold.' })
export class CustomerFilter {
  @Field(() => CustomerScope, {
    nullable: true,
    description: 'Whose customers: default MINE for a salesperson, ALL for managers, auditors, after-sales and admins.',
  })
  scope?: CustomerScope | null;

  @Field(() => ID, { nullable: true, description: 'T2: only customers of this pool (in it, or returning to it).' })
  poolId?: string | null;

  @Field(() => StageEnum, { nullable: true, description: 'Only customers in this stage now (a run-out term counts as POOL).' })
  stage?: Stage | null;

  @Field(() => String, {
    nullable: true,
    description:
      'Only customers in this machine state now, e.g. prospect.pendingAudit; a path no version of the customer machine has is refused with BAD_USER_INPUT.',
  })
  state?: string | null;

  @Field(() => ID, { nullable: true, description: 'Only customers this user holds now.' })
  custodianId?: string | null;

  @Field(() => String, { nullable: true, description: `Only this industry (exact match).${DETAIL_ARG}` })
  industry?: string | null;

  @Field(() => String, { nullable: true, description: `Region contains this text (case-insensitive).${DETAIL_ARG}` })
  region?: string | null;

  @Field(() => String, { nullable: true, description: 'Name contains this text (case-insensitive); the name is public (E2).' })
  keyword?: string | null;

  @Field(() => Date, { nullable: true, description: `Entered at or after this time.${DETAIL_ARG}` })
  createdFrom?: Date | null;

  @Field(() => Date, { nullable: true, description: `Entered before this time.${DETAIL_ARG}` })
  createdTo?: Date | null;
}

/** The order of the customers list. */
@InputType({
  description: 'The order of the customers list. Default: newest entered first; by name (ascending) where the list holds others’ public cards (P8).',
})
export class CustomerOrder {
  @Field(() => CustomerOrderField, { description: 'What to order by.' })
  field!: CustomerOrderField;

  @Field(() => OrderDirection, { defaultValue: OrderDirection.ASC, description: 'Ascending (default) or descending.' })
  direction!: OrderDirection;
}

/** Filters of the pool list. */
@InputType({
  description: 'Narrows the pool list; every condition given must hold. Pool customers are nobody’s, so any salesperson may filter by their details (P7, P8).',
})
export class PoolFilter {
  @Field(() => ID, { nullable: true, description: 'T2: only this pool (one you belong to); default: all of yours.' })
  poolId?: string | null;

  @Field(() => String, { nullable: true, description: 'Only this industry (exact match).' })
  industry?: string | null;

  @Field(() => String, { nullable: true, description: 'Region contains this text (case-insensitive).' })
  region?: string | null;

  @Field(() => String, { nullable: true, description: 'Name contains this text (case-insensitive).' })
  keyword?: string | null;
}
