import { Arg, Authorized, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import { viewerOf, type Context } from '../platform/graphql/context.js';
import type { HandOverService } from './hand-over.service.js';
import { HandOverInput, HandOverSummary } from './hand-over.type.js';
import { User } from './user.type.js';

/** The services these resolvers use, injected by the composition root (src/schema.ts). */
export interface HandOverResolverServices {
  handOvers: HandOverService;
}

/** T7: hand-over on departure. */
@Resolver(() => HandOverSummary)
export class HandOverResolver {
  constructor(private readonly services: HandOverResolverServices) {}

  @Authorized('ADMIN')
  @Mutation(() => HandOverSummary, {
    description:
      'T7: a user leaves. In one transaction: deactivates them (every token revoked, as updateUser with active false) and hands over every customer they hold, ' +
      'every pending application they made and every unconfirmed contract of theirs, each with a history row carrying the reason. ' +
      'All or nothing: when any item is refused (e.g. P9: the successor may not hold it; P6: a formal customer cannot go to a pool) nothing changes, ' +
      'and the BAD_USER_INPUT error (rule T7) names every refused item and its rule in `extensions.refused`. ADMIN only (FORBIDDEN otherwise).',
  })
  async deactivateUser(
    @Arg('id', () => ID, { description: 'The departing user (not yourself).' }) id: string,
    @Arg('handOverTo', () => HandOverInput, { description: 'Who or which pool takes over their work: exactly one of userId and poolId.' })
    handOverTo: HandOverInput,
    @Arg('reason', () => String, { description: 'Why (P10): recorded on every history row of the hand-over.' }) reason: string,
    @Ctx() ctx: Context,
  ): Promise<HandOverSummary> {
    const summary = await this.services.handOvers.deactivate(viewerOf(ctx), id, handOverTo, reason);
    return Object.assign(new HandOverSummary(), { ...summary, user: User.from(summary.user) });
  }
}
