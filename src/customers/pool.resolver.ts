/** T2: pools — who may see and change them, their members, and the moves between and out of them. */
import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { CustomerRow, PoolRow } from '../platform/db/schema.js';
import { viewerOf, type Context } from '../platform/graphql/context.js';
import { NotFoundError } from '../platform/errors.js';
import { poolLoaders } from './customer.loaders.js';
import type { CustomerService } from './customer.service.js';
import { Customer } from './customer.type.js';
import type { PoolService } from './pool.service.js';
import { Pool, PoolInput, PoolMembership } from './pool.type.js';

/** The services these resolvers use, injected by the composition root (src/schema.ts). */
export interface PoolResolverServices {
  pools: PoolService;
  customers: CustomerService;
}

const POOL_ID = 'The pool’s id.';
const CUSTOMER_ID = 'The customer’s id.';
const REASON = 'Why (P10: recorded in the history).';

@Resolver(() => Pool)
export class PoolResolver {
  constructor(private readonly services: PoolResolverServices) {}

  @Authorized()
  @Query(() => [Pool], { description: 'T2: the pools you belong to (every pool for ADMIN and MANAGER), by name.' })
  pools(@Ctx() ctx: Context): Promise<PoolRow[]> {
    return this.services.pools.list(viewerOf(ctx));
  }

  @Authorized('ADMIN')
  @FieldResolver(() => PoolMembership, { description: 'Its member departments and users, and its admins. ADMIN only.' })
  members(@Root() pool: PoolRow): Promise<PoolMembership> {
    return this.services.pools.members(pool.id);
  }

  @FieldResolver(() => Int, { description: 'How many customers are in it now (a term that has run out counts at once).' })
  customerCount(@Root() pool: PoolRow): Promise<number> {
    return this.services.pools.customerCount(pool.id);
  }

  @Authorized('ADMIN')
  @Mutation(() => Pool, { description: 'T2: makes a pool with its members, admins and policy overrides. ADMIN only.' })
  createPool(@Arg('input', () => PoolInput, { description: 'The pool: a name is required.' }) input: PoolInput, @Ctx() ctx: Context): Promise<PoolRow> {
    return this.services.pools.create(viewerOf(ctx), input);
  }

  @Authorized('ADMIN')
  @Mutation(() => Pool, { description: 'T2: renames, closes or reopens a pool, replaces its members or admins, or changes its overrides. ADMIN only.' })
  updatePool(
    @Arg('id', () => ID, { description: POOL_ID }) id: string,
    @Arg('input', () => PoolInput, { description: 'What changes; member lists given replace the old ones.' }) input: PoolInput,
    @Ctx() ctx: Context,
  ): Promise<PoolRow> {
    return this.services.pools.update(viewerOf(ctx), id, input);
  }

  @Authorized('ADMIN')
  @Mutation(() => Boolean, {
    description:
      'T2: the pool the customers of a department’s people (and of departments below that name none) fall to, by policy customer.returnTo DEPARTMENT_POOL; null inherits the parent’s. ADMIN only.',
  })
  async setDepartmentPool(
    @Arg('departmentId', () => ID, { description: 'The department’s id.' }) departmentId: string,
    @Arg('poolId', () => ID, { nullable: true, description: 'An open pool, or null to inherit.' }) poolId: string | null,
    @Ctx() ctx: Context,
  ): Promise<boolean> {
    await this.services.pools.setDepartmentPool(viewerOf(ctx), departmentId, poolId);
    return true;
  }

  @Authorized('MANAGER')
  @Mutation(() => Customer, { description: 'T2: moves a pool customer to another open pool (MOVE_POOL, with the reason). MANAGER only.' })
  moveToPool(
    @Arg('customerId', () => ID, { description: CUSTOMER_ID }) customerId: string,
    @Arg('poolId', () => ID, { description: 'The open pool it moves to.' }) poolId: string,
    @Arg('reason', () => String, { description: REASON }) reason: string,
    @Ctx() ctx: Context,
  ): Promise<CustomerRow> {
    return this.services.pools.moveToPool(viewerOf(ctx), customerId, poolId, reason);
  }

  @Authorized('MANAGER', 'SALES')
  @Mutation(() => Customer, {
    description:
      'T2: assigns a pool customer to a salesperson, who protects it at once with a fresh prospect term: a manager to any eligible salesperson, a pool’s admin to members of the pool (P5’s cool-down applies).',
  })
  assignFromPool(
    @Arg('customerId', () => ID, { description: CUSTOMER_ID }) customerId: string,
    @Arg('toUserId', () => ID, { description: 'The salesperson who takes it.' }) toUserId: string,
    @Arg('reason', () => String, { description: REASON }) reason: string,
    @Ctx() ctx: Context,
  ): Promise<CustomerRow> {
    return this.services.pools.assignFromPool(viewerOf(ctx), customerId, toUserId, reason);
  }
}

@Resolver(() => Customer)
export class CustomerPoolResolver {
  constructor(private readonly services: PoolResolverServices) {}

  @FieldResolver(() => Pool, { description: 'T2: the pool it is in (stage POOL), or the pool it came from and may return to.' })
  async pool(@Root() row: CustomerRow, @Ctx() ctx: Context): Promise<PoolRow> {
    const pool = await ctx.scope.use(poolLoaders, this.services).poolById.load(row.poolId);
    if (!pool) throw new NotFoundError('Pool', row.poolId);
    return pool;
  }
}
