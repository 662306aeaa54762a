import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Info, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { GraphQLResolveInfo } from 'graphql';
import type { Viewer } from '../platform/auth/viewer.js';
import type { ContactRow, CustomerRow, FollowUpRow, Stage, UserCard } from '../platform/db/schema.js';
import { DEFAULT_PAGE_SIZE } from '../platform/pagination.js';
import { ConnectionArgs, ExpectedVersionArgs } from '../platform/graphql/args.js';
import { viewerOf, type Context } from '../platform/graphql/context.js';
import { asIs, toConnection, type ConnectionOf } from '../platform/graphql/relay.js';
import { formatDuration } from '../workflow/policy/duration.js';
import type { WorkflowEngine } from '../workflow/engine.js';
import type { WorkflowDefinition } from '../workflow/workflow.js';
import { WorkflowEntityResolver, type WorkflowEdge } from '../workflow/graphql/workflow-entity.resolver.js';
import { User } from '../users/user.type.js';
import { userLoaders } from '../users/user.loaders.js';
import type { UserService } from '../users/user.service.js';
import type { ApplicationOpeningService } from '../applications/application-opening.service.js';
import { Contact } from './contact.type.js';
import { CreateCustomerInput, CustomerFilter, CustomerOrder, PoolFilter, UpdateCustomerInput } from './customer.input.js';
import { Customer, CustomerConnection, DuplicateMatch, StageEnum } from './customer.type.js';
import { FollowUpConnection } from './follow-up.type.js';
import { ReminderList } from './reminder.type.js';
import type { CustomerFacts } from './customer.machine.js';
import type { CustomerService } from './customer.service.js';
import type { ContactService } from './contact.service.js';
import type { FollowUpService } from './follow-up.service.js';
import { contactLoaders, customerLoaders, followUpLoaders } from './customer.loaders.js';
import { CONTACT_SHAPES } from './contact.service.js';
import { FOLLOW_UP_SHAPES } from './follow-up.service.js';
import { ITEMS, SELF, selectedFields } from '../platform/graphql/selection.js';

/** The services these resolvers use, injected by the composition root (src/schema.ts). */
export interface CustomerResolverServices {
  /** P1/A1: enters a customer and opens its PROTECTION application, in one transaction. */
  enterCustomer: (viewer: Viewer, input: CreateCustomerInput) => Promise<CustomerRow>;
  customers: CustomerService;
  contacts: ContactService;
  followUps: FollowUpService;
  applicationOpenings: ApplicationOpeningService;
  users: UserService;
  engine: WorkflowEngine;
  workflows: { customer: WorkflowDefinition<CustomerRow, CustomerFacts> };
}

/** How customers plug into the shared workflow fields. */
const customerEdge: WorkflowEdge<CustomerRow, CustomerResolverServices> = {
  workflow: (s) => s.workflows.customer,
  current: (s, row) => s.customers.project(row),
  guardHistory: (s, viewer, row) => s.customers.requireDetails(viewer, row),
  describe: {
    state:
      'The protection machine’s state path now, e.g. pool, prospect.pendingAudit, prospect.rejected, prospect.protected, intent, formal. A term that has run out reads as pool at once, before the sweeper has run (P2).',
    availableActions:
      'The events this viewer may send to this customer now (e.g. CLAIM, ABANDON, TRANSFER, RESUBMIT), computed from the machine and its guards; render only these buttons.',
    history: 'P10: every change of state or custody, newest first. Details (P8): FORBIDDEN (null) unless you may see this customer’s details.',
  },
};

const ID_ARG = 'The customer’s id.';
/** Where a connection's items are in its selection. */
const TERM = 'Details (P8): when another person’s term ends is hidden too: FORBIDDEN (null) unless you may see this customer’s details.';
const REASON_ARG = 'Why; required (at least 2 characters), recorded in the history (P10).';

/** Customers: the lists, the duplicate check, entry and the protection actions (P1–P9). */
@Resolver(() => Customer)
export class CustomerResolver extends WorkflowEntityResolver(Customer, customerEdge) {
  // ------------------------------------------------------------------ queries

  @Authorized()
  @Query(() => Customer, {
    description: 'One customer. Anyone signed in gets its public card; details follow P8 (FORBIDDEN per field). An unknown id is NOT_FOUND.',
  })
  async customer(@Arg('id', () => ID, { description: ID_ARG }) id: string, @Ctx() ctx: Context): Promise<CustomerRow> {
    return this.services.customers.get(id);
  }

