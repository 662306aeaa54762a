/** V4: complaints in GraphQL — log, handle, close, reopen, list and the report. */
import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { ComplaintRow, CustomerRow, UserCard } from '../platform/db/schema.js';
import { ConnectionArgs, ExpectedVersionArgs } from '../platform/graphql/args.js';
import { viewerOf, type Context } from '../platform/graphql/context.js';
import { asIs, toConnection, type ConnectionOf } from '../platform/graphql/relay.js';
import { NotFoundError } from '../platform/errors.js';
import type { WorkflowEngine } from '../workflow/engine.js';
import type { WorkflowDefinition } from '../workflow/workflow.js';
import { WorkflowEntityResolver, type WorkflowEdge } from '../workflow/graphql/workflow-entity.resolver.js';
import { Customer } from '../customers/customer.type.js';
import { customerLoaders } from '../customers/customer.loaders.js';
import type { CustomerService } from '../customers/customer.service.js';
import { User } from '../users/user.type.js';
import { userLoaders } from '../users/user.loaders.js';
import type { UserService } from '../users/user.service.js';
import type { ComplaintFacts } from './complaint.machine.js';
import { complaintLoaders } from './complaint.loaders.js';
import type { ComplaintService } from './complaint.service.js';
import type { ComplaintReportService } from './complaint-report.js';
import { Complaint, ComplaintConnection, ComplaintFilter, ComplaintReport, OpenComplaintInput } from './complaint.type.js';

/** The services these resolvers use, injected by the composition root (src/schema.ts). */
export interface ComplaintResolverServices {
  complaints: ComplaintService;
  complaintReports: ComplaintReportService;
  customers: CustomerService;
  users: UserService;
  engine: WorkflowEngine;
  workflows: { complaint: WorkflowDefinition<ComplaintRow, ComplaintFacts> };
}

const ID_ARG = 'The complaint’s id; unknown: NOT_FOUND.';

const complaintEdge: WorkflowEdge<ComplaintRow, ComplaintResolverServices> = {
  workflow: (s) => s.workflows.complaint,
  current: (s, row) => s.complaints.project(row),
  describe: {
    state: 'The complaint machine’s state now: open, inProgress, resolved or closed (a resolved one past policy complaint.autoCloseAfter reads as closed).',
    availableActions:
      'What you may do now: START and RESOLVE (its handler), REASSIGN (a manager), CLOSE and REOPEN (who logged it, the customer’s custodian, a manager).',
    history: 'P10: every event on this complaint, newest first: CREATE, START, RESOLVE, REASSIGN, REOPEN, CLOSE, AUTO_CLOSE.',
  },
};

@Resolver(() => Complaint)
export class ComplaintResolver extends WorkflowEntityResolver(Complaint, complaintEdge) {
  @Authorized()
  @Query(() => Complaint, { description: 'V4: one complaint; you must see its customer’s details (P8) or handle it.' })
  complaint(@Arg('id', () => ID, { description: ID_ARG }) id: string, @Ctx() ctx: Context): Promise<ComplaintRow> {
    return this.services.complaints.get(viewerOf(ctx), id);
  }

  @Authorized()
  @Query(() => ComplaintConnection, {
    description:
      'V4: complaints, newest first. A salesperson sees those of customers in their custody and those they logged; managers, after-sales, auditors and admins see all (a department manager their reach).',
  })
  async complaints(
    @Arg('filter', () => ComplaintFilter, { nullable: true, description: 'Which complaints; default: all you may see.' }) filter: ComplaintFilter | null,
    @Args(() => ConnectionArgs) page: ConnectionArgs,
    @Ctx() ctx: Context,
  ): Promise<ConnectionOf<ComplaintRow>> {
    return toConnection(await this.services.complaints.list(viewerOf(ctx), filter ?? {}, page), asIs, page);
  }

  @Authorized('MANAGER', 'ADMIN')
  @Query(() => ComplaintReport, { description: 'V4: complaints per day and category, first-contact resolution rate and overdue ones, over your reach.' })
  complaintReport(
    @Arg('from', () => Date, { description: 'The start of the period (inclusive).' }) from: Date,
    @Arg('to', () => Date, { description: 'The end of the period (exclusive); at most 366 days after `from`.' }) to: Date,
    @Ctx() ctx: Context,
  ) {
    return this.services.complaintReports.report(viewerOf(ctx), from, to);
  }

  @Authorized()
  @Mutation(() => Complaint, { description: 'V4: logs a complaint about a customer whose details you see (P8); it opens for an AFTER_SALES handler.' })
  openComplaint(
    @Arg('input', () => OpenComplaintInput, { description: 'The complaint.' }) input: OpenComplaintInput,
    @Ctx() ctx: Context,
  ): Promise<ComplaintRow> {
    return this.services.complaints.open(viewerOf(ctx), input);
  }

