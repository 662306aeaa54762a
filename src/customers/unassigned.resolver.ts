/** P6: the manager's list of formal customers nobody looks after. */
import { Args, Authorized, Ctx, Query, Resolver } from 'type-graphql';
import type { Viewer } from '../platform/auth/viewer.js';
import type { CustomerRow } from '../platform/db/schema.js';
import { ConnectionArgs } from '../platform/graphql/args.js';
import { viewerOf, type Context } from '../platform/graphql/context.js';
import { asIs, toConnection, type ConnectionOf } from '../platform/graphql/relay.js';
import type { Page, PageArgs } from '../platform/pagination.js';
import { Customer, CustomerConnection } from './customer.type.js';

/** The services this resolver uses (src/schema.ts injects the app's). */
export interface UnassignedResolverServices {
  unassignedFormalCustomers(viewer: Viewer, args: PageArgs): Promise<Page<CustomerRow>>;
}

@Resolver(() => Customer)
export class UnassignedCustomersResolver {
  constructor(private readonly services: UnassignedResolverServices) {}

  @Authorized('MANAGER')
  @Query(() => CustomerConnection, {
    description:
      'P6: formal customers without a custodian, oldest first — confirmed while no active after-sales person could take them. Assign them with transferCustomer. MANAGER only (FORBIDDEN otherwise).',
  })
  async unassignedFormalCustomers(@Args(() => ConnectionArgs) page: ConnectionArgs, @Ctx() ctx: Context): Promise<ConnectionOf<CustomerRow>> {
    return toConnection(await this.services.unassignedFormalCustomers(viewerOf(ctx), page), asIs, page);
  }
}
