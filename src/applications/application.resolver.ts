import DataLoader from 'dataloader';
import type { Viewer } from '../platform/auth/viewer.js';
import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { ApplicationDecisionRow, ApplicationRow, CustomerRow, UserCard } from '../platform/db/schema.js';
import { ConnectionArgs, ExpectedVersionArgs } from '../platform/graphql/args.js';
import { viewerOf, type Context } from '../platform/graphql/context.js';
import { asIs, toConnection, type ConnectionOf } from '../platform/graphql/relay.js';
import type { WorkflowEngine } from '../workflow/engine.js';
import type { WorkflowDefinition } from '../workflow/workflow.js';
import { WorkflowEntityResolver, type WorkflowEdge } from '../workflow/graphql/workflow-entity.resolver.js';
import { Customer } from '../customers/customer.type.js';
import { customerLoaders } from '../customers/customer.loaders.js';
import type { CustomerService } from '../customers/customer.service.js';
import { User } from '../users/user.type.js';
import { userLoaders } from '../users/user.loaders.js';
import type { UserService } from '../users/user.service.js';
import { statusOf, type ApplicationService, type ApplicationStatus, type StepView } from './application.service.js';
import type { ApplicationChecklistService, ChecklistItem as ChecklistRow } from './application-checklist.service.js';
import type { ApplicationDecisionService } from './application-decision.service.js';
import type { ApplicationOpeningService } from './application-opening.service.js';
import { ApplicationFilter } from './application.input.js';
import { Application, ApplicationConnection, ApplicationOrder, ApplicationStatusEnum, ApprovalStep, ChecklistItem, Decision } from './application.type.js';
import type { ApplicationFacts } from './application.machine.js';
import { applicationLoaders } from './application.loaders.js';

/** The services these resolvers use, injected by the composition root (src/schema.ts). */
export interface ApplicationResolverServices {
  applications: ApplicationService;
  applicationOpenings: ApplicationOpeningService;
  applicationDecisions: ApplicationDecisionService;
  applicationChecklist: ApplicationChecklistService;
  customers: CustomerService;
  users: UserService;
  engine: WorkflowEngine;
  workflows: { application: WorkflowDefinition<ApplicationRow, ApplicationFacts> };
}

/** How applications plug into the shared workflow fields. */
const applicationEdge: WorkflowEdge<ApplicationRow, ApplicationResolverServices> = {
  workflow: (s) => s.workflows.application,
  describe: {
    state: 'The approval machine’s state: pending, approved, rejected, withdrawn or lapsed (see status).',
    availableActions: 'What this viewer may do with it now (APPROVE, REJECT for the current step’s decider; WITHDRAW for the applicant while pending).',
    history: 'P10: every event on this application, newest first.',
  },
};

const ID_ARG = 'The application’s id.';

/** Applications and audit (A1–A5): the queue, applying, deciding. */
@Resolver(() => Application)
export class ApplicationResolver extends WorkflowEntityResolver(Application, applicationEdge) {
  @Authorized()
  @Query(() => ApplicationConnection, {
    description: 'The audit queue: auditors, managers and admins see all applications; anyone else only their own (A3). Oldest first by default.',
  })
  async applications(
    @Arg('filter', () => ApplicationFilter, { nullable: true, description: 'Which applications; default: all the viewer may see.' })
    filter: ApplicationFilter | null,
    @Arg('orderBy', () => ApplicationOrder, { nullable: true, description: 'The order; default OLDEST_FIRST.' }) orderBy: ApplicationOrder | null,
    @Args(() => ConnectionArgs) page: ConnectionArgs,
    @Ctx() ctx: Context,
  ): Promise<ConnectionOf<ApplicationRow>> {
    const rows = await this.services.applications.list(viewerOf(ctx), filter ?? {}, orderBy ?? ApplicationOrder.OLDEST_FIRST, page);
    return toConnection(rows, asIs, page);
  }

