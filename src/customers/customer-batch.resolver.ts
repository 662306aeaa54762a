/** T6: claims, assignments and transfers in batches (customer-batch.service.ts). */
import { Arg, Authorized, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import type { Viewer } from '../platform/auth/viewer.js';
import { viewerOf, type Context } from '../platform/graphql/context.js';
import { MAX_BATCH, type BatchOutcome } from './customer-batch.service.js';
import { CustomerBatchPayload } from './customer-batch.type.js';

/** The services this resolver uses (src/schema.ts injects the app's). */
export interface CustomerBatchResolverServices {
  customerBatches: {
    claim(viewer: Viewer, ids: readonly string[]): Promise<BatchOutcome>;
    assign(viewer: Viewer, ids: readonly string[], toUserId: string, reason: string): Promise<BatchOutcome>;
    transfer(viewer: Viewer, ids: readonly string[], toUserId: string, reason: string): Promise<BatchOutcome>;
  };
}

const IDS = `The customers’ ids: 1 to ${MAX_BATCH}, none twice (else BAD_USER_INPUT naming \`ids\`, before anything runs).`;
const REASON = 'Why; required (at least 2 characters), recorded in each customer’s history (P10).';
const EACH =
  'Each item runs on its own, in the order given, all or nothing (its own transaction); a refused item is reported in its result with the code, rule and message the single mutation would give, and the others still run. An unexpected failure (e.g. the database unavailable) ends the batch with that error; the items before it are done.';

@Resolver()
export class CustomerBatchResolver {
  constructor(private readonly services: CustomerBatchResolverServices) {}

  @Authorized('SALES')
  @Mutation(() => CustomerBatchPayload, {
    description: `T6/P7: claims several pool customers, each as claimCustomer would (P5 cool-down, P7 cap and daily limit per item). ${EACH} SALES only (FORBIDDEN otherwise, up front).`,
  })
  async claimCustomers(@Arg('ids', () => [ID], { description: IDS }) ids: string[], @Ctx() ctx: Context): Promise<BatchOutcome> {
    return this.services.customerBatches.claim(viewerOf(ctx), ids);
  }

  @Authorized('MANAGER')
  @Mutation(() => CustomerBatchPayload, {
    description: `T6/P9: gives pool customers to a salesperson, each as assignFromPool would (ASSIGN, the pool’s event); a customer not in the pool is refused with ILLEGAL_TRANSITION (use transferCustomers). ${EACH} MANAGER only (FORBIDDEN otherwise, up front).`,
  })
  async assignCustomers(
    @Arg('ids', () => [ID], { description: IDS }) ids: string[],
    @Arg('toUserId', () => ID, { description: 'The active salesperson who becomes custodian (else BAD_USER_INPUT, rule P9, per item).' }) toUserId: string,
    @Arg('reason', () => String, { description: REASON }) reason: string,
    @Ctx() ctx: Context,
  ): Promise<BatchOutcome> {
    return this.services.customerBatches.assign(viewerOf(ctx), ids, toUserId, reason);
  }

  @Authorized('MANAGER')
  @Mutation(() => CustomerBatchPayload, {
    description: `T6/P9: moves customers in custody, with contacts, follow-ups and reminders, to another person, each as transferCustomer would; a customer in the pool is refused with ILLEGAL_TRANSITION (TRANSFER is for customers someone holds: use assignCustomers). ${EACH} MANAGER only (FORBIDDEN otherwise, up front).`,
  })
  async transferCustomers(
    @Arg('ids', () => [ID], { description: IDS }) ids: string[],
    @Arg('toUserId', () => ID, {
      description: 'Who becomes custodian: an active salesperson, or after-sales for a formal customer (else BAD_USER_INPUT, rule P9, per item).',
    })
    toUserId: string,
    @Arg('reason', () => String, { description: REASON }) reason: string,
    @Ctx() ctx: Context,
  ): Promise<BatchOutcome> {
    return this.services.customerBatches.transfer(viewerOf(ctx), ids, toUserId, reason);
  }
}
