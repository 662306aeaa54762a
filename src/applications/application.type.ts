import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { APPLICATION_KINDS, type ApplicationKind } from '../platform/db/schema.js';
import { Connection } from '../platform/graphql/relay.js';
import { WorkflowEntity } from '../workflow/graphql/workflow-entity.type.js';
import type { ApplicationStatus } from './application.service.js';

/** The application kinds as a GraphQL enum (values from the database enum). */
export const ApplicationKindEnum = Object.fromEntries(APPLICATION_KINDS.map((k) => [k, k])) as { [K in ApplicationKind]: K };
registerEnumType(ApplicationKindEnum, {
  name: 'ApplicationKind',
  description: 'A1: what an application asks the auditors for.',
  valuesConfig: {
    PROTECTION: { description: 'Protection of a newly entered (or corrected and resubmitted) customer (P1); opened by the system at entry.' },
    INTENT: { description: 'Conversion of a protected prospect to an intent customer, starting the intent term (P4).' },
    EXTENSION: { description: 'A longer protection or intent term (P3).' },
    CREDIT: {
      description:
        'A contract whose confirmation would take the customer over its credit limit (V5); opened by confirmContract, decided by a MANAGER (policy).',
    },
  } satisfies Record<ApplicationKind, { description: string }>,
});

const STATUSES = ['PENDING', 'APPROVED', 'REJECTED', 'WITHDRAWN', 'LAPSED'] as const;
/** The application statuses (its machine's top-level states, upper-cased). */
export const ApplicationStatusEnum = Object.fromEntries(STATUSES.map((k) => [k, k])) as { [K in ApplicationStatus]: K };
registerEnumType(ApplicationStatusEnum, {
  name: 'ApplicationStatus',
  description: 'Where an application stands (its machine state).',
  valuesConfig: {
    PENDING: { description: 'Waiting for the current step’s decider (A2); overdue after the audit SLA (A5).' },
    APPROVED: { description: 'Every step approved; the customer moved in the same transaction (A4).' },
    REJECTED: { description: 'An auditor rejected it with a reason the applicant sees (A3).' },
    WITHDRAWN: { description: 'The applicant withdrew it while pending (A2).' },
    LAPSED: { description: 'Closed by the system: the customer left the state the application was for.' },
  } satisfies Record<ApplicationStatus, { description: string }>,
});

/** The orders of the applications list. */
export enum ApplicationOrder {
  OLDEST_FIRST = 'OLDEST_FIRST',
  NEWEST_FIRST = 'NEWEST_FIRST',
}
registerEnumType(ApplicationOrder, {
  name: 'ApplicationOrder',
  description: 'The order of the applications list, by when they were made.',
  valuesConfig: {
    OLDEST_FIRST: { description: 'Oldest first: the audit queue’s order (the default).' },
    NEWEST_FIRST: { description: 'Newest first.' },
  },
});

/** One decision on one step; resolvers return `ApplicationDecisionRow`s for it. */
@ObjectType({ description: 'One decider’s decision on one approval step.' })
export class Decision {
  @Field(() => String, { description: 'APPROVED or REJECTED.' })
  decision!: string;

  @Field(() => String, {
    nullable: true,
    description: 'The approval note, or the rejection reason the applicant sees (A3); null for an approval without a note.',
  })
  note!: string | null;

  @Field(() => Date, { description: 'When the decision was made.' })
  createdAt!: Date;

  deciderId!: string;
}

/** One approval step of an application, as the policy set it when the application was made. */
@ObjectType({
  description:
    'One approval step: who decides, how many must approve, and what happened. Steps come from the policy when the application is made and run in order.',
})
export class ApprovalStep {
  @Field(() => Int, { description: 'The step’s position, from 0.' })
  index!: number;

  @Field(() => String, { description: 'The role whose holders decide this step, e.g. AUDITOR.' })
  role!: string;

  @Field(() => String, { description: 'ANY: one holder’s approval completes the step. ALL: every active holder (except the applicant) must approve.' })
  mode!: string;

  @Field(() => String, { description: 'WAITING (a later step), PENDING (being decided), APPROVED or REJECTED.' })
  status!: string;

  @Field(() => [Decision], { description: 'The decisions made on this step, oldest first.' })
  decisions!: Decision[];
}

/** One line of an audit checklist (P1 on protection, F1 on intent applications). */
@ObjectType({
  description:
    'P1/F1: one thing the auditor checks on a protection or intent application, from the customer’s data: now while pending, as it was when decided after that (P8). A warning: no item blocks a decision.',
})
export class ChecklistItem {
  @Field(() => String, {
    description:
      'Protection (P1): FULL_NAME, ADDRESS, CONTACT_NUMBER, NOT_PROTECTED_ELSEWHERE or SIMILAR_NAME (E4: other customers’ trade-name keys contain this one’s or are contained in it). Intent (F1): THREE_CONTACTS (at least policy application.minContactsForIntent named contacts, 3 by default, who have not left the company, F5).',
  })
  code!: string;

  @Field(() => String, { description: 'What is checked, Chinese then English.' })
  label!: string;

  @Field(() => Boolean, { description: 'Whether the check passes (now while pending; at the decision once decided).' })
  passed!: boolean;

  @Field(() => String, {
    nullable: true,
    description: 'What was found, e.g. the derived trade name or the similar customers; null when there is nothing to add.',
  })
  detail!: string | null;
}

/** An application under the approval machine; resolvers return `ApplicationRow`s for it. */
@ObjectType({
  description: 'An application to audit (A1). Its applicant, and auditors, managers, admins and holders of its step roles, may see it; others get FORBIDDEN.',
})
export class Application extends WorkflowEntity {
  @Field(() => ApplicationKindEnum, {
    description: 'What it asks for: protection of a new customer (P1), intent conversion (P4), a longer term (P3) or credit for a contract (V5).',
  })
  kind!: ApplicationKind;

  @Field(() => String, { description: 'Why the applicant asks (at least 5 characters); for PROTECTION, the customer’s introduction.' })
  reason!: string;

  @Field(() => String, { nullable: true, description: 'EXTENSION only: the ISO 8601 duration asked for, e.g. P15D; null for other kinds.' })
  extension!: string | null;

  @Field(() => ID, { nullable: true, description: 'CREDIT only (V5): the contract waiting in credit review for this decision; null for other kinds.' })
  contractId!: string | null;

  @Field(() => Date, { description: 'When it was made; the audit SLA (A5) counts from here.' })
  createdAt!: Date;

  @Field(() => Date, { nullable: true, description: 'When it was approved, rejected or withdrawn; null while pending and for a lapsed one.' })
  decidedAt!: Date | null;
}

/** A page of applications. */
@ObjectType({ description: 'A page of applications (Relay connection), in the order asked for.' })
export class ApplicationConnection extends Connection(Application, 'applications') {}
