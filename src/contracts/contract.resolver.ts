import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { ContractLineRow, ContractRow, CustomerRow, DeliveryStatus, PaymentRow, ProductRow } from '../platform/db/schema.js';
import { money } from '../platform/money.js';
import { viewerOf, type Context } from '../platform/graphql/context.js';
import { AvailableAction, Customer, TransitionConnection } from '../customers/customer.type.js';
import { DecimalScalar } from '../platform/graphql/decimal.scalar.js';
import { toConnection } from '../platform/graphql/relay.js';
import { availableActionsOf, historyOf } from '../workflow/graphql/workflow-fields.js';
import { User } from '../users/user.type.js';
import {
  Contract,
  ContractConnection,
  ContractFilter,
  ContractInput,
  ContractLine,
  ContractLineInput,
  ContractOrder,
  DeliveryStatusEnum,
  Payment,
  PaymentInput,
  Product,
  ProductConnection,
  ProductFilter,
  ProductInput,
} from './contract.type.js';
import type { ContractService } from './contract.service.js';
import type { CustomerService } from '../customers/customer.service.js';
import type { UserService } from '../users/user.service.js';
import type { WorkflowEngine } from '../workflow/engine.js';
import type { WorkflowDefinition } from '../workflow/workflow.js';
import type { ContractFacts } from './contract.machine.js';
import { contractLoaders } from './contract.loaders.js';
import { customerLoaders } from '../customers/customer.loaders.js';
import { userLoaders } from '../users/user.loaders.js';

/** The services these resolvers use, injected by the composition root (src/schema.ts). */
export interface ContractResolverServices {
  contracts: ContractService;
  customers: CustomerService;
  users: UserService;
  engine: WorkflowEngine;
  workflows: { contract: WorkflowDefinition<ContractRow, ContractFacts> };
}

@Resolver(() => Contract)
export class ContractResolver {
  constructor(private readonly services: ContractResolverServices) {}