  @Authorized()
  @Query(() => CustomerConnection, {
    description:
      'Customers, filtered and ordered. A salesperson gets their own unless filter.scope is ALL (then public cards of others’, P8); such a list refuses filters and orders on details with FORBIDDEN naming the argument (`extensions.argument`).',
  })
  async customers(
    @Arg('filter', () => CustomerFilter, { nullable: true, description: 'Which customers; default: all in the viewer’s default scope.' })
    filter: CustomerFilter | null,
    @Arg('orderBy', () => CustomerOrder, {
      nullable: true,
      description: 'The order; default: newest entered first (by name where the list holds others’ public cards, P8).',
    })
    orderBy: CustomerOrder | null,
    @Args(() => ConnectionArgs) page: ConnectionArgs,
    @Ctx() ctx: Context,
    @Info() info: GraphQLResolveInfo,
  ): Promise<ConnectionOf<CustomerRow>> {
    return toConnection(await this.services.customers.list(viewerOf(ctx), filter ?? {}, orderBy, page, selectedFields(info, ITEMS)), asIs, page);
  }

  @Authorized('SALES', 'MANAGER')
  @Query(() => CustomerConnection, {
    description: 'The public pool (P7), newest first, including customers whose term has run out but not yet been swept. SALES and MANAGER only.',
  })
  async pool(
    @Arg('filter', () => PoolFilter, { nullable: true, description: 'Which pool customers; default: all.' }) filter: PoolFilter | null,
    @Args(() => ConnectionArgs) page: ConnectionArgs,
    @Ctx() ctx: Context,
    @Info() info: GraphQLResolveInfo,
  ): Promise<ConnectionOf<CustomerRow>> {
    return toConnection(await this.services.customers.pool(viewerOf(ctx), filter ?? {}, page, selectedFields(info, ITEMS)), asIs, page);
  }

  @Authorized('SALES', 'MANAGER', 'AUDITOR')
  @Query(() => [DuplicateMatch], {
    description:
      'E2: is this company already entered, in which state, with whom? Matches by name, similar trade name or phone, at most 20, most relevant first. SALES, MANAGER and AUDITOR only.',
  })
  async duplicateCheck(
    @Arg('keyword', () => String, {
      nullable: true,
      description: 'Part of a name or a trade name, e.g. 春意, at most 100 characters; give a keyword, a phone or both (else BAD_USER_INPUT).',
    })
    keyword: string | null,
    @Arg('phone', () => String, {
      nullable: true,
      description: 'A mobile or landline, at most 40 characters; matches customers’ and contacts’ numbers in any format.',
    })
    phone: string | null,
    @Ctx() ctx: Context,
  ): Promise<DuplicateMatch[]> {
    return this.services.customers.duplicateCheck(viewerOf(ctx), keyword, phone);
  }

  @Authorized()
  @Query(() => ReminderList, { description: 'F3: the viewer’s home screen: their customers by next contact time, and terms about to end.' })
  async reminders(
    @Arg('from', () => Date, { nullable: true, description: 'How far back overdue reminders reach; default: no limit.' }) from: Date | null,
    @Arg('to', () => Date, {
      nullable: true,
      description: 'Where upcoming reminders stop; default: 7 days from now. Must be after `from` (else BAD_USER_INPUT).',
    })
    to: Date | null,
    @Ctx() ctx: Context,
  ): Promise<ReminderList> {
    return this.services.followUps.reminders(viewerOf(ctx), from, to);
  }

  // ------------------------------------------------------------------ mutations

  @Authorized('SALES', 'MANAGER')
  @Mutation(() => Customer, {
    description:
      'E3/E4/P1: enters a customer; the creator becomes its custodian and it waits for audit with a PROTECTION application. A matching trade name or phone is refused with DUPLICATE and `extensions.matches`.',
  })
  async createCustomer(
    @Arg('input', () => CreateCustomerInput, { description: 'The customer’s data and contacts.' }) input: CreateCustomerInput,
    @Ctx() ctx: Context,
  ): Promise<CustomerRow> {
    return this.services.enterCustomer(viewerOf(ctx), input);
  }

  @Authorized()
  @Mutation(() => Customer, {
    description: 'Corrects a customer’s data fields (never its state). Its custodian or a manager (after-sales for a formal one); others get FORBIDDEN.',
  })
  async updateCustomer(
    @Arg('id', () => ID, { description: ID_ARG }) id: string,
    @Arg('input', () => UpdateCustomerInput, { description: 'The fields to change.' }) input: UpdateCustomerInput,
    @Args(() => ExpectedVersionArgs) { expectedVersion }: ExpectedVersionArgs,
    @Ctx() ctx: Context,
  ): Promise<CustomerRow> {
    return this.services.customers.update(viewerOf(ctx), id, input, expectedVersion);
  }

