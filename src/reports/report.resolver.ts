/** The manager's reports (issue 18 §7): MANAGER and ADMIN; a department manager's cover their reach (T1). */
import { Arg, Authorized, Ctx, FieldResolver, Query, Resolver } from 'type-graphql';
import { viewerOf, type Context } from '../platform/graphql/context.js';
import type { ReportService } from './report.service.js';
import { AgingReport, AuditReport, FunnelReport, LabelCount, PerformanceReport, SeriesPoint } from './report.type.js';

/** The services these resolvers use, injected by the composition root (src/schema.ts). */
export interface ReportResolverServices {
  reports: ReportService;
}

const FROM = 'The start of the period (inclusive).';
const TO = 'The end of the period (exclusive); at most 366 days after `from` (else BAD_USER_INPUT on `to`).';

@Resolver()
export class ReportResolver {
  constructor(private readonly services: ReportResolverServices) {}

  @Authorized('MANAGER', 'ADMIN')
  @Query(() => FunnelReport, {
    description: 'The sales funnel: customers that entered, were protected, became intent and formal in the period, with conversions, and where they are now.',
  })
  funnelReport(@Arg('from', () => Date, { description: FROM }) from: Date, @Arg('to', () => Date, { description: TO }) to: Date, @Ctx() ctx: Context) {
    return this.services.reports.funnel(viewerOf(ctx), from, to);
  }

  @Authorized('MANAGER', 'ADMIN')
  @Query(() => [SeriesPoint], {
    description:
      'Pool flows per week by reason: into the pool (TERM_EXPIRED, ABANDON, REJECTION_LAPSED, INACTIVITY_EXPIRED, HANDED_OVER) and out of it (CLAIM, ASSIGN); one point per week and reason with any.',
  })
  poolFlowReport(@Arg('from', () => Date, { description: FROM }) from: Date, @Arg('to', () => Date, { description: TO }) to: Date, @Ctx() ctx: Context) {
    return this.services.reports.poolFlows(viewerOf(ctx), from, to);
  }

  @Authorized('MANAGER', 'ADMIN')
  @Query(() => AuditReport, { description: 'Audit speed: decisions in the period, median and p90 hours to decide, overdue now (A5), per decider.' })
  auditReport(@Arg('from', () => Date, { description: FROM }) from: Date, @Arg('to', () => Date, { description: TO }) to: Date, @Ctx() ctx: Context) {
    return this.services.reports.audit(viewerOf(ctx), from, to);
  }

  @Authorized('MANAGER', 'ADMIN')
  @Query(() => PerformanceReport, {
    description: 'Sales performance in the period per person and department: new customers, claims, intents, contracts (count and amount) and payments.',
  })
  salesPerformanceReport(
    @Arg('from', () => Date, { description: FROM }) from: Date,
    @Arg('to', () => Date, { description: TO }) to: Date,
    @Ctx() ctx: Context,
  ) {
    return this.services.reports.performance(viewerOf(ctx), from, to);
  }

  @Authorized('MANAGER', 'ADMIN')
  @Query(() => AgingReport, { description: 'Receivables aging (C3): outstanding amounts of confirmed contracts by days since confirmation.' })
  receivablesAgingReport(
    @Arg('asOf', () => Date, { nullable: true, description: 'The day to age from; default now.' }) asOf: Date | null,
    @Ctx() ctx: Context,
  ) {
    return this.services.reports.aging(viewerOf(ctx), asOf);
  }
}

/** The funnel's snapshot of now: a scan of the customers, made only when a client asks for it. */
@Resolver(() => FunnelReport)
export class FunnelReportResolver {
  constructor(private readonly services: ReportResolverServices) {}

  @FieldResolver(() => [LabelCount], { description: 'Customers per stage now (POOL, PROSPECT, INTENT, FORMAL), in your reach.' })
  now(@Ctx() ctx: Context) {
    return this.services.reports.stagesNow(viewerOf(ctx));
  }
}
