import { Arg, Args, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import type { ProductRow } from '../platform/db/schema.js';
import { ConnectionArgs } from '../platform/graphql/args.js';
import { viewerOf, type Context } from '../platform/graphql/context.js';
import { asIs, toConnection, type ConnectionOf } from '../platform/graphql/relay.js';
import { ProductFilter, ProductInput } from './product.input.js';
import type { ProductService } from './product.service.js';
import { Product, ProductConnection } from './product.type.js';

/** The services this resolver uses, injected by the composition root (src/schema.ts). */
export interface ProductResolverServices {
  products: ProductService;
}

/** The product catalogue. */
@Resolver(() => Product)
export class ProductResolver {
  constructor(private readonly services: ProductResolverServices) {}

  @Authorized()
  @Query(() => ProductConnection, { description: 'The product catalogue by name; anyone signed in.' })
  async products(
    @Arg('filter', () => ProductFilter, { nullable: true, description: 'Which products; default: all.' }) filter: ProductFilter | null,
    @Args(() => ConnectionArgs) page: ConnectionArgs,
    @Ctx() ctx: Context,
  ): Promise<ConnectionOf<ProductRow>> {
    viewerOf(ctx);
    return toConnection(await this.services.products.list(filter ?? {}, page), asIs, page);
  }

  @Authorized('MANAGER', 'ADMIN')
  @Mutation(() => Product, { description: 'Adds a product to the catalogue. MANAGER and ADMIN only.' })
  async createProduct(
    @Arg('input', () => ProductInput, { description: 'The product; code, name, unit and listPrice are required.' }) input: ProductInput,
    @Ctx() ctx: Context,
  ): Promise<ProductRow> {
    return this.services.products.create(viewerOf(ctx), input);
  }

  @Authorized('MANAGER', 'ADMIN')
  @Mutation(() => Product, { description: 'Changes a catalogue product; lines already written keep their prices. MANAGER and ADMIN only.' })
  async updateProduct(
    @Arg('id', () => ID, { description: 'The product’s id.' }) id: string,
    @Arg('input', () => ProductInput, { description: 'The fields to change.' }) input: ProductInput,
    @Ctx() ctx: Context,
  ): Promise<ProductRow> {
    return this.services.products.update(viewerOf(ctx), id, input);
  }
}