  @Authorized()
  @Query(() => Contract)
  async contract(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<ContractRow> {
    return this.services.contracts.get(viewerOf(ctx), id);
  }

  @Authorized()
  @Query(() => ContractConnection)
  async contracts(
    @Arg('filter', () => ContractFilter, { nullable: true }) filter: ContractFilter | null,
    @Arg('orderBy', () => ContractOrder, { nullable: true }) orderBy: ContractOrder | null,
    @Arg('first', () => Int, { nullable: true }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: Context,
  ): Promise<ContractConnection> {
    const page = await this.services.contracts.list(viewerOf(ctx), filter ?? {}, orderBy ?? ContractOrder.NEWEST_FIRST, { first, after });
    return toConnection(page, (r) => r, after !== null) as unknown as ContractConnection;
  }

  @Authorized()
  @Mutation(() => Contract, { description: 'C1/C2: reserve a contract number for an intent or formal customer.' })
  async reserveContract(@Arg('customerId', () => ID) customerId: string, @Ctx() ctx: Context): Promise<ContractRow> {
    return this.services.contracts.reserve(viewerOf(ctx), customerId);
  }

  @Authorized()
  @Mutation(() => Contract, { description: 'C2: fill in; the first update moves a reserved contract to draft.' })
  async updateContract(
    @Arg('id', () => ID) id: string,
    @Arg('input', () => ContractInput) input: ContractInput,
    @Arg('expectedVersion', () => Int, { nullable: true }) expectedVersion: number | null,
    @Ctx() ctx: Context,
  ): Promise<ContractRow> {
    return this.services.contracts.update(viewerOf(ctx), id, input, expectedVersion);
  }

  @Authorized()
  @Mutation(() => ContractLine, { description: 'C2: add a product line (添加产品) before confirmation.' })
  async addContractLine(@Arg('contractId', () => ID) contractId: string, @Arg('input', () => ContractLineInput) input: ContractLineInput, @Ctx() ctx: Context): Promise<ContractLineRow> {
    const [line] = await this.services.contracts.addLines(viewerOf(ctx), contractId, [input]);
    if (!line) throw new Error('no line added');
    return line;
  }

  @Authorized()
  @Mutation(() => Contract, { description: 'Remove a line before confirmation (kept, marked removed — E6).' })
  async removeContractLine(@Arg('contractId', () => ID) contractId: string, @Arg('lineId', () => ID) lineId: string, @Ctx() ctx: Context): Promise<ContractRow> {
    return this.services.contracts.removeLine(viewerOf(ctx), contractId, lineId);
  }

  @Authorized()
  @Mutation(() => Contract, { description: 'C2/P6: lock the contract and make the customer formal, in one transaction.' })
  async confirmContract(
    @Arg('id', () => ID) id: string,
    @Arg('expectedVersion', () => Int, { nullable: true }) expectedVersion: number | null,
    @Ctx() ctx: Context,
  ): Promise<ContractRow> {
    return this.services.contracts.confirm(viewerOf(ctx), id, expectedVersion);
  }

  @Authorized()
  @Mutation(() => Contract, { description: 'C4: void a reserved or draft contract; its number is never reused.' })
  async voidContract(
    @Arg('id', () => ID) id: string,
    @Arg('reason', () => String) reason: string,
    @Arg('expectedVersion', () => Int, { nullable: true }) expectedVersion: number | null,
    @Ctx() ctx: Context,
  ): Promise<ContractRow> {
    return this.services.contracts.void(viewerOf(ctx), id, reason, expectedVersion);
  }

  @Authorized('MANAGER')
  @Mutation(() => Contract, { description: 'End a confirmed contract (MANAGER, reason required).' })
  async terminateContract(
    @Arg('id', () => ID) id: string,
    @Arg('reason', () => String) reason: string,
    @Arg('expectedVersion', () => Int, { nullable: true }) expectedVersion: number | null,
    @Ctx() ctx: Context,
  ): Promise<ContractRow> {
    return this.services.contracts.terminate(viewerOf(ctx), id, reason, expectedVersion);
  }

  @Authorized()
  @Mutation(() => Payment, { description: 'C3: record a payment; the one reaching the total settles the contract.' })
  async recordPayment(@Arg('contractId', () => ID) contractId: string, @Arg('input', () => PaymentInput) input: PaymentInput, @Ctx() ctx: Context): Promise<PaymentRow> {
    return this.services.contracts.recordPayment(viewerOf(ctx), contractId, input);
  }

  @Authorized()
  @Mutation(() => Contract, { description: 'C3: delivery progress.' })
  async updateDelivery(
    @Arg('contractId', () => ID) contractId: string,
    @Arg('status', () => DeliveryStatusEnum) status: DeliveryStatus,
    @Ctx() ctx: Context,
  ): Promise<ContractRow> {
    return this.services.contracts.updateDelivery(viewerOf(ctx), contractId, status);
  }

  @FieldResolver(() => Customer)
  async customer(@Root() row: ContractRow, @Ctx() ctx: Context): Promise<CustomerRow | null> {
    return ctx.scope.use(customerLoaders, this.services).customerById.load(row.customerId);
  }

  @FieldResolver(() => User)
  async createdBy(@Root() row: ContractRow, @Ctx() ctx: Context) {
    return ctx.scope.use(userLoaders, this.services).userById.load(row.createdById);
  }

  @FieldResolver(() => [ContractLine])
  async lines(@Root() row: ContractRow, @Ctx() ctx: Context): Promise<ContractLineRow[]> {
    return ctx.scope.use(contractLoaders, this.services).linesByContractId.load(row.id);
  }

  @FieldResolver(() => [Payment])
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

  @FieldResolver(() => [AvailableAction])
  async availableActions(@Root() row: ContractRow, @Ctx() ctx: Context): Promise<AvailableAction[]> {
    return availableActionsOf(this.services.engine, ctx, this.services.workflows.contract, row);
  }

  @FieldResolver(() => TransitionConnection)
  async history(
    @Root() row: ContractRow,
    @Arg('first', () => Int, { nullable: true }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: Context,
  ): Promise<TransitionConnection> {
    return historyOf(this.services.engine, ctx, row.id, first, after);
  }
}

@Resolver(() => Payment)
export class PaymentResolver {
  constructor(private readonly services: ContractResolverServices) {}

  @FieldResolver(() => User, { nullable: true })
  async handler(@Root() row: PaymentRow, @Ctx() ctx: Context) {
    return row.handlerId ? ctx.scope.use(userLoaders, this.services).userById.load(row.handlerId) : null;
  }
}

@Resolver(() => ContractLine)
export class ContractLineResolver {
  constructor(private readonly services: ContractResolverServices) {}

  @FieldResolver(() => Product, { nullable: true })
  async product(@Root() row: ContractLineRow, @Ctx() ctx: Context): Promise<ProductRow | null> {
    return row.productId ? ctx.scope.use(contractLoaders, this.services).productById.load(row.productId) : null;
  }
}

@Resolver(() => Product)
export class ProductResolver {
  constructor(private readonly services: ContractResolverServices) {}

  @Authorized()
  @Query(() => ProductConnection)
  async products(
    @Arg('filter', () => ProductFilter, { nullable: true }) filter: ProductFilter | null,
    @Arg('first', () => Int, { nullable: true }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: Context,
  ): Promise<ProductConnection> {
    viewerOf(ctx);
    const page = await this.services.contracts.products(filter ?? {}, { first, after });
    return toConnection(page, (r) => r, after !== null) as unknown as ProductConnection;
  }

  @Authorized('MANAGER', 'ADMIN')
  @Mutation(() => Product)
  async createProduct(@Arg('input', () => ProductInput) input: ProductInput, @Ctx() ctx: Context): Promise<ProductRow> {
    return this.services.contracts.saveProduct(viewerOf(ctx), null, input);
  }

  @Authorized('MANAGER', 'ADMIN')
  @Mutation(() => Product)
  async updateProduct(@Arg('id', () => ID) id: string, @Arg('input', () => ProductInput) input: ProductInput, @Ctx() ctx: Context): Promise<ProductRow> {
    return this.services.contracts.saveProduct(viewerOf(ctx), id, input);
  }
}

@Resolver(() => Customer)
export class CustomerContractsResolver {
  constructor(private readonly services: ContractResolverServices) {}

  @FieldResolver(() => [Contract], { nullable: true, description: 'This customer’s contracts, newest first. Details (P8).' })
  async contracts(@Root() row: CustomerRow, @Ctx() ctx: Context): Promise<ContractRow[]> {
    this.services.customers.requireDetails(viewerOf(ctx), row);
    return ctx.scope.use(contractLoaders, this.services).contractsByCustomerId.load(row.id);
  }
}
