/** V4 in GraphQL: the complaint, its enums, inputs and report. */
import { enumValues } from '../platform/graphql/enum-values.js';
import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import {
  COMPLAINT_CATEGORIES,
  COMPLAINT_CHANNELS,
  COMPLAINT_SEVERITIES,
  type ComplaintCategory,
  type ComplaintChannel,
  type ComplaintSeverity,
} from '../platform/db/schema.js';
import { Connection } from '../platform/graphql/relay.js';
import { WorkflowEntity } from '../workflow/graphql/workflow-entity.type.js';
import { LabelCount } from '../reports/report.type.js';

export const ComplaintChannelEnum = enumValues(COMPLAINT_CHANNELS);
registerEnumType(ComplaintChannelEnum, {
  name: 'ComplaintChannel',
  description: 'How a complaint came in (V4).',
  valuesConfig: {
    PHONE: { description: '电话 By phone.' },
    EMAIL: { description: '邮件 By email.' },
    VISIT: { description: '上门 In person.' },
    WECHAT: { description: '微信 By WeChat.' },
    OTHER: { description: 'Any other way.' },
  } satisfies Record<ComplaintChannel, { description: string }>,
});

export const ComplaintCategoryEnum = enumValues(COMPLAINT_CATEGORIES);
registerEnumType(ComplaintCategoryEnum, {
  name: 'ComplaintCategory',
  description: 'What a complaint is about (V4).',
  valuesConfig: {
    QUALITY: { description: '质量 The product’s quality.' },
    DELIVERY: { description: '交付 Delivery and installation.' },
    SERVICE: { description: '服务 Service and attitude.' },
    BILLING: { description: '账务 Invoices and payments.' },
    OTHER: { description: 'Anything else.' },
  } satisfies Record<ComplaintCategory, { description: string }>,
});

export const ComplaintSeverityEnum = enumValues(COMPLAINT_SEVERITIES);
registerEnumType(ComplaintSeverityEnum, {
  name: 'ComplaintSeverity',
  description: 'How bad a complaint is (V4).',
  valuesConfig: {
    LOW: { description: 'An annoyance.' },
    MEDIUM: { description: 'A real problem.' },
    HIGH: { description: 'Hurts the customer’s business.' },
    CRITICAL: { description: 'The customer may leave; a manager should look now.' },
  } satisfies Record<ComplaintSeverity, { description: string }>,
});

@ObjectType({
  description:
    'V4: a complaint about a customer’s order or service, run by the complaint machine: open → inProgress → resolved → closed (reopen). Complaints are customer details (P8).',
})
export class Complaint extends WorkflowEntity {
  @Field(() => ComplaintChannelEnum, { simple: true, description: 'How it came in.' }) channel!: ComplaintChannel;
  @Field(() => ComplaintCategoryEnum, { simple: true, description: 'What it is about.' }) category!: ComplaintCategory;
  @Field(() => ComplaintSeverityEnum, { simple: true, description: 'How bad it is.' }) severity!: ComplaintSeverity;
  @Field(() => String, { simple: true, description: 'One line: what the customer complains about (2–200 characters).' }) subject!: string;
  @Field(() => String, { simple: true, description: 'What happened, in the customer’s words (5–2000 characters).' }) description!: string;
  @Field(() => String, { nullable: true, simple: true, description: 'How it was resolved (the latest resolution); null before.' })
  resolution!: string | null;
  @Field(() => Boolean, {
    nullable: true,
    simple: true,
    description: 'Resolved by its first handler with no reopening and no hand-off (V4: first-contact resolution); null while unresolved.',
  })
  resolvedOnFirstContact!: boolean | null;
  @Field(() => Date, { nullable: true, simple: true, description: 'When it was (last) resolved; null while unresolved.' }) resolvedAt!: Date | null;
  @Field(() => Date, { nullable: true, simple: true, description: 'When it was closed; null while open.' }) closedAt!: Date | null;
  @Field(() => Date, { simple: true, description: 'When it was logged; the SLA (policy complaint.slaTerm) counts from here.' }) createdAt!: Date;
}

@ObjectType({ description: 'A page of complaints (Relay connection), newest first.' })
export class ComplaintConnection extends Connection(Complaint, 'complaints') {}

@InputType({ description: 'A new complaint (V4). Text is trimmed; too short or too long is BAD_USER_INPUT under its path.' })
export class OpenComplaintInput {
  @Field(() => ID, { description: 'The customer it is about; you must see its details (P8).' }) customerId!: string;
  @Field(() => ComplaintChannelEnum, { description: 'How it came in.' }) channel!: ComplaintChannel;
  @Field(() => ComplaintCategoryEnum, { description: 'What it is about.' }) category!: ComplaintCategory;
  @Field(() => ComplaintSeverityEnum, { description: 'How bad it is.' }) severity!: ComplaintSeverity;
  @Field(() => String, { description: 'One line, 2–200 characters.' }) subject!: string;
  @Field(() => String, { description: 'What happened, 5–2000 characters.' }) description!: string;
  @Field(() => ID, {
    nullable: true,
    description: 'Its handler, an active AFTER_SALES user; default: the customer’s after-sales custodian, else the one with the fewest unresolved complaints.',
  })
  handlerId?: string | null;
}

@InputType({ description: 'Narrows the complaints list; every condition given must hold.' })
export class ComplaintFilter {
  @Field(() => ID, { nullable: true, description: 'Only this customer’s.' }) customerId?: string | null;
  @Field(() => ID, { nullable: true, description: 'Only those this user handles.' }) handlerId?: string | null;
  @Field(() => String, { nullable: true, description: 'Only in this machine state (open, inProgress, resolved, closed); another is BAD_USER_INPUT.' })
  state?: string | null;
  @Field(() => ComplaintCategoryEnum, { nullable: true, description: 'Only of this category.' }) category?: ComplaintCategory | null;
  @Field(() => Boolean, { nullable: true, description: 'true: only unresolved ones logged longer ago than policy complaint.slaTerm; false: only the others.' })
  overdue?: boolean | null;
}

@ObjectType({ description: 'A day’s count.' })
export class DayCount {
  @Field(() => String, { description: 'The local day (policy time zone), YYYY-MM-DD.' }) period!: string;
  @Field(() => Int, { description: 'Complaints logged that day.' }) value!: number;
}

@ObjectType({ description: 'V4: complaints in a period, over your reach (T1).' })
export class ComplaintReport {
  @Field(() => [DayCount], { description: 'Complaints logged per day (days with none left out).' }) perDay!: DayCount[];
  @Field(() => [LabelCount], { description: 'Complaints logged per category, most first.' }) byCategory!: LabelCount[];
  @Field(() => Int, { description: 'Complaints resolved in the period.' }) resolved!: number;
  @Field(() => Float, { nullable: true, description: 'The share of those resolved on first contact; null without any.' })
  firstContactResolutionRate!: number | null;
  @Field(() => Int, { description: 'Unresolved now and logged longer ago than policy complaint.slaTerm.' }) overdue!: number;
}