  @Authorized('SALES')
  @Mutation(() => Customer, {
    description:
      'P7: takes a pool customer into your protection directly (no audit) with a fresh prospect term. Refused with ILLEGAL_TRANSITION inside your cool-down (P5) or at the policy’s holding cap or daily claim limit (P7). SALES only.',
  })
  async claimCustomer(
    @Arg('id', () => ID, { description: ID_ARG }) id: string,
    @Args(() => ExpectedVersionArgs) { expectedVersion }: ExpectedVersionArgs,
    @Ctx() ctx: Context,
  ): Promise<CustomerRow> {
    return this.services.customers.claim(viewerOf(ctx), id, expectedVersion);
  }

  @Authorized()
  @Mutation(() => Customer, {
    description: 'P5: gives a prospect or intent customer back to the pool; you cannot protect it again during the cool-down. Its custodian only.',
  })
  async abandonCustomer(
    @Arg('id', () => ID, { description: ID_ARG }) id: string,
    @Arg('reason', () => String, { description: REASON_ARG }) reason: string,
    @Args(() => ExpectedVersionArgs) { expectedVersion }: ExpectedVersionArgs,
    @Ctx() ctx: Context,
  ): Promise<CustomerRow> {
    return this.services.customers.abandon(viewerOf(ctx), id, reason, expectedVersion);
  }

  @Authorized('MANAGER')
  @Mutation(() => Customer, {
    description:
      'P9: moves custody, with contacts, follow-ups and reminders, to another salesperson; not to someone inside a cool-down (P5). A pool customer is assigned instead (assignFromPool: ILLEGAL_TRANSITION here). MANAGER only.',
  })
  async transferCustomer(
    @Arg('id', () => ID, { description: ID_ARG }) id: string,
    @Arg('toUserId', () => ID, { description: 'The salesperson who becomes custodian.' }) toUserId: string,
    @Arg('reason', () => String, { description: REASON_ARG }) reason: string,
    @Args(() => ExpectedVersionArgs) { expectedVersion }: ExpectedVersionArgs,
    @Ctx() ctx: Context,
  ): Promise<CustomerRow> {
    return this.services.customers.transfer(viewerOf(ctx), id, toUserId, reason, expectedVersion);
  }

  @Authorized()
  @Mutation(() => Customer, {
    description: 'P1: sends a rejected customer back to audit after correcting it, with a new PROTECTION application. Its custodian only.',
  })
  async resubmitProtection(
    @Arg('id', () => ID, { description: ID_ARG }) id: string,
    @Args(() => ExpectedVersionArgs) { expectedVersion }: ExpectedVersionArgs,
    @Ctx() ctx: Context,
  ): Promise<CustomerRow> {
    return this.services.applicationOpenings.resubmit(viewerOf(ctx), id, expectedVersion);
  }

  // ------------------------------------------------------------------ fields

  @FieldResolver(() => StageEnum, { description: 'The lifecycle stage now; a term that has run out reads as POOL at once (P2).' })
  stage(@Root() row: CustomerRow): Stage {
    return this.services.customers.project(row).stage;
  }

  @FieldResolver(() => User, {
    nullable: true,
    description: 'Who protects it now: the salesperson, or after-sales for a formal customer (P6); null in the pool.',
  })
  custodian(@Root() row: CustomerRow, @Ctx() ctx: Context): UserCard | null | Promise<UserCard | null> {
    const id = this.services.customers.project(row).custodianId;
    // A card the process holds is answered as a value: no promise per row of a list (issue 14).
    return id ? (this.services.users.freshCard(id) ?? ctx.scope.use(userLoaders, this.services).userById.load(id)) : null;
  }

  @FieldResolver(() => User, { nullable: true, description: 'Who entered it (E7). Details (P8): FORBIDDEN (null) unless you may see its details.' })
  async createdBy(@Root() row: CustomerRow, @Ctx() ctx: Context): Promise<UserCard | null> {
    this.services.customers.requireDetails(viewerOf(ctx), row);
    return ctx.scope.use(userLoaders, this.services).userById.load(row.createdById);
  }

