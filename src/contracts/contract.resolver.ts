import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { ContractLineRow, ContractRow, CustomerRow, DeliveryStatus, PaymentRow, ProductRow, UserCard } from '../platform/db/schema.js';
import { invariant } from '../platform/invariant.js';
import { money } from '../platform/money.js';
import { ConnectionArgs, ExpectedVersionArgs } from '../platform/graphql/args.js';
import { viewerOf, type Context } from '../platform/graphql/context.js';
import { DecimalScalar } from '../platform/graphql/decimal.scalar.js';
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
import { Contract, ContractConnection, ContractLine, ContractOrder, DeliveryStatusEnum, Payment } from './contract.type.js';
import { ContractFilter, ContractInput, ContractLineInput, PaymentInput } from './contract.input.js';
import { Product } from './product.type.js';
import type { ContractService } from './contract.service.js';
import type { ContractLineService } from './contract-line.service.js';
import type { PaymentService } from './payment.service.js';
import type { ProductService } from './product.service.js';
import type { ContractFacts } from './contract.machine.js';
import { contractLoaders } from './contract.loaders.js';

/** The services these resolvers use, injected by the composition root (src/schema.ts). */
export interface ContractResolverServices {
  contracts: ContractService;
  contractLines: ContractLineService;
  payments: PaymentService;
  products: ProductService;
  customers: CustomerService;
  users: UserService;
  engine: WorkflowEngine;
  workflows: { contract: WorkflowDefinition<ContractRow, ContractFacts> };
}

/** How contracts plug into the shared workflow fields. */
const contractEdge: WorkflowEdge<ContractRow, ContractResolverServices> = {
  workflow: (s) => s.workflows.contract,
  describe: {
    state: 'The contract machine’s state: reserved, draft, confirmed, settled, voided or terminated.',
    availableActions: 'What this viewer may do with it now: UPDATE (fill in), CONFIRM, VOID, TERMINATE, PAYMENT, as the machine and its guards allow.',
    history: 'P10: every event on this contract, newest first.',
  },
};

const ID_ARG = 'The contract’s id.';
const WHO = 'The customer’s custodian, a manager, or after-sales for a formal customer (C1); others get FORBIDDEN.';

/** Contracts (C1–C4): reserve, fill in, confirm, void, terminate, payments and delivery. */
@Resolver(() => Contract)
export class ContractResolver extends WorkflowEntityResolver(Contract, contractEdge) {
  @Authorized()
  @Query(() => Contract, { description: 'One contract. FORBIDDEN unless you may see its customer’s details (P8); NOT_FOUND for an unknown id.' })
  async contract(@Arg('id', () => ID, { description: ID_ARG }) id: string, @Ctx() ctx: Context): Promise<ContractRow> {
    return this.services.contracts.get(viewerOf(ctx), id);
  }

  @Authorized()
  @Query(() => ContractConnection, {
    description:
      'Contracts, filtered and ordered. A salesperson sees those of customers in their custody; managers, after-sales, auditors and admins see all (P8).',
  })
  async contracts(
    @Arg('filter', () => ContractFilter, { nullable: true, description: 'Which contracts; default: all the viewer may see.' }) filter: ContractFilter | null,
    @Arg('orderBy', () => ContractOrder, { nullable: true, description: 'The order; default NEWEST_FIRST.' }) orderBy: ContractOrder | null,
    @Args(() => ConnectionArgs) page: ConnectionArgs,
    @Ctx() ctx: Context,
  ): Promise<ConnectionOf<ContractRow>> {
    const rows = await this.services.contracts.list(viewerOf(ctx), filter ?? {}, orderBy ?? ContractOrder.NEWEST_FIRST, page);
    return toConnection(rows, asIs, page);
  }

  @Authorized()
  @Mutation(() => Contract, {
    description: `C1/C2: reserves a contract number (预领合同) for an intent or formal customer; ILLEGAL_TRANSITION for a customer in another stage. ${WHO}`,
  })
  async reserveContract(
    @Arg('customerId', () => ID, { description: 'The customer who will sign.' }) customerId: string,
    @Ctx() ctx: Context,
  ): Promise<ContractRow> {
    return this.services.contracts.reserve(viewerOf(ctx), customerId);
  }

