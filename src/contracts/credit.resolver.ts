/** V5: credit limits and terms of formal customers (MANAGER, ADMIN) and receivables past their term. */
import { Arg, Authorized, Ctx, Field, ID, Int, Mutation, ObjectType, Query, Resolver } from 'type-graphql';
import { viewerOf, type Context } from '../platform/graphql/context.js';
import type { CustomerRow } from '../platform/db/schema.js';
import { Customer } from '../customers/customer.type.js';
import { Contract } from './contract.type.js';
import { MAX_OVERDUE, type CreditService, type OverdueReceivable } from './credit.service.js';

@ObjectType({ description: 'V5: a confirmed contract past its credit term with money still owed.' })
export class OverdueReceivableItem {
  @Field(() => Contract, { description: 'The contract.' }) contract!: unknown;
  @Field(() => String, { description: 'What is still owed on it, yuan.' }) outstanding!: string;
  @Field(() => Date, { description: 'When it fell due: confirmation + the customer’s credit term (else the policy’s).' }) dueAt!: Date;
  @Field(() => Int, { description: 'Whole days since then.' }) daysOverdue!: number;
}

/** The services these resolvers use, injected by the composition root (src/schema.ts). */
export interface CreditResolverServices {
  credit: CreditService;
}

@Resolver()
export class CreditResolver {
  constructor(private readonly services: CreditResolverServices) {}

  @Authorized('MANAGER', 'ADMIN')
  @Mutation(() => Customer, {
    description:
      'V5: sets a formal customer’s credit limit and term (null clears either). Confirming a contract that would take what it owes over the limit then opens a CREDIT application instead (decided by a MANAGER). BAD_USER_INPUT on `customerId` for a customer that is not formal; FORBIDDEN outside a department manager’s reach (T1).',
  })
  setCustomerCredit(
    @Arg('customerId', () => ID, { description: 'The formal customer.' }) customerId: string,
    @Arg('limit', () => String, { nullable: true, description: 'The most it may owe on confirmed contracts, yuan, e.g. "500000.00"; null: no limit.' })
    limit: string | null,
    @Arg('termDays', () => Int, {
      nullable: true,
      description: 'Days after confirmation a contract falls due, 1 to 365; null: the policy’s (contract.creditTermDays).',
    })
    termDays: number | null,
    @Ctx() ctx: Context,
  ): Promise<CustomerRow> {
    return this.services.credit.setCredit(viewerOf(ctx), customerId, limit ?? null, termDays ?? null);
  }

  @Authorized('MANAGER', 'ADMIN', 'AFTER_SALES')
  @Query(() => [OverdueReceivableItem], {
    description: 'V5: confirmed contracts past their credit term with money owed, longest overdue first; a department manager’s reach only (T1).',
  })
  overdueReceivables(
    @Arg('first', () => Int, { defaultValue: 100, description: `How many, 1 to ${MAX_OVERDUE}.` }) first: number,
    @Ctx() ctx: Context,
  ): Promise<OverdueReceivable[]> {
    return this.services.credit.overdue(viewerOf(ctx), first);
  }
}