  @FieldResolver(() => Date, {
    nullable: true,
    description: `When the protection or intent term ends (P2, P4) unless extended (P3) or converted, also while an application holds it (termHeld); null in other states. ${TERM}`,
  })
  protectedUntil(@Root() row: CustomerRow, @Ctx() ctx: Context): Date | null {
    this.services.customers.requireDetails(viewerOf(ctx), row);
    return this.services.customers.protectedUntil(row);
  }

  @FieldResolver(() => Boolean, {
    nullable: true,
    description: `Whether one of its applications awaits a decision: the term is held, so deadlineAt is null and it cannot fall into the pool on a timer until the decision, after which at least 3 working days (policy) remain (P2). ${TERM}`,
  })
  termHeld(@Root() row: CustomerRow, @Ctx() ctx: Context): boolean {
    this.services.customers.requireDetails(viewerOf(ctx), row);
    return this.services.customers.termHeld(row);
  }

  @FieldResolver(() => Date, {
    nullable: true,
    description: `When the pending deadline fires: the end of a term (P2, P4) or the release of a rejected prospect (P1); null when none runs. ${TERM}`,
  })
  deadlineAt(@Root() row: CustomerRow, @Ctx() ctx: Context): Date | null {
    this.services.customers.requireDetails(viewerOf(ctx), row);
    return this.services.customers.project(row).deadlineAt;
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: `What happens at deadlineAt: TERM_EXPIRED (to the pool, P2/P4), REJECTION_LAPSED (to the pool, P1) or INACTIVITY_EXPIRED (no follow-up, T3); null when none runs. ${TERM}`,
  })
  deadlineEvent(@Root() row: CustomerRow, @Ctx() ctx: Context): string | null {
    this.services.customers.requireDetails(viewerOf(ctx), row);
    return this.services.customers.project(row).deadlineEvent;
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: `Time left until deadlineAt as an ISO 8601 duration, e.g. P2DT3H; PT0S when due; null when no deadline runs. ${TERM}`,
  })
  expiresIn(@Root() row: CustomerRow, @Ctx() ctx: Context): string | null {
    this.services.customers.requireDetails(viewerOf(ctx), row);
    const ms = this.services.customers.remainingMs(row);
    return ms === null ? null : formatDuration(ms);
  }

  @FieldResolver(() => [Contact], {
    nullable: true,
    description: 'Its contact persons, oldest first (F1). Details (P8): FORBIDDEN (null) unless you may see its details.',
  })
  contacts(@Root() row: CustomerRow, @Ctx() ctx: Context, @Info() info: GraphQLResolveInfo): Promise<ContactRow[]> {
    this.services.customers.requireDetails(viewerOf(ctx), row);
    const shape = CONTACT_SHAPES.shapeFor(selectedFields(info, SELF));
    return ctx.scope.use(contactLoaders, this.services).contactsByCustomerId(shape).load(row.id);
  }

  @FieldResolver(() => FollowUpConnection, {
    nullable: true,
    description: 'Its follow-ups, newest first (F2, F4). Details (P8): FORBIDDEN (null) unless you may see its details.',
  })
  followUps(
    @Root() row: CustomerRow,
    @Args(() => ConnectionArgs) page: ConnectionArgs,
    @Ctx() ctx: Context,
    @Info() info: GraphQLResolveInfo,
  ): Promise<ConnectionOf<FollowUpRow>> {
    this.services.customers.requireDetails(viewerOf(ctx), row);
    if (page.after) return this.services.followUps.page(row.id, page).then((r) => toConnection(r, asIs, page));
    // A list calls this per row: the loader's answer is the connection itself (no promise, no closure more per row).
    return ctx.scope
      .use(followUpLoaders, this.services)
      .followUpFirstPage(page.first ?? DEFAULT_PAGE_SIZE, FOLLOW_UP_SHAPES.shapeFor(selectedFields(info, ITEMS)))
      .load(row.id);
  }

  @FieldResolver(() => [User], {
    nullable: true,
    description:
      'Who protected it before, most recent first: what someone about to claim a pool customer wants to know. Details (P8): FORBIDDEN (null) unless you may see its details.',
  })
  async previousCustodians(@Root() row: CustomerRow, @Ctx() ctx: Context): Promise<UserCard[]> {
    this.services.customers.requireDetails(viewerOf(ctx), row);
    const ids = await ctx.scope.use(customerLoaders, this.services).previousCustodiansByCustomerId.load(row.id);
    const rows = await ctx.scope.use(userLoaders, this.services).userById.loadMany(ids);
    return rows.filter((u): u is UserCard => u !== null && !(u instanceof Error));
  }
}
