import { Field, ID, InputType } from 'type-graphql';
import type { ApplicationKind } from '../platform/db/schema.js';
import type { ApplicationStatus } from './application.service.js';
import { ApplicationKindEnum, ApplicationStatusEnum } from './application.type.js';

/** Filters of the applications list; all given conditions must hold. */
@InputType({ description: 'Narrows the applications list; every condition given must hold.' })
export class ApplicationFilter {
  @Field(() => ApplicationStatusEnum, { nullable: true, description: 'Only applications with this status, e.g. PENDING for the audit queue.' })
  status?: ApplicationStatus | null;

  @Field(() => ApplicationKindEnum, { nullable: true, description: 'Only this kind.' })
  kind?: ApplicationKind | null;

  @Field(() => Boolean, {
    nullable: true,
    description: 'A5: true for pending applications past the audit SLA (working days), false for pending ones within it.',
  })
  overdue?: boolean | null;

  @Field(() => ID, { nullable: true, description: 'Only applications for this customer.' })
  customerId?: string | null;

  @Field(() => ID, { nullable: true, description: 'Only applications made by this user.' })
  applicantId?: string | null;
}
