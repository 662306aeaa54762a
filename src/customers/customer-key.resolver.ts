import { Arg, Authorized, Ctx, FieldResolver, Int, Query, Resolver, Root } from 'type-graphql';
import DataLoader from 'dataloader';
import type { CustomerRow } from '../platform/db/schema.js';
import { viewerOf, type Context } from '../platform/graphql/context.js';
import type { CustomerKeyService } from './customer-key.service.js';
import type { DuplicateMatch } from './customer.service.js';
import { Customer } from './customer.type.js';
import { CustomerWarning, CustomerWarningCode, DuplicateKeyConflict } from './customer-key.type.js';

/** The services these resolvers use, injected by the composition root (src/schema.ts). */
export interface CustomerKeyResolverServices {
  customerKeys: CustomerKeyService;
}

/** Per request: the similar customers of each customer asked for, one query per batch. */
const similarLoaders = (s: CustomerKeyResolverServices) => ({
  similarByCustomer: new DataLoader<CustomerRow, DuplicateMatch[], string>((rows) => s.customerKeys.similarTo(rows), { cacheKeyFn: (r) => r.id }),
});

/** E4: warnings on a customer and the manager's list of keys shared since a re-derivation. */
@Resolver(() => Customer)
export class CustomerKeyResolver {
  constructor(private readonly services: CustomerKeyResolverServices) {}

  @FieldResolver(() => [CustomerWarning], {
    description:
      'E4: what entry did not refuse but must not keep silent, computed now: SIMILAR_NAME when other customers’ trade-name keys contain this one’s or are contained in it (同创 / 同创医药). createCustomer returns it; empty when there is nothing to say.',
  })
  async warnings(@Root() row: CustomerRow, @Ctx() ctx: Context): Promise<CustomerWarning[]> {
    const similar = await ctx.scope.use(similarLoaders, this.services).similarByCustomer.load(row);
    if (similar.length === 0) return [];
    const names = similar.map((m) => `${m.name}${m.custodianName ? ` (${m.custodianName})` : ''}`).join('; ');
    return [{ code: CustomerWarningCode.SIMILAR_NAME, message: `Similar trade names (E4): ${names}`, customers: similar }];
  }

  @Authorized('MANAGER')
  @Query(() => [DuplicateKeyConflict], {
    description:
      'E4: trade-name keys that more than one customer holds because the key derivation changed (E1); both customers stay, nothing was refused. Ordered by key. MANAGER only (others: FORBIDDEN).',
  })
  async duplicateKeyConflicts(
    @Arg('first', () => Int, { nullable: true, description: 'At most this many keys (default 100, at most 500).' }) first: number | null,
    @Ctx() ctx: Context,
  ): Promise<DuplicateKeyConflict[]> {
    return this.services.customerKeys.conflicts(viewerOf(ctx), Math.min(Math.max(first ?? 100, 1), 500));
  }
}