  @Authorized()
  @Mutation(() => Contract, { description: `C2: fills in a reserved or draft contract; the first update makes a reserved one a draft. ${WHO}` })
  async updateContract(
    @Arg('id', () => ID, { description: ID_ARG }) id: string,
    @Arg('input', () => ContractInput, { description: 'The fields to fill in.' }) input: ContractInput,
    @Args(() => ExpectedVersionArgs) { expectedVersion }: ExpectedVersionArgs,
    @Ctx() ctx: Context,
  ): Promise<ContractRow> {
    return this.services.contracts.update(viewerOf(ctx), id, input, expectedVersion);
  }

  @Authorized()
  @Mutation(() => ContractLine, { description: `C2: adds a product line (添加产品) before confirmation; the total is recomputed. ${WHO}` })
  async addContractLine(
    @Arg('contractId', () => ID, { description: ID_ARG }) contractId: string,
    @Arg('input', () => ContractLineInput, { description: 'The line to add.' }) input: ContractLineInput,
    @Ctx() ctx: Context,
  ): Promise<ContractLineRow> {
    const [line] = await this.services.contractLines.addLines(viewerOf(ctx), contractId, [input]);
    invariant(line, 'addLines returns one row per input');
    return line;
  }

  @Authorized()
  @Mutation(() => Contract, { description: `Removes a line before confirmation (kept in the database, marked removed, E6); the total is recomputed. ${WHO}` })
  async removeContractLine(
    @Arg('contractId', () => ID, { description: ID_ARG }) contractId: string,
    @Arg('lineId', () => ID, { description: 'The line to remove; NOT_FOUND when it is not a current line of this contract.' }) lineId: string,
    @Ctx() ctx: Context,
  ): Promise<ContractRow> {
    return this.services.contractLines.removeLine(viewerOf(ctx), contractId, lineId);
  }

  @Authorized()
  @Mutation(() => Contract, {
    description: `C2/P6: confirms a complete draft: it can no longer be edited, and the customer becomes formal in the same transaction. Missing fields are refused with BAD_USER_INPUT per field. ${WHO}`,
  })
  async confirmContract(
    @Arg('id', () => ID, { description: ID_ARG }) id: string,
    @Args(() => ExpectedVersionArgs) { expectedVersion }: ExpectedVersionArgs,
    @Ctx() ctx: Context,
  ): Promise<ContractRow> {
    return this.services.contracts.confirm(viewerOf(ctx), id, expectedVersion);
  }

  @Authorized()
  @Mutation(() => Contract, { description: `C4: voids a reserved or draft contract; its number is never reused. ${WHO}` })
  async voidContract(
    @Arg('id', () => ID, { description: ID_ARG }) id: string,
    @Arg('reason', () => String, { description: 'Why; required (at least 2 characters), recorded in the history.' }) reason: string,
    @Args(() => ExpectedVersionArgs) { expectedVersion }: ExpectedVersionArgs,
    @Ctx() ctx: Context,
  ): Promise<ContractRow> {
    return this.services.contracts.void(viewerOf(ctx), id, reason, expectedVersion);
  }

  @Authorized('MANAGER')
  @Mutation(() => Contract, { description: 'Ends a confirmed contract early. MANAGER only.' })
  async terminateContract(
    @Arg('id', () => ID, { description: ID_ARG }) id: string,
    @Arg('reason', () => String, { description: 'Why; required (at least 2 characters), recorded in the history.' }) reason: string,
    @Args(() => ExpectedVersionArgs) { expectedVersion }: ExpectedVersionArgs,
    @Ctx() ctx: Context,
  ): Promise<ContractRow> {
    return this.services.contracts.terminate(viewerOf(ctx), id, reason, expectedVersion);
  }

  @Authorized()
  @Mutation(() => Payment, {
    description:
      'C3: records a payment on a confirmed contract; the one reaching the total settles it, one beyond it is refused. After-sales, a manager or the custodian; others get FORBIDDEN.',
  })
  async recordPayment(
    @Arg('contractId', () => ID, { description: ID_ARG }) contractId: string,
    @Arg('input', () => PaymentInput, { description: 'The payment.' }) input: PaymentInput,
    @Ctx() ctx: Context,
  ): Promise<PaymentRow> {
    return this.services.payments.recordPayment(viewerOf(ctx), contractId, input);
  }

