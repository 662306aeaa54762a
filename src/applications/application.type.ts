import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { APPLICATION_KINDS, type ApplicationKind } from '../platform/db/schema.js';
import type { ApplicationStatus } from './application.service.js';
import { Connection } from '../platform/graphql/relay.js';

export const ApplicationKindEnum = Object.fromEntries(APPLICATION_KINDS.map((k) => [k, k])) as { [K in ApplicationKind]: K };
registerEnumType(ApplicationKindEnum, { name: 'ApplicationKind', description: 'A1: PROTECTION (new customer), INTENT (P4), EXTENSION (P3).' });

const STATUSES = ['PENDING', 'APPROVED', 'REJECTED', 'WITHDRAWN', 'LAPSED'] as const;
export const ApplicationStatusEnum = Object.fromEntries(STATUSES.map((k) => [k, k])) as { [K in ApplicationStatus]: K };
registerEnumType(ApplicationStatusEnum, { name: 'ApplicationStatus' });

export enum ApplicationOrder {
  OLDEST_FIRST = 'OLDEST_FIRST',
  NEWEST_FIRST = 'NEWEST_FIRST',
}
registerEnumType(ApplicationOrder, { name: 'ApplicationOrder' });

@ObjectType({ description: 'One decision on one step.' })
export class Decision {
  @Field(() => String, { description: 'APPROVED or REJECTED.' })
  decision!: string;

  @Field(() => String, { nullable: true, description: 'The approval note or the rejection reason (A3).' })
  note!: string | null;

  @Field(() => Date)
  createdAt!: Date;

  deciderId!: string;
}

@ObjectType({ description: 'One approval step: who decides, how many must approve, and what happened.' })
export class ApprovalStep {
  @Field(() => Int)
  index!: number;

  @Field(() => String, { description: 'The role that decides this step.' })
  role!: string;

  @Field(() => String, { description: 'ANY: one holder approves. ALL: every holder must approve.' })
  mode!: string;

  @Field(() => String, { description: 'WAITING, PENDING, APPROVED or REJECTED.' })
  status!: string;

  @Field(() => [Decision])
  decisions!: Decision[];
}

@ObjectType({ description: 'P1: what the auditor checks, computed now.' })
export class ChecklistItem {
  @Field(() => String)
  code!: string;

  @Field(() => String)
  label!: string;

  @Field(() => Boolean)
  passed!: boolean;

  @Field(() => String, { nullable: true })
  detail!: string | null;
}

@ObjectType({ description: 'An application to audit (A1).' })
export class Application {
  @Field(() => ID)
  id!: string;

  @Field(() => ApplicationKindEnum)
  kind!: ApplicationKind;

  @Field(() => String, { description: 'Why the applicant asks.' })
  reason!: string;

  @Field(() => String, { nullable: true, description: 'EXTENSION: the ISO-8601 duration asked for.' })
  extension!: string | null;

  @Field(() => Int)
  version!: number;

  @Field(() => Int, { description: 'The machine version this instance runs on (P11; see migrateWorkflowInstances).' })
  machineVersion!: number;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date, { nullable: true })
  decidedAt!: Date | null;
}

@ObjectType()
export class ApplicationConnection extends Connection(Application) {}
