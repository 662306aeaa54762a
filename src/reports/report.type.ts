/** The manager's reports (issue 18 §7) as the API shows them: plain series a front end charts directly. */
import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { User } from '../users/user.type.js';

@ObjectType({ description: 'One bar or slice of a chart: a label with a count and, where money is involved, an amount.' })
export class LabelCount {
  @Field(() => String, { description: 'What is counted (a stage, an event, an age bucket …).' }) label!: string;
  @Field(() => Int, { description: 'How many.' }) count!: number;
  @Field(() => String, { nullable: true, description: 'Their amount in yuan (decimal string, 2 places); null where no money is involved.' })
  amount!: string | null;
}

@ObjectType({ description: 'One point of a time series: a period’s start, a label (the series) and its value.' })
export class SeriesPoint {
  @Field(() => Date, { description: 'The start of the period (a week starts on Monday, 00:00 in the policy’s time zone, as UTC).' }) period!: Date;
  @Field(() => String, { description: 'The series the point belongs to (e.g. the event that moved the customer).' }) label!: string;
  @Field(() => Int, { description: 'Its value.' }) value!: number;
}

@ObjectType({ description: 'A stage of the funnel: how many customers entered it in the period and what share of the stage before did.' })
export class FunnelStage {
  @Field(() => String, { description: 'ENTERED (new customers), PROTECTED (audit approved), INTENT (intent approved) or FORMAL (first contract confirmed).' })
  label!: string;
  @Field(() => Int, { description: 'Customers that entered the stage in the period.' }) count!: number;
  @Field(() => Float, {
    nullable: true,
    description: 'The count ÷ the previous stage’s count (0–1, may exceed 1 across periods); null for the first stage or after an empty one.',
  })
  conversion!: number | null;
}

@ObjectType({ description: 'The sales funnel over a period, and where the customers are now.' })
export class FunnelReport {
  @Field(() => [FunnelStage], { description: 'ENTERED → PROTECTED → INTENT → FORMAL, with the conversion between neighbours.' }) stages!: FunnelStage[];
}

@ObjectType({ description: 'Audit decisions by one decider.' })
export class AuditDecider {
  @Field(() => User, { nullable: true, description: 'The decider.' }) user!: unknown;
  @Field(() => Int, { description: 'Decisions (approvals and rejections, per step) in the period.' }) decisions!: number;
  @Field(() => Float, { nullable: true, description: 'Median hours from the application to the decision.' }) medianHours!: number | null;
  @Field(() => Float, { nullable: true, description: '90th percentile of those hours.' }) p90Hours!: number | null;
}

@ObjectType({ description: 'How fast applications are decided (A2, A5).' })
export class AuditReport {
  @Field(() => Int, { description: 'Decisions in the period.' }) decisions!: number;
  @Field(() => Float, { nullable: true, description: 'Median hours from application to decision; null without decisions.' }) medianHours!: number | null;
  @Field(() => Float, { nullable: true, description: '90th percentile of those hours.' }) p90Hours!: number | null;
  @Field(() => Int, { description: 'Applications pending now past the audit SLA (A5).' }) overdue!: number;
  @Field(() => [AuditDecider], { description: 'The same per decider, most decisions first.' }) byDecider!: AuditDecider[];
}

@ObjectType({ description: 'What one person (or department) achieved in the period.' })
export class Performance {
  @Field(() => User, { nullable: true, description: 'The person; null on a department’s row.' }) user!: unknown;
  @Field(() => ID, { description: 'Their department (of a person: the one they are in now).' }) departmentId!: string;
  @Field(() => String, { description: 'That department’s name.' }) departmentName!: string;
  @Field(() => Int, { description: 'Customers they entered.' }) newCustomers!: number;
  @Field(() => Int, { description: 'Customers they claimed from a pool (P7).' }) claims!: number;
  @Field(() => Int, { description: 'Their intent applications approved (P4).' }) intents!: number;
  @Field(() => Int, { description: 'Contracts of theirs confirmed (C2).' }) contracts!: number;
  @Field(() => String, { description: 'The amount of those contracts, yuan.' }) contractAmount!: string;
  @Field(() => String, { description: 'Payments received on their contracts (C3), yuan.' }) payments!: string;
}

@ObjectType({ description: 'Sales performance over a period, per person and per department.' })
export class PerformanceReport {
  @Field(() => [Performance], { description: 'Per person with any activity, largest contract amount first.' }) byUser!: Performance[];
  @Field(() => [Performance], { description: 'Per department (its people’s rows summed), largest contract amount first.' }) byDepartment!: Performance[];
}

@ObjectType({ description: 'Receivables (C3): what confirmed contracts still owe, by age since confirmation.' })
export class AgingReport {
  @Field(() => [LabelCount], { description: 'Buckets 0-30, 31-60, 61-90 and 90+ days: contracts and outstanding amount.' }) buckets!: LabelCount[];
  @Field(() => String, { description: 'All outstanding, yuan.' }) total!: string;
}
