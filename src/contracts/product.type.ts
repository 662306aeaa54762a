import { Field, ID, Int, ObjectType } from 'type-graphql';
import { DecimalScalar } from '../platform/graphql/decimal.scalar.js';
import { Connection } from '../platform/graphql/relay.js';

/** A catalogue product; resolvers return `ProductRow`s for it. */
@ObjectType({ description: 'A catalogue product that contract lines may refer to. Anyone signed in reads the catalogue; MANAGER and ADMIN keep it.' })
export class Product {
  @Field(() => ID, { description: 'The product’s id: use it as a line’s productId.' }) id!: string;
  @Field(() => String, { description: 'A unique code: letters, digits, “.”, “_” or “-”, at most 32.' }) code!: string;
  @Field(() => String, { description: 'The product’s name; a line without a description shows it.' }) name!: string;
  @Field(() => String, { description: 'The unit it is sold in, e.g. 台 or 套.' }) unit!: string;
  @Field(() => DecimalScalar, { description: 'The default unit price of a line, 2 decimals.' }) listPrice!: string;
  @Field(() => Boolean, { description: 'Only active products can be added to lines; inactive ones stay on existing contracts.' }) active!: boolean;
  @Field(() => Int, { description: 'Grows by one with every change.' }) version!: number;
}

/** A page of products. */
@ObjectType({ description: 'A page of catalogue products by name (Relay connection).' })
export class ProductConnection extends Connection(Product, 'products') {}