  @Authorized()
  @Mutation(() => Complaint, { description: 'V4: its handler (or a manager) starts work on an open complaint.' })
  startComplaint(@Arg('id', () => ID, { description: ID_ARG }) id: string, @Args(() => ExpectedVersionArgs) v: ExpectedVersionArgs, @Ctx() ctx: Context) {
    return this.services.complaints.send(viewerOf(ctx), id, { type: 'START' }, v.expectedVersion);
  }

  @Authorized()
  @Mutation(() => Complaint, { description: 'V4: its handler (or a manager) resolves it, saying how; straight from open counts as first contact too.' })
  resolveComplaint(
    @Arg('id', () => ID, { description: ID_ARG }) id: string,
    @Arg('resolution', () => String, { description: 'How it was resolved, 2–2000 characters.' }) resolution: string,
    @Args(() => ExpectedVersionArgs) v: ExpectedVersionArgs,
    @Ctx() ctx: Context,
  ) {
    return this.services.complaints.send(viewerOf(ctx), id, { type: 'RESOLVE', resolution }, v.expectedVersion);
  }

  @Authorized()
  @Mutation(() => Complaint, { description: 'V4: who logged it, the customer’s custodian or a manager closes a resolved complaint.' })
  closeComplaint(@Arg('id', () => ID, { description: ID_ARG }) id: string, @Args(() => ExpectedVersionArgs) v: ExpectedVersionArgs, @Ctx() ctx: Context) {
    return this.services.complaints.send(viewerOf(ctx), id, { type: 'CLOSE' }, v.expectedVersion);
  }

  @Authorized()
  @Mutation(() => Complaint, {
    description: 'V4: reopens a resolved complaint, or a closed one within policy complaint.reopenWithin; it is no longer resolved on first contact.',
  })
  reopenComplaint(
    @Arg('id', () => ID, { description: ID_ARG }) id: string,
    @Arg('reason', () => String, { description: 'Why it is not resolved, 2–500 characters.' }) reason: string,
    @Args(() => ExpectedVersionArgs) v: ExpectedVersionArgs,
    @Ctx() ctx: Context,
  ) {
    return this.services.complaints.send(viewerOf(ctx), id, { type: 'REOPEN', reason }, v.expectedVersion);
  }

  @Authorized()
  @Mutation(() => Complaint, { description: 'V4: a manager hands an unresolved complaint to another active AFTER_SALES user.' })
  reassignComplaint(
    @Arg('id', () => ID, { description: ID_ARG }) id: string,
    @Arg('handlerId', () => ID, { description: 'The new handler, an active AFTER_SALES user (else BAD_USER_INPUT on toUserId).' }) handlerId: string,
    @Arg('reason', () => String, { description: 'Why, 2–500 characters.' }) reason: string,
    @Args(() => ExpectedVersionArgs) v: ExpectedVersionArgs,
    @Ctx() ctx: Context,
  ) {
    return this.services.complaints.send(viewerOf(ctx), id, { type: 'REASSIGN', toUserId: handlerId, reason }, v.expectedVersion);
  }

  @FieldResolver(() => Customer, { description: 'The customer it is about.' })
  async customer(@Root() row: ComplaintRow, @Ctx() ctx: Context): Promise<CustomerRow> {
    const customer = await ctx.scope.use(customerLoaders, this.services).customerById.load(row.customerId);
    if (!customer) throw new NotFoundError('Customer', row.customerId);
    return customer;
  }

  @FieldResolver(() => User, { nullable: true, description: 'Who handles it (AFTER_SALES).' })
  handler(@Root() row: ComplaintRow, @Ctx() ctx: Context): Promise<UserCard | null> {
    return ctx.scope.use(userLoaders, this.services).userById.load(row.handlerId);
  }

  @FieldResolver(() => User, { nullable: true, description: 'Who logged it.' })
  openedBy(@Root() row: ComplaintRow, @Ctx() ctx: Context): Promise<UserCard | null> {
    return ctx.scope.use(userLoaders, this.services).userById.load(row.openedById);
  }
}

/** Customer.complaints (V4). */
@Resolver(() => Customer)
export class CustomerComplaintsResolver {
  constructor(private readonly services: ComplaintResolverServices) {}

  @FieldResolver(() => [Complaint], {
    nullable: true,
    description: 'Its complaints, newest first (V4). Details (P8): FORBIDDEN (null) unless you may see its details.',
  })
  complaints(@Root() row: CustomerRow, @Ctx() ctx: Context): Promise<ComplaintRow[]> {
    this.services.customers.requireDetails(viewerOf(ctx), row);
    return ctx.scope.use(complaintLoaders, this.services).complaintsByCustomerId.load(row.id);
  }
}
