import { Field, ID, Int, ObjectType, registerEnumType, UseMiddleware, type MiddlewareInterface, type NextFn, type ResolverData } from 'type-graphql';
import { CUSTOMER_LEVELS, STAGES, type CustomerLevel, type CustomerRow, type Stage } from '../platform/db/schema.js';
import { viewerOf, type Context } from '../platform/graphql/context.js';
import { enumValues } from '../platform/graphql/enum-values.js';
import { Connection } from '../platform/graphql/relay.js';
import { WorkflowEntity } from '../workflow/graphql/workflow-entity.type.js';
import type { CustomerService } from './customer.service.js';

/** The lifecycle stages as a GraphQL enum (values from the database enum). */
export const StageEnum = Object.fromEntries(STAGES.map((s) => [s, s])) as { [K in Stage]: K };
registerEnumType(StageEnum, {
  name: 'Stage',
  description:
    'Where a customer is in its lifecycle, derived from its machine state. A term that has run out reads as POOL at once, even before the deadline sweeper has run (P2).',
  valuesConfig: {
    POOL: { description: '公海: no custodian; any salesperson may claim it (P7).' },
    PROSPECT: { description: '潜在客户: protected by its custodian, pending audit, rejected or protected for the prospect term (P1, P2).' },
    INTENT: { description: '意向客户: confirmed interest, protected for the intent term (P4).' },
    FORMAL: { description: '正式客户: has signed a contract; with after-sales, never falls to the pool on a timer (P6).' },
  } satisfies Record<Stage, { description: string }>,
});

/** V2: the levels of the value pyramid as a GraphQL enum. */
export const CustomerLevelEnum = enumValues(CUSTOMER_LEVELS);
registerEnumType(CustomerLevelEnum, {
  name: 'CustomerLevel',
  description: 'The level of the value pyramid (V2) the sales team gives a customer; `Customer.tier` is the one its revenue earns.',
  valuesConfig: {
    VIP: { description: 'VIP客户: the few customers that bring the most.' },
    MAJOR: { description: '主要客户: large, regular buyers.' },
    ORDINARY: { description: '普通客户: the broad middle.' },
    SMALL: { description: '小客户: small or occasional buyers.' },
  } satisfies Record<CustomerLevel, { description: string }>,
});

/** P8: a field only the custodian (or a manager, auditor, after-sales) may read; others get FORBIDDEN. */
class DetailsOnly implements MiddlewareInterface<Context> {
  constructor(private readonly services: { customers: CustomerService }) {}

  use({ root, context }: ResolverData<Context>, next: NextFn): Promise<unknown> {
    this.services.customers.requireDetails(viewerOf(context), root as CustomerRow);
    return next();
  }
}

const DETAILS =
  'Details (P8): FORBIDDEN (null) unless you are its custodian, a manager, auditor, after-sales or admin, or a salesperson and it is in the pool.';

/** A company under the protection machine; resolvers return `CustomerRow`s for it. */
@ObjectType({
  description:
    'A company (E1) and its protection lifecycle (P1–P11). Anyone signed in may read its public card (E2: id, name, trade name, stage, state, custodian); fields marked “Details (P8)” are for its custodian, managers, auditors, after-sales and admins, and for any salesperson while it is in the pool. Anyone else gets FORBIDDEN on those fields, never silently empty values.',
})
export class Customer extends WorkflowEntity {
  @Field(() => String, {
    simple: true,
    description: 'The full registered name: region + trade name + industry + organisation form, e.g. 靖江市春意空调有限公司 (E1).',
  })
  name!: string;

  @Field(() => String, { simple: true, description: 'The duplicate-check key derived from the name (E1), e.g. 春意; unique among customers (E4).' })
  tradeName!: string;

  @Field(() => String, { nullable: true, description: `The industry, e.g. 空调 (required, E3). ${DETAILS}` })
  @UseMiddleware(DetailsOnly)
  industry!: string | null;

  @Field(() => String, { nullable: true, description: `The region, e.g. 靖江市; null when not given. ${DETAILS}` })
  @UseMiddleware(DetailsOnly)
  region!: string | null;

  @Field(() => String, { nullable: true, description: `The detailed address (required at entry, E3). ${DETAILS}` })
  @UseMiddleware(DetailsOnly)
  address!: string | null;

  @Field(() => String, { nullable: true, description: `The company phone, normalised: a mobile as 11 digits or a landline as 0523-84123456 (E5). ${DETAILS}` })
  @UseMiddleware(DetailsOnly)
  phone!: string | null;