  @Authorized()
  @Query(() => Application, { description: 'One application. FORBIDDEN unless you may see it (A3); NOT_FOUND for an unknown id.' })
  async application(@Arg('id', () => ID, { description: ID_ARG }) id: string, @Ctx() ctx: Context): Promise<ApplicationRow> {
    const row = await this.services.applications.get(id);
    this.services.applications.requireSee(viewerOf(ctx), row);
    return row;
  }

  @Authorized()
  @Mutation(() => Application, {
    description:
      'P4: the custodian of a protected prospect asks to make it an intent customer. FORBIDDEN for anyone else; ILLEGAL_TRANSITION in another state; DUPLICATE while one is pending.',
  })
  async applyForIntent(
    @Arg('customerId', () => ID, { description: 'The protected prospect.' }) customerId: string,
    @Arg('reason', () => String, { description: 'The detailed reason for the auditor, at least 5 characters (P4).' }) reason: string,
    @Ctx() ctx: Context,
  ): Promise<ApplicationRow> {
    return this.services.applicationOpenings.applyForIntent(viewerOf(ctx), customerId, reason);
  }

  @Authorized()
  @Mutation(() => Application, {
    description:
      'P3: the custodian asks for a longer protection or intent term. FORBIDDEN for anyone else; ILLEGAL_TRANSITION in another state; DUPLICATE while one is pending.',
  })
  async applyForExtension(
    @Arg('customerId', () => ID, { description: 'The customer in your custody.' }) customerId: string,
    @Arg('reason', () => String, { description: 'Why the term should be longer, at least 5 characters.' }) reason: string,
    @Arg('days', () => Int, {
      nullable: true,
      description: 'Days to add; default the policy’s extension term (15 days), at most its maximum (else BAD_USER_INPUT).',
    })
    days: number | null,
    @Ctx() ctx: Context,
  ): Promise<ApplicationRow> {
    return this.services.applicationOpenings.applyForExtension(viewerOf(ctx), customerId, reason, days);
  }

  @Authorized()
  @Mutation(() => Application, {
    description:
      'A2/A4: approves the current step as one of its deciders; the last approval moves the customer in the same transaction. Nobody approves their own application (FORBIDDEN).',
  })
  async approveApplication(
    @Arg('id', () => ID, { description: ID_ARG }) id: string,
    @Arg('note', () => String, { nullable: true, description: 'An optional note for the applicant.' }) note: string | null,
    @Args(() => ExpectedVersionArgs) { expectedVersion }: ExpectedVersionArgs,
    @Ctx() ctx: Context,
  ): Promise<ApplicationRow> {
    return this.services.applicationDecisions.approve(viewerOf(ctx), id, note, expectedVersion);
  }

  @Authorized()
  @Mutation(() => Application, {
    description: 'A3: rejects the application as a decider of its current step; a rejected PROTECTION application starts the P1 release term.',
  })
  async rejectApplication(
    @Arg('id', () => ID, { description: ID_ARG }) id: string,
    @Arg('reason', () => String, { description: 'Why, for the applicant to act on (A3); required.' }) reason: string,
    @Args(() => ExpectedVersionArgs) { expectedVersion }: ExpectedVersionArgs,
    @Ctx() ctx: Context,
  ): Promise<ApplicationRow> {
    return this.services.applicationDecisions.reject(viewerOf(ctx), id, reason, expectedVersion);
  }

  @Authorized()
  @Mutation(() => Application, {
    description: 'A2: the applicant withdraws a pending application; a withdrawn PROTECTION application leaves the customer rejected (P1).',
  })
  async withdrawApplication(@Arg('id', () => ID, { description: ID_ARG }) id: string, @Ctx() ctx: Context): Promise<ApplicationRow> {
    return this.services.applicationDecisions.withdraw(viewerOf(ctx), id);
  }

  @FieldResolver(() => ApplicationStatusEnum, { description: 'Where it stands: its machine state as an enum; PENDING until decided, withdrawn or lapsed.' })
  status(@Root() row: ApplicationRow): ApplicationStatus {
    return statusOf(row.state);
  }

