import { Arg, Authorized, Ctx, Field, FieldResolver, ID, InputType, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { ApplicationKind, ApplicationRow, CustomerRow } from '../platform/db/schema.js';
import { statusOf, type ApplicationStatus } from './application.service.js';
import { viewerOf, type Context } from '../platform/graphql/context.js';
import { AvailableAction, Customer, TransitionConnection } from '../customers/customer.type.js';
import { toConnection } from '../platform/graphql/relay.js';
import { availableActionsOf, historyOf } from '../workflow/graphql/workflow-fields.js';
import { User } from '../users/user.type.js';
import { Application, ApplicationConnection, ApplicationKindEnum, ApplicationOrder, ApplicationStatusEnum, ApprovalStep, ChecklistItem, Decision } from './application.type.js';
import type { ApplicationService } from './application.service.js';
import type { CustomerService } from '../customers/customer.service.js';
import type { UserService } from '../users/user.service.js';
import type { WorkflowEngine } from '../workflow/engine.js';
import type { WorkflowDefinition } from '../workflow/workflow.js';
import type { ApplicationFacts } from './application.machine.js';
import { applicationLoaders } from './application.loaders.js';
import { customerLoaders } from '../customers/customer.loaders.js';
import { userLoaders } from '../users/user.loaders.js';

/** The services these resolvers use, injected by the composition root (src/schema.ts). */
export interface ApplicationResolverServices {
  applications: ApplicationService;
  customers: CustomerService;
  users: UserService;
  engine: WorkflowEngine;
  workflows: { application: WorkflowDefinition<ApplicationRow, ApplicationFacts> };
}

@InputType()
export class ApplicationFilter {
  @Field(() => ApplicationStatusEnum, { nullable: true })
  status?: ApplicationStatus | null;

  @Field(() => ApplicationKindEnum, { nullable: true })
  kind?: ApplicationKind | null;

  @Field(() => Boolean, { nullable: true, description: 'A5: pending longer than the audit SLA.' })
  overdue?: boolean | null;

  @Field(() => ID, { nullable: true })
  customerId?: string | null;

  @Field(() => ID, { nullable: true })
  applicantId?: string | null;
}

@Resolver(() => Application)
export class ApplicationResolver {
  constructor(private readonly services: ApplicationResolverServices) {}

  @Authorized()
  @Query(() => ApplicationConnection, { description: 'The audit queue (oldest pending first by default); a salesperson sees their own (A3).' })
  async applications(
    @Arg('filter', () => ApplicationFilter, { nullable: true }) filter: ApplicationFilter | null,
    @Arg('orderBy', () => ApplicationOrder, { nullable: true }) orderBy: ApplicationOrder | null,
    @Arg('first', () => Int, { nullable: true }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: Context,
  ): Promise<ApplicationConnection> {
    const page = await this.services.applications.list(viewerOf(ctx), filter ?? {}, orderBy ?? ApplicationOrder.OLDEST_FIRST, { first, after });
    return toConnection(page, (r) => r, after !== null) as unknown as ApplicationConnection;
  }

  @Authorized()
  @Query(() => Application)
  async application(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<ApplicationRow> {
    const row = await this.services.applications.get(id);
    this.services.applications.requireSee(viewerOf(ctx), row);
    return row;
  }

  @Authorized()
  @Mutation(() => Application, { description: 'P4: the custodian of a protected prospect asks to make it an intent customer.' })
  async applyForIntent(@Arg('customerId', () => ID) customerId: string, @Arg('reason', () => String) reason: string, @Ctx() ctx: Context): Promise<ApplicationRow> {
    return this.services.applications.applyForIntent(viewerOf(ctx), customerId, reason);
  }

  @Authorized()
  @Mutation(() => Application, { description: 'P3: ask for a longer term; days default to and are capped by the policy.' })
  async applyForExtension(
    @Arg('customerId', () => ID) customerId: string,
    @Arg('reason', () => String) reason: string,
    @Arg('days', () => Int, { nullable: true }) days: number | null,
    @Ctx() ctx: Context,
  ): Promise<ApplicationRow> {
    return this.services.applications.applyForExtension(viewerOf(ctx), customerId, reason, days);
  }

  @Authorized()
  @Mutation(() => Application, { description: 'A2/A4: approve the current step; the last approval moves the customer in the same transaction.' })
  async approveApplication(
    @Arg('id', () => ID) id: string,
    @Arg('note', () => String, { nullable: true }) note: string | null,
    @Arg('expectedVersion', () => Int, { nullable: true }) expectedVersion: number | null,
    @Ctx() ctx: Context,
  ): Promise<ApplicationRow> {
    return this.services.applications.approve(viewerOf(ctx), id, note, expectedVersion);
  }

  @Authorized()
  @Mutation(() => Application, { description: 'A3: reject with a reason the applicant sees.' })
  async rejectApplication(
    @Arg('id', () => ID) id: string,
    @Arg('reason', () => String) reason: string,
    @Arg('expectedVersion', () => Int, { nullable: true }) expectedVersion: number | null,
    @Ctx() ctx: Context,
  ): Promise<ApplicationRow> {
    return this.services.applications.reject(viewerOf(ctx), id, reason, expectedVersion);
  }

  @Authorized()
  @Mutation(() => Application, { description: 'A2: the applicant withdraws a pending application.' })
  async withdrawApplication(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<ApplicationRow> {
    return this.services.applications.withdraw(viewerOf(ctx), id);
  }

  @FieldResolver(() => ApplicationStatusEnum)
  status(@Root() row: ApplicationRow): ApplicationStatus {
    return statusOf(row.state);
  }

  @FieldResolver(() => String, { description: 'The machine state.' })
  state(@Root() row: ApplicationRow): string {
    return row.state;
  }

  @FieldResolver(() => Customer, { description: 'The customer card (details follow P8).' })
  async customer(@Root() row: ApplicationRow, @Ctx() ctx: Context): Promise<CustomerRow | null> {
    return ctx.scope.use(customerLoaders, this.services).customerById.load(row.customerId);
  }

  @FieldResolver(() => User)
  async applicant(@Root() row: ApplicationRow, @Ctx() ctx: Context) {
    return ctx.scope.use(userLoaders, this.services).userById.load(row.applicantId);
  }

  @FieldResolver(() => Boolean, { description: 'A5: pending longer than the audit SLA (working days).' })
  overdue(@Root() row: ApplicationRow, @Ctx() ctx: Context): boolean {
    return this.services.applications.isOverdue(row);
  }

  @FieldResolver(() => Date, { description: 'When a pending application becomes overdue.' })
  dueAt(@Root() row: ApplicationRow, @Ctx() ctx: Context): Date {
    return this.services.applications.dueAt(row);
  }

  @FieldResolver(() => [ApprovalStep])
  async steps(@Root() row: ApplicationRow, @Ctx() ctx: Context): Promise<ApprovalStep[]> {
    return this.services.applications.steps(row, await ctx.scope.use(applicationLoaders, this.services).decisionsByApplicationId.load(row.id));
  }

  @FieldResolver(() => String, { nullable: true, description: 'A3: why it was rejected.' })
  async rejectionReason(@Root() row: ApplicationRow, @Ctx() ctx: Context): Promise<string | null> {
    const decisions = await ctx.scope.use(applicationLoaders, this.services).decisionsByApplicationId.load(row.id);
    return decisions.find((d) => d.decision === 'REJECTED')?.note ?? null;
  }

  @FieldResolver(() => [ChecklistItem], { nullable: true, description: 'P1: for PROTECTION applications, the audit checklist computed now.' })
  async checklist(@Root() row: ApplicationRow, @Ctx() ctx: Context): Promise<ChecklistItem[] | null> {
    return row.kind === 'PROTECTION' ? this.services.applications.checklist(row) : null;
  }

  @FieldResolver(() => [AvailableAction], { description: 'What this viewer may do with it now.' })
  async availableActions(@Root() row: ApplicationRow, @Ctx() ctx: Context): Promise<AvailableAction[]> {
    return availableActionsOf(this.services.engine, ctx, this.services.workflows.application, row);
  }

  @FieldResolver(() => TransitionConnection)
  async history(
    @Root() row: ApplicationRow,
    @Arg('first', () => Int, { nullable: true }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: Context,
  ): Promise<TransitionConnection> {
    return historyOf(this.services.engine, ctx, row.id, first, after);
  }
}

@Resolver(() => Decision)
export class DecisionResolver {
  constructor(private readonly services: ApplicationResolverServices) {}

  @FieldResolver(() => User)
  async decider(@Root() row: Decision, @Ctx() ctx: Context) {
    return ctx.scope.use(userLoaders, this.services).userById.load(row.deciderId);
  }
}

@Resolver(() => Customer)
export class CustomerApplicationsResolver {
  constructor(private readonly services: ApplicationResolverServices) {}

  @FieldResolver(() => [Application], { nullable: true, description: 'This customer’s applications, newest first. Details (P8).' })
  async applications(@Root() row: CustomerRow, @Ctx() ctx: Context): Promise<ApplicationRow[]> {
    this.services.customers.requireDetails(viewerOf(ctx), row);
    return ctx.scope.use(applicationLoaders, this.services).applicationsByCustomerId.load(row.id);
  }
}
