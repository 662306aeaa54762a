import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { CustomerRow, Stage } from '../platform/db/schema.js';
import { formatDuration } from '../workflow/policy/duration.js';
import { viewerOf, type Context } from '../platform/graphql/context.js';
import { toConnection } from '../platform/graphql/relay.js';
import { availableActionsOf, historyOf } from '../workflow/graphql/workflow-fields.js';
import { User } from '../users/user.type.js';
import { CreateCustomerInput, CustomerFilter, CustomerOrder, CustomerOrderField, OrderDirection, PoolFilter, UpdateCustomerInput } from './customer.input.js';
import {
  AvailableAction,
  Contact,
  Customer,
  CustomerConnection,
  DuplicateMatch,
  FollowUpConnection,
  ReminderList,
  StageEnum,
  TransitionConnection,
} from './customer.type.js';
import type { CustomerService } from './customer.service.js';
import type { ContactService } from './contact.service.js';
import type { FollowUpService } from './follow-up.service.js';
import type { ApplicationService } from '../applications/application.service.js';
import type { UserService } from '../users/user.service.js';
import type { Viewer } from '../platform/auth/viewer.js';
import type { WorkflowEngine } from '../workflow/engine.js';
import type { WorkflowDefinition } from '../workflow/workflow.js';
import type { CustomerFacts } from './customer.machine.js';
import { contactLoaders, customerLoaders, followUpLoaders } from './customer.loaders.js';
import { userLoaders } from '../users/user.loaders.js';

/** The services these resolvers use, injected by the composition root (src/schema.ts). */
export interface CustomerResolverServices {
  /** P1/A1: enters a customer and opens its PROTECTION application, in one transaction. */
  enterCustomer: (viewer: Viewer, input: CreateCustomerInput) => Promise<CustomerRow>;
  customers: CustomerService;
  contacts: ContactService;
  followUps: FollowUpService;
  applications: ApplicationService;
  users: UserService;
  engine: WorkflowEngine;
  workflows: { customer: WorkflowDefinition<CustomerRow, CustomerFacts> };
}

@Resolver(() => Customer)
export class CustomerResolver {
  constructor(private readonly services: CustomerResolverServices) {}

  // ------------------------------------------------------------------ queries