  @FieldResolver(() => Customer, { description: 'The customer it is about (its details follow P8).' })
  async customer(@Root() row: ApplicationRow, @Ctx() ctx: Context): Promise<CustomerRow | null> {
    return ctx.scope.use(customerLoaders, this.services).customerById.load(row.customerId);
  }

  @FieldResolver(() => User, { description: 'Who applied (for PROTECTION, who entered the customer).' })
  async applicant(@Root() row: ApplicationRow, @Ctx() ctx: Context): Promise<UserCard | null> {
    return ctx.scope.use(userLoaders, this.services).userById.load(row.applicantId);
  }

  @FieldResolver(() => Boolean, { description: 'A5: pending past the audit SLA (working days of the policy calendar).' })
  overdue(@Root() row: ApplicationRow): boolean {
    return this.services.applications.isOverdue(row);
  }

  @FieldResolver(() => Date, { description: 'A5: when it becomes overdue if still pending: made + the audit SLA in working days.' })
  dueAt(@Root() row: ApplicationRow): Date {
    return this.services.applications.dueAt(row);
  }

  @FieldResolver(() => [ApprovalStep], { description: 'Its approval steps in order, with their decisions.' })
  async steps(@Root() row: ApplicationRow, @Ctx() ctx: Context): Promise<StepView[]> {
    return this.services.applications.steps(row, await this.decisions(row, ctx));
  }

  @FieldResolver(() => String, { nullable: true, description: 'A3: why it was rejected; null unless rejected.' })
  async rejectionReason(@Root() row: ApplicationRow, @Ctx() ctx: Context): Promise<string | null> {
    return (await this.decisions(row, ctx)).find((d) => d.decision === 'REJECTED')?.note ?? null;
  }

  @FieldResolver(() => [ChecklistItem], {
    nullable: true,
    description:
      'P1: for a PROTECTION application, the audit checklist; F1: for an INTENT one, THREE_CONTACTS; null for other kinds. Frozen when decided or withdrawn: later reads return it as it was then. While pending (or closed without a stored checklist) it is computed now, and only for viewers who may see the customer’s details; others get FORBIDDEN (null, P8).',
  })
  async checklist(@Root() row: ApplicationRow, @Ctx() ctx: Context): Promise<ChecklistRow[] | null> {
    // One batch for every application of the request (the audit queue): a few statements, not a few per row.
    const viewer = viewerOf(ctx);
    const loader = ctx.scope.use(checklistLoader, { checklist: this.services.applicationChecklist, viewer });
    return loader.load(row);
  }

  private decisions(row: ApplicationRow, ctx: Context): Promise<ApplicationDecisionRow[]> {
    return ctx.scope.use(applicationLoaders, this.services).decisionsByApplicationId.load(row.id);
  }
}

/** The checklists of a request's applications, read together (see ApplicationChecklistService.readableBy). */
function checklistLoader({ checklist, viewer }: { checklist: ApplicationChecklistService; viewer: Viewer }) {
  return new DataLoader<ApplicationRow, ChecklistRow[] | null, string>((rows) => checklist.readableBy(viewer, rows), { cacheKeyFn: (r) => r.id });
}

/** Who decided. */
@Resolver(() => Decision)
export class DecisionResolver {
  constructor(private readonly services: ApplicationResolverServices) {}

  @FieldResolver(() => User, { description: 'Who decided.' })
  async decider(@Root() row: Decision, @Ctx() ctx: Context): Promise<UserCard | null> {
    return ctx.scope.use(userLoaders, this.services).userById.load(row.deciderId);
  }
}

/** A customer's applications (a customer detail). */
@Resolver(() => Customer)
export class CustomerApplicationsResolver {
  constructor(private readonly services: ApplicationResolverServices) {}

  @FieldResolver(() => [Application], {
    nullable: true,
    description: 'Its applications, newest first. Details (P8): FORBIDDEN (null) unless you may see its details.',
  })
  async applications(@Root() row: CustomerRow, @Ctx() ctx: Context): Promise<ApplicationRow[]> {
    this.services.customers.requireDetails(viewerOf(ctx), row);
    return ctx.scope.use(applicationLoaders, this.services).applicationsByCustomerId.load(row.id);
  }
}