  @Authorized()
  @Mutation(() => Contract, {
    description:
      'C3: records delivery progress of a confirmed or settled contract (ILLEGAL_TRANSITION otherwise). After-sales, a manager or the custodian; others get FORBIDDEN.',
  })
  async updateDelivery(
    @Arg('contractId', () => ID, { description: ID_ARG }) contractId: string,
    @Arg('status', () => DeliveryStatusEnum, { description: 'How far delivery has got now.' }) status: DeliveryStatus,
    @Ctx() ctx: Context,
  ): Promise<ContractRow> {
    return this.services.payments.updateDelivery(viewerOf(ctx), contractId, status);
  }

  @FieldResolver(() => Customer, { description: 'The customer who signs.' })
  async customer(@Root() row: ContractRow, @Ctx() ctx: Context): Promise<CustomerRow | null> {
    return ctx.scope.use(customerLoaders, this.services).customerById.load(row.customerId);
  }

  @FieldResolver(() => User, { description: 'Who reserved it.' })
  async createdBy(@Root() row: ContractRow, @Ctx() ctx: Context): Promise<UserCard | null> {
    return ctx.scope.use(userLoaders, this.services).userById.load(row.createdById);
  }

  @FieldResolver(() => [ContractLine], { description: 'Its current product lines, in order (removed ones are kept in the database but not listed).' })
  async lines(@Root() row: ContractRow, @Ctx() ctx: Context): Promise<ContractLineRow[]> {
    return ctx.scope.use(contractLoaders, this.services).linesByContractId.load(row.id);
  }

  @FieldResolver(() => [Payment], { description: 'Its payments, by payment date (C3).' })
  async payments(@Root() row: ContractRow, @Ctx() ctx: Context): Promise<PaymentRow[]> {
    return ctx.scope.use(contractLoaders, this.services).paymentsByContractId.load(row.id);
  }

  @FieldResolver(() => DecimalScalar)
  paidAmount(@Root() row: ContractRow): string {
    return money.format(money.parse(row.paid) ?? 0n);
  }

  @FieldResolver(() => DecimalScalar)
  outstandingAmount(@Root() row: ContractRow): string {
    return money.format((money.parse(row.total) ?? 0n) - (money.parse(row.paid) ?? 0n));
  }
}

/** Who handled a payment. */
@Resolver(() => Payment)
export class PaymentResolver {
  constructor(private readonly services: ContractResolverServices) {}

  @FieldResolver(() => User, { nullable: true, description: 'Who handled it (by default, who recorded it).' })
  async handler(@Root() row: PaymentRow, @Ctx() ctx: Context): Promise<UserCard | null> {
    return row.handlerId ? ctx.scope.use(userLoaders, this.services).userById.load(row.handlerId) : null;
  }
}

/** The catalogue product of a line. */
@Resolver(() => ContractLine)
export class ContractLineResolver {
  constructor(private readonly services: ContractResolverServices) {}

  @FieldResolver(() => Product, { nullable: true, description: 'The catalogue product; null for a free-text line.' })
  async product(@Root() row: ContractLineRow, @Ctx() ctx: Context): Promise<ProductRow | null> {
    return row.productId ? ctx.scope.use(contractLoaders, this.services).productById.load(row.productId) : null;
  }
}

/** A customer's contracts (a customer detail). */
@Resolver(() => Customer)
export class CustomerContractsResolver {
  constructor(private readonly services: ContractResolverServices) {}

  @FieldResolver(() => [Contract], {
    nullable: true,
    description: 'Its contracts, newest first. Details (P8): FORBIDDEN (null) unless you may see its details.',
  })
  async contracts(@Root() row: CustomerRow, @Ctx() ctx: Context): Promise<ContractRow[]> {
    this.services.customers.requireDetails(viewerOf(ctx), row);
    return ctx.scope.use(contractLoaders, this.services).contractsByCustomerId.load(row.id);
  }
}
