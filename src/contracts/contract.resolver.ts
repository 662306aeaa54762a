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

@Resolver(() => Contract)
export class ContractResolver {
  @Authorized()
  @Query(() => Contract)
  async contract(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<ContractRow> {
    return ctx.services.contracts.get(viewerOf(ctx), id);
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
    const page = await ctx.services.contracts.list(viewerOf(ctx), filter ?? {}, orderBy ?? ContractOrder.NEWEST_FIRST, { first, after });
    return toConnection(page, (r) => r, after !== null) as unknown as ContractConnection;
  }

  @Authorized()
  @Mutation(() => Contract, { description: 'C1/C2: reserve a contract number for an intent or formal customer.' })
  async reserveContract(@Arg('customerId', () => ID) customerId: string, @Ctx() ctx: Context): Promise<ContractRow> {
    return ctx.services.contracts.reserve(viewerOf(ctx), customerId);
  }

  @Authorized()
  @Mutation(() => Contract, { description: 'C2: fill in; the first update moves a reserved contract to draft.' })
  async updateContract(
    @Arg('id', () => ID) id: string,
    @Arg('input', () => ContractInput) input: ContractInput,
    @Arg('expectedVersion', () => Int, { nullable: true }) expectedVersion: number | null,
    @Ctx() ctx: Context,
  ): Promise<ContractRow> {
    return ctx.services.contracts.update(viewerOf(ctx), id, input, expectedVersion);
  }

  @Authorized()
  @Mutation(() => ContractLine, { description: 'C2: add a product line (添加产品) before confirmation.' })
  async addContractLine(@Arg('contractId', () => ID) contractId: string, @Arg('input', () => ContractLineInput) input: ContractLineInput, @Ctx() ctx: Context): Promise<ContractLineRow> {
    const [line] = await ctx.services.contracts.addLines(viewerOf(ctx), contractId, [input]);
    if (!line) throw new Error('no line added');
    return line;
  }

  @Authorized()
  @Mutation(() => Contract, { description: 'Remove a line before confirmation (kept, marked removed — E6).' })
  async removeContractLine(@Arg('contractId', () => ID) contractId: string, @Arg('lineId', () => ID) lineId: string, @Ctx() ctx: Context): Promise<ContractRow> {
    return ctx.services.contracts.removeLine(viewerOf(ctx), contractId, lineId);
  }

  @Authorized()
  @Mutation(() => Contract, { description: 'C2/P6: lock the contract and make the customer formal, in one transaction.' })
  async confirmContract(
    @Arg('id', () => ID) id: string,
    @Arg('expectedVersion', () => Int, { nullable: true }) expectedVersion: number | null,
    @Ctx() ctx: Context,
  ): Promise<ContractRow> {
    return ctx.services.contracts.confirm(viewerOf(ctx), id, expectedVersion);
  }

  @Authorized()
  @Mutation(() => Contract, { description: 'C4: void a reserved or draft contract; its number is never reused.' })
  async voidContract(
    @Arg('id', () => ID) id: string,
    @Arg('reason', () => String) reason: string,
    @Arg('expectedVersion', () => Int, { nullable: true }) expectedVersion: number | null,
    @Ctx() ctx: Context,
  ): Promise<ContractRow> {
    return ctx.services.contracts.void(viewerOf(ctx), id, reason, expectedVersion);
  }

  @Authorized('MANAGER')
  @Mutation(() => Contract, { description: 'End a confirmed contract (MANAGER, reason required).' })
  async terminateContract(
    @Arg('id', () => ID) id: string,
    @Arg('reason', () => String) reason: string,
    @Arg('expectedVersion', () => Int, { nullable: true }) expectedVersion: number | null,
    @Ctx() ctx: Context,
  ): Promise<ContractRow> {
    return ctx.services.contracts.terminate(viewerOf(ctx), id, reason, expectedVersion);
  }

  @Authorized()
  @Mutation(() => Payment, { description: 'C3: record a payment; the one reaching the total settles the contract.' })
  async recordPayment(@Arg('contractId', () => ID) contractId: string, @Arg('input', () => PaymentInput) input: PaymentInput, @Ctx() ctx: Context): Promise<PaymentRow> {
    return ctx.services.contracts.recordPayment(viewerOf(ctx), contractId, input);
  }

  @Authorized()
  @Mutation(() => Contract, { description: 'C3: delivery progress.' })
  async updateDelivery(
    @Arg('contractId', () => ID) contractId: string,
    @Arg('status', () => DeliveryStatusEnum) status: DeliveryStatus,
    @Ctx() ctx: Context,
  ): Promise<ContractRow> {
    return ctx.services.contracts.updateDelivery(viewerOf(ctx), contractId, status);
  }

  @FieldResolver(() => Customer)
  async customer(@Root() row: ContractRow, @Ctx() ctx: Context): Promise<CustomerRow | null> {
    return ctx.loaders.customerById.load(row.customerId);
  }

  @FieldResolver(() => User)
  async createdBy(@Root() row: ContractRow, @Ctx() ctx: Context) {
    return ctx.loaders.userById.load(row.createdById);
  }

  @FieldResolver(() => [ContractLine])
  async lines(@Root() row: ContractRow, @Ctx() ctx: Context): Promise<ContractLineRow[]> {
    return ctx.loaders.linesByContractId.load(row.id);
  }

  @FieldResolver(() => [Payment])
  async payments(@Root() row: ContractRow, @Ctx() ctx: Context): Promise<PaymentRow[]> {
    return ctx.loaders.paymentsByContractId.load(row.id);
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
    return availableActionsOf(ctx, ctx.services.workflows.contract, row);
  }

  @FieldResolver(() => TransitionConnection)
  async history(
    @Root() row: ContractRow,
    @Arg('first', () => Int, { nullable: true }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: Context,
  ): Promise<TransitionConnection> {
    return historyOf(ctx, row.id, first, after);
  }
}

@Resolver(() => Payment)
export class PaymentResolver {
  @FieldResolver(() => User, { nullable: true })
  async handler(@Root() row: PaymentRow, @Ctx() ctx: Context) {
    return row.handlerId ? ctx.loaders.userById.load(row.handlerId) : null;
  }
}

@Resolver(() => ContractLine)
export class ContractLineResolver {
  @FieldResolver(() => Product, { nullable: true })
  async product(@Root() row: ContractLineRow, @Ctx() ctx: Context): Promise<ProductRow | null> {
    return row.productId ? ctx.loaders.productById.load(row.productId) : null;
  }
}

@Resolver(() => Product)
export class ProductResolver {
  @Authorized()
  @Query(() => ProductConnection)
  async products(
    @Arg('filter', () => ProductFilter, { nullable: true }) filter: ProductFilter | null,
    @Arg('first', () => Int, { nullable: true }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: Context,
  ): Promise<ProductConnection> {
    viewerOf(ctx);
    const page = await ctx.services.contracts.products(filter ?? {}, { first, after });
    return toConnection(page, (r) => r, after !== null) as unknown as ProductConnection;
  }

  @Authorized('MANAGER', 'ADMIN')
  @Mutation(() => Product)
  async createProduct(@Arg('input', () => ProductInput) input: ProductInput, @Ctx() ctx: Context): Promise<ProductRow> {
    return ctx.services.contracts.saveProduct(viewerOf(ctx), null, input);
  }

  @Authorized('MANAGER', 'ADMIN')
  @Mutation(() => Product)
  async updateProduct(@Arg('id', () => ID) id: string, @Arg('input', () => ProductInput) input: ProductInput, @Ctx() ctx: Context): Promise<ProductRow> {
    return ctx.services.contracts.saveProduct(viewerOf(ctx), id, input);
  }
}

@Resolver(() => Customer)
export class CustomerContractsResolver {
  @FieldResolver(() => [Contract], { nullable: true, description: 'This customer’s contracts, newest first. Details (P8).' })
  async contracts(@Root() row: CustomerRow, @Ctx() ctx: Context): Promise<ContractRow[]> {
    ctx.services.customers.requireDetails(viewerOf(ctx), row);
    return ctx.loaders.contractsByCustomerId.load(row.id);
  }
}
