/** Customer value (V1–V3): per customer (a detail, P8) and the manager's summaries (MANAGER, ADMIN; reach, T1). */
import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Query, Resolver, Root } from 'type-graphql';
import { viewerOf, type Context } from '../platform/graphql/context.js';
import type { CustomerRow } from '../platform/db/schema.js';
import type { CustomerService } from '../customers/customer.service.js';
import { Customer } from '../customers/customer.type.js';
import { MAX_RANKING, type CustomerValue, type LoyaltyStage, type Tier, type ValueClass, type ValueService } from './value.service.js';
import { valueLoaders } from './value.loaders.js';
import { CustomerValueFigures, LoyaltyEnum, TierEnum, ValueClassEnum, ValueClassReport, ValueGroup, ValueRankingOrder } from './value.type.js';

/** The services these resolvers use, injected by the composition root (src/schema.ts). */
export interface ValueResolverServices {
  value: ValueService;
  customers: CustomerService;
}

const WINDOW = 'The value window as an ISO-8601 duration back from now (P1D to P5Y); default policy `value.window` (P1Y).';
const DETAILS = 'Details (P8): FORBIDDEN (null) unless you may see its details.';

@Resolver()
export class ValueResolver {
  constructor(private readonly services: ValueResolverServices) {}

  @Authorized('MANAGER', 'ADMIN')
  @Query(() => ValueClassReport, { description: 'V1: customers and revenue per value class, the Pareto curve and the repurchase rate (V3), over your reach.' })
  valueClasses(@Arg('window', () => String, { nullable: true, description: WINDOW }) window: string | null, @Ctx() ctx: Context) {
    return this.services.value.classes(viewerOf(ctx), window);
  }

  @Authorized('MANAGER', 'ADMIN')
  @Query(() => [ValueGroup], { description: 'V2: the value pyramid: customers and revenue per tier, VIP first, over your reach.' })
  valuePyramid(@Arg('window', () => String, { nullable: true, description: WINDOW }) window: string | null, @Ctx() ctx: Context) {
    return this.services.value.pyramid(viewerOf(ctx), window);
  }

  @Authorized('MANAGER', 'ADMIN')
  @Query(() => [CustomerValueFigures], { description: 'V3: the buying customers of your reach with the most revenue.' })
  customerValueRanking(
    @Arg('orderBy', () => ValueRankingOrder, { defaultValue: ValueRankingOrder.REVENUE, description: 'Lifetime revenue or the window’s.' })
    orderBy: ValueRankingOrder,
    @Arg('first', () => Int, { defaultValue: 20, description: `How many, 1 to ${MAX_RANKING}.` }) first: number,
    @Ctx() ctx: Context,
  ): Promise<CustomerValue[]> {
    return this.services.value.ranking(viewerOf(ctx), orderBy, first);
  }

  @Authorized()
  @Query(() => CustomerValueFigures, { description: `V3: one customer’s value: lifetime value, purchases, class, tier and loyalty. ${DETAILS}` })
  async customerValue(@Arg('id', () => ID, { description: 'The customer; unknown: NOT_FOUND.' }) id: string, @Ctx() ctx: Context): Promise<CustomerValue> {
    const row = await this.services.customers.get(id);
    this.services.customers.requireDetails(viewerOf(ctx), row);
    return ctx.scope.use(valueLoaders, this.services).valueByCustomerId.load(row.id);
  }
}

/** A customer's value figures, batched per request. */
@Resolver(() => Customer)
export class CustomerValueResolver {
  constructor(private readonly services: ValueResolverServices) {}

  private load(row: CustomerRow, ctx: Context): Promise<CustomerValue> {
    this.services.customers.requireDetails(viewerOf(ctx), row);
    return ctx.scope.use(valueLoaders, this.services).valueByCustomerId.load(row.id);
  }

  @FieldResolver(() => CustomerValueFigures, { nullable: true, description: `Its value (V1–V3). ${DETAILS}` })
  value(@Root() row: CustomerRow, @Ctx() ctx: Context): Promise<CustomerValue> {
    return this.load(row, ctx);
  }

  @FieldResolver(() => ValueClassEnum, { nullable: true, description: `Its value class (V1): A 金牌, B, C drag; null if it never bid. ${DETAILS}` })
  async valueClass(@Root() row: CustomerRow, @Ctx() ctx: Context): Promise<ValueClass | null> {
    return (await this.load(row, ctx)).valueClass;
  }

  @FieldResolver(() => TierEnum, { nullable: true, description: `The pyramid tier its revenue earns (V2); null before a purchase. ${DETAILS}` })
  async tier(@Root() row: CustomerRow, @Ctx() ctx: Context): Promise<Tier | null> {
    return (await this.load(row, ctx)).tier;
  }

  @FieldResolver(() => LoyaltyEnum, { nullable: true, description: `Its loyalty stage (V3). ${DETAILS}` })
  async loyalty(@Root() row: CustomerRow, @Ctx() ctx: Context): Promise<LoyaltyStage> {
    return (await this.load(row, ctx)).loyalty;
  }
}
