/** T4: lockCustomer / unlockCustomer, and `Customer.lock`. */
import { Arg, Args, Ctx, Authorized, Field, FieldResolver, ID, Mutation, ObjectType, Resolver, Root } from 'type-graphql';
import type { CustomerRow, UserCard } from '../platform/db/schema.js';
import { ExpectedVersionArgs } from '../platform/graphql/args.js';
import { viewerOf, type Context } from '../platform/graphql/context.js';
import { User } from '../users/user.type.js';
import { userLoaders } from '../users/user.loaders.js';
import type { UserService } from '../users/user.service.js';
import { Customer } from './customer.type.js';
import type { CustomerLockService, CustomerLockView } from './customer-lock.service.js';

/** The services this resolver uses (src/schema.ts injects the app's). */
export interface CustomerLockResolverServices {
  customerLocks: CustomerLockService;
  users: UserService;
}

@ObjectType({ description: 'T4: a lock (锁定) on a customer: while it holds, the customer’s term cannot run out (it is held like a pending application).' })
export class CustomerLock {
  @Field(() => Date, { description: 'When it was locked.' })
  at!: Date;

  @Field(() => String, { nullable: true, description: 'Why it was locked, as given to lockCustomer.' })
  reason!: string | null;

  byId!: string;
}

@Resolver(() => CustomerLock)
export class CustomerLockFieldsResolver {
  constructor(private readonly services: CustomerLockResolverServices) {}

  @FieldResolver(() => User, { nullable: true, description: 'Who locked it (the custodian or a manager, T4).' })
  async by(@Root() lock: CustomerLockView, @Ctx() ctx: Context): Promise<UserCard | null> {
    return ctx.scope.use(userLoaders, this.services).userById.load(lock.byId);
  }
}

const ID_ARG = 'The customer’s id.';

@Resolver(() => Customer)
export class CustomerLockResolver {
  constructor(private readonly services: CustomerLockResolverServices) {}

  @Authorized()
  @Mutation(() => Customer, {
    description:
      'T4: locks a protected or intent customer: its term cannot run out (no deadline runs) until it is unlocked. Who may lock is policy (customer.lock.by: the custodian and/or a manager; FORBIDDEN otherwise); one person keeps at most customer.lock.maxPerUser customers locked (ILLEGAL_TRANSITION, rule T4). Recorded in the history with the reason.',
  })
  async lockCustomer(
    @Arg('id', () => ID, { description: ID_ARG }) id: string,
    @Arg('reason', () => String, { description: 'Why; required (at least 2 characters), recorded in the history (P10).' }) reason: string,
    @Args(() => ExpectedVersionArgs) { expectedVersion }: ExpectedVersionArgs,
    @Ctx() ctx: Context,
  ): Promise<CustomerRow> {
    return this.services.customerLocks.lock(viewerOf(ctx), id, reason, expectedVersion);
  }

  @Authorized()
  @Mutation(() => Customer, {
    description:
      'T4: unlocks a locked customer; its term runs again with at least the policy’s grace left (graceAfterDecisionWorkingDays, P2). Who locked it, or whoever the policy lets lock it, may unlock.',
  })
  async unlockCustomer(
    @Arg('id', () => ID, { description: ID_ARG }) id: string,
    @Arg('reason', () => String, { nullable: true, description: 'Why; optional, recorded in the history (P10).' }) reason: string | null,
    @Args(() => ExpectedVersionArgs) { expectedVersion }: ExpectedVersionArgs,
    @Ctx() ctx: Context,
  ): Promise<CustomerRow> {
    return this.services.customerLocks.unlock(viewerOf(ctx), id, reason, expectedVersion);
  }

  @FieldResolver(() => CustomerLock, {
    nullable: true,
    description:
      'T4: the lock holding its term, or null. Cleared by unlocking, abandoning, a transfer or a signed contract; kept through an intent conversion. Details (P8): FORBIDDEN (null) unless you may see this customer’s details.',
  })
  lock(@Root() row: CustomerRow, @Ctx() ctx: Context): CustomerLockView | null {
    return this.services.customerLocks.lockOf(viewerOf(ctx), row);
  }
}