  @Authorized()
  @Query(() => Customer, { description: 'One customer; a salesperson sees only the public card of others’ customers (P8).' })
  async customer(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<CustomerRow> {
    viewerOf(ctx);
    return this.services.customers.get(id);
  }

  @Authorized()
  @Query(() => CustomerConnection)
  async customers(
    @Arg('filter', () => CustomerFilter, { nullable: true }) filter: CustomerFilter | null,
    @Arg('orderBy', () => CustomerOrder, { nullable: true }) orderBy: CustomerOrder | null,
    @Arg('first', () => Int, { nullable: true }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: Context,
  ): Promise<CustomerConnection> {
    const order = orderBy ?? { field: CustomerOrderField.CREATED_AT, direction: OrderDirection.DESC };
    const page = await this.services.customers.list(viewerOf(ctx), filter ?? {}, order, { first, after });
    return toConnection(page, (r) => r, after !== null) as unknown as CustomerConnection;
  }

  @Authorized('SALES', 'MANAGER')
  @Query(() => CustomerConnection, { description: 'The public pool (P7), including customers whose term has run out.' })
  async pool(
    @Arg('filter', () => PoolFilter, { nullable: true }) filter: PoolFilter | null,
    @Arg('first', () => Int, { nullable: true }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: Context,
  ): Promise<CustomerConnection> {
    const page = await this.services.customers.pool(viewerOf(ctx), filter ?? {}, { first, after });
    return toConnection(page, (r) => r, after !== null) as unknown as CustomerConnection;
  }

  @Authorized('SALES', 'MANAGER', 'AUDITOR')
  @Query(() => [DuplicateMatch], { description: 'E2: is this company already entered, in which state, with whom? At most 20, most relevant first.' })
  async duplicateCheck(
    @Arg('keyword', () => String, { nullable: true }) keyword: string | null,
    @Arg('phone', () => String, { nullable: true }) phone: string | null,
    @Ctx() ctx: Context,
  ): Promise<DuplicateMatch[]> {
    return this.services.customers.duplicateCheck(viewerOf(ctx), keyword, phone);
  }

  @Authorized()
  @Query(() => ReminderList, { description: 'F3: the viewer’s customers by next contact time, and terms about to end.' })
  async reminders(
    @Arg('from', () => Date, { nullable: true }) from: Date | null,
    @Arg('to', () => Date, { nullable: true }) to: Date | null,
    @Ctx() ctx: Context,
  ): Promise<ReminderList> {
    const list = await this.services.followUps.reminders(viewerOf(ctx), from, to);
    const wrap = (rows: CustomerRow[]) => rows.map((customer) => ({ customer }));
    return { overdue: wrap(list.overdue), today: wrap(list.today), upcoming: wrap(list.upcoming), expiring: wrap(list.expiring) };
  }

  // ------------------------------------------------------------------ mutations

  @Authorized('SALES', 'MANAGER')
  @Mutation(() => Customer, { description: 'E3/E4/P1: enter a customer; the creator becomes its custodian, pending audit.' })
  async createCustomer(@Arg('input', () => CreateCustomerInput) input: CreateCustomerInput, @Ctx() ctx: Context): Promise<CustomerRow> {
    return this.services.enterCustomer(viewerOf(ctx), input);
  }

  @Authorized()
  @Mutation(() => Customer)
  async updateCustomer(
    @Arg('id', () => ID) id: string,
    @Arg('input', () => UpdateCustomerInput) input: UpdateCustomerInput,
    @Arg('expectedVersion', () => Int, { nullable: true }) expectedVersion: number | null,
    @Ctx() ctx: Context,
  ): Promise<CustomerRow> {
    return this.services.customers.update(viewerOf(ctx), id, input, expectedVersion);
  }

  @Authorized('SALES')
  @Mutation(() => Customer, { description: 'P7: take a pool customer into protection (no audit, fresh term).' })
  async claimCustomer(
    @Arg('id', () => ID) id: string,
    @Arg('expectedVersion', () => Int, { nullable: true }) expectedVersion: number | null,
    @Ctx() ctx: Context,
  ): Promise<CustomerRow> {
    return this.services.customers.claim(viewerOf(ctx), id, expectedVersion);
  }

  @Authorized()
  @Mutation(() => Customer, { description: 'P5: give a customer back to the pool; you cannot protect it again during the cool-down.' })
  async abandonCustomer(
    @Arg('id', () => ID) id: string,
    @Arg('reason', () => String) reason: string,
    @Arg('expectedVersion', () => Int, { nullable: true }) expectedVersion: number | null,
    @Ctx() ctx: Context,
  ): Promise<CustomerRow> {
    return this.services.customers.abandon(viewerOf(ctx), id, reason, expectedVersion);
  }

  @Authorized('MANAGER')
  @Mutation(() => Customer, { description: 'P9: move custody (with contacts, follow-ups and reminders) to another salesperson.' })
  async transferCustomer(
    @Arg('id', () => ID) id: string,
    @Arg('toUserId', () => ID) toUserId: string,
    @Arg('reason', () => String) reason: string,
    @Arg('expectedVersion', () => Int, { nullable: true }) expectedVersion: number | null,
    @Ctx() ctx: Context,
  ): Promise<CustomerRow> {
    return this.services.customers.transfer(viewerOf(ctx), id, toUserId, reason, expectedVersion);
  }

  @Authorized()
  @Mutation(() => Customer, { description: 'P1: send a rejected customer back to audit after correcting it.' })
  async resubmitProtection(
    @Arg('id', () => ID) id: string,
    @Arg('expectedVersion', () => Int, { nullable: true }) expectedVersion: number | null,
    @Ctx() ctx: Context,
  ): Promise<CustomerRow> {
    return this.services.applications.resubmit(viewerOf(ctx), id, expectedVersion);
  }

  // ------------------------------------------------------------------ fields

  @FieldResolver(() => String, { description: 'The machine state path, e.g. prospect.protected.' })
  state(@Root() row: CustomerRow, @Ctx() ctx: Context): string {
    return this.services.customers.project(row).state;
  }

  @FieldResolver(() => StageEnum)
  stage(@Root() row: CustomerRow, @Ctx() ctx: Context): Stage {
    return this.services.customers.project(row).stage;
  }

  @FieldResolver(() => User, { nullable: true, description: 'The salesperson protecting it (after-sales for a formal one); null in the pool.' })
  async custodian(@Root() row: CustomerRow, @Ctx() ctx: Context) {
    const id = this.services.customers.project(row).custodianId;
    return id ? ctx.scope.use(userLoaders, this.services).userById.load(id) : null;
  }

  @FieldResolver(() => User)
  async createdBy(@Root() row: CustomerRow, @Ctx() ctx: Context) {
    return ctx.scope.use(userLoaders, this.services).userById.load(row.createdById);
  }

  @FieldResolver(() => Date, { nullable: true, description: 'When protection ends (P2, P4) unless extended or converted.' })
  protectedUntil(@Root() row: CustomerRow, @Ctx() ctx: Context): Date | null {
    const now = this.services.customers.project(row);
    return now.deadlineEvent === 'TERM_EXPIRED' ? now.deadlineAt : null;
  }

  @FieldResolver(() => Date, { nullable: true, description: 'When the pending deadline fires (term end, or rejection release P1).' })
  deadlineAt(@Root() row: CustomerRow, @Ctx() ctx: Context): Date | null {
    return this.services.customers.project(row).deadlineAt;
  }

  @FieldResolver(() => String, { nullable: true, description: 'What happens at deadlineAt: TERM_EXPIRED or REJECTION_LAPSED.' })
  deadlineEvent(@Root() row: CustomerRow, @Ctx() ctx: Context): string | null {
    return this.services.customers.project(row).deadlineEvent;
  }

  @FieldResolver(() => String, { nullable: true, description: 'ISO-8601 duration left until deadlineAt, e.g. P2DT3H.' })
  expiresIn(@Root() row: CustomerRow, @Ctx() ctx: Context): string | null {
    const ms = this.services.customers.remainingMs(row);
    return ms === null ? null : formatDuration(ms);
  }

  @FieldResolver(() => [Contact], { nullable: true, description: 'Details (P8).' })
  async contacts(@Root() row: CustomerRow, @Ctx() ctx: Context) {
    this.services.customers.requireDetails(viewerOf(ctx), row);
    return ctx.scope.use(contactLoaders, this.services).contactsByCustomerId.load(row.id);
  }

  @FieldResolver(() => FollowUpConnection, { nullable: true, description: 'Details (P8). Newest first.' })
  async followUps(
    @Root() row: CustomerRow,
    @Arg('first', () => Int, { nullable: true }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: Context,
  ): Promise<FollowUpConnection> {
    this.services.customers.requireDetails(viewerOf(ctx), row);
    const page = after
      ? await this.services.followUps.page(row.id, { first, after })
      : await ctx.scope.use(followUpLoaders, this.services).followUpFirstPage.load({ customerId: row.id, first: first ?? 20 });
    return toConnection(page, (f) => f, after !== null) as unknown as FollowUpConnection;
  }

  @FieldResolver(() => [AvailableAction], { description: 'The events this viewer may send now (computed from the machine).' })
  async availableActions(@Root() row: CustomerRow, @Ctx() ctx: Context): Promise<AvailableAction[]> {
    return availableActionsOf(this.services.engine, ctx, this.services.workflows.customer, row);
  }

  @FieldResolver(() => TransitionConnection, { nullable: true, description: 'P10: every transition, newest first. Details (P8).' })
  async history(
    @Root() row: CustomerRow,
    @Arg('first', () => Int, { nullable: true }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: Context,
  ): Promise<TransitionConnection> {
    this.services.customers.requireDetails(viewerOf(ctx), row);
    return historyOf(this.services.engine, ctx, row.id, first, after);
  }

  @FieldResolver(() => [User], { description: 'Who protected it before, most recent first (what a claimer wants to know).' })
  async previousCustodians(@Root() row: CustomerRow, @Ctx() ctx: Context) {
    const ids = await ctx.scope.use(customerLoaders, this.services).previousCustodiansByCustomerId.load(row.id);
    const rows = await ctx.scope.use(userLoaders, this.services).userById.loadMany(ids);
    return rows.filter((u) => u !== null && !(u instanceof Error));
  }
}