  @Field(() => String, { nullable: true, description: `What the company does (required at entry, E3). ${DETAILS}` })
  @UseMiddleware(DetailsOnly)
  introduction!: string | null;

  @Field(() => String, { nullable: true, description: `The postcode, 6 digits (E5). ${DETAILS}` })
  @UseMiddleware(DetailsOnly)
  postcode!: string | null;

  @Field(() => String, { nullable: true, description: `The company website. ${DETAILS}` })
  @UseMiddleware(DetailsOnly)
  website!: string | null;

  @Field(() => String, { nullable: true, description: `The company email address. ${DETAILS}` })
  @UseMiddleware(DetailsOnly)
  email!: string | null;

  @Field(() => String, { nullable: true, description: `The fax number, normalised like a landline (E5). ${DETAILS}` })
  @UseMiddleware(DetailsOnly)
  fax!: string | null;

  @Field(() => String, { nullable: true, description: `The country; null when not given. ${DETAILS}` })
  @UseMiddleware(DetailsOnly)
  country!: string | null;

  @Field(() => String, { nullable: true, description: `Where the lead came from (free text, e.g. 展会 trade fair); null when not given. ${DETAILS}` })
  @UseMiddleware(DetailsOnly)
  source!: string | null;

  @Field(() => CustomerLevelEnum, {
    nullable: true,
    description: `The level of the value pyramid the sales team gives it (V2); null when not given. ${DETAILS}`,
  })
  @UseMiddleware(DetailsOnly)
  level!: CustomerLevel | null;

  @Field(() => String, {
    nullable: true,
    description: `A free-text level written before levels were fixed (V2), kept as it was; null for the rest. ${DETAILS}`,
  })
  @UseMiddleware(DetailsOnly)
  levelNote!: string | null;

  @Field(() => String, { nullable: true, description: `V5: the most it may owe on confirmed contracts, yuan; null = no limit. ${DETAILS}` })
  @UseMiddleware(DetailsOnly)
  creditLimit!: string | null;

  @Field(() => Int, { nullable: true, description: `V5: days after confirmation its contracts fall due; null = the policy’s. ${DETAILS}` })
  @UseMiddleware(DetailsOnly)
  creditTermDays!: number | null;

  @Field(() => ID, { nullable: true, description: `The customer that referred this one (V3); null when none is recorded. ${DETAILS}` })
  @UseMiddleware(DetailsOnly)
  referredById!: string | null;

  @Field(() => Date, { nullable: true, description: `When the last follow-up was recorded (F2); null before the first. ${DETAILS}` })
  @UseMiddleware(DetailsOnly)
  lastFollowUpAt!: Date | null;

  @Field(() => Date, {
    nullable: true,
    description: `The next contact time of the last follow-up, which drives reminders (F3); null when none is planned. ${DETAILS}`,
  })
  @UseMiddleware(DetailsOnly)
  nextContactAt!: Date | null;

  @Field(() => Date, {
    nullable: true,
    description: `When the customer was entered; set by the system (E7). It dates the prospect term, so it is a detail too. ${DETAILS}`,
  })
  @UseMiddleware(DetailsOnly)
  createdAt!: Date | null;
}

/** A page of customers. */
@ObjectType({ description: 'A page of customers (Relay connection), in the order asked for.' })
export class CustomerConnection extends Connection(Customer, 'customers') {}

/** One row of the duplicate check: only what anybody may see (P8). */
@ObjectType({ description: 'A customer the duplicate check found, with only what anybody may see: name, stage, state and custodian (E2, P8).' })
export class DuplicateMatch {
  @Field(() => ID, { description: 'The customer’s id; customer(id) gives its card (details only to those P8 allows).' })
  customerId!: string;

  @Field(() => String, { description: 'The full registered name.' })
  name!: string;

  @Field(() => String, { description: 'Its trade-name key (E1), e.g. 同创; equal keys are duplicates, keys containing one another similar (E4).' })
  tradeName!: string;

  @Field(() => StageEnum, { description: 'Its lifecycle stage now (a run-out term reads as POOL).' })
  stage!: Stage;

  @Field(() => String, { description: 'Its machine state path now, e.g. prospect.protected; a customer in protection cannot be protected again (E2).' })
  state!: string;

  @Field(() => String, { nullable: true, description: 'The display name of whoever protects it; null in the pool.' })
  custodianName!: string | null;
}
