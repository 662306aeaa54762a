import { Field, InputType } from 'type-graphql';
import { DecimalScalar } from '../platform/graphql/decimal.scalar.js';

/** A catalogue product as entered (createProduct, updateProduct). */
@InputType({ description: 'A catalogue product. Creating needs code, name, unit and listPrice; updating changes only the fields given.' })
export class ProductInput {
  @Field(() => String, { nullable: true, description: 'A unique code: letters, digits, “.”, “_” or “-”, at most 32; a taken code is refused with DUPLICATE.' })
  code?: string | null;
  @Field(() => String, { nullable: true, description: 'The product’s name.' }) name?: string | null;
  @Field(() => String, { nullable: true, description: 'The unit it is sold in, e.g. 台.' }) unit?: string | null;
  @Field(() => DecimalScalar, { nullable: true, description: 'The default unit price, at most 2 decimals, not negative.' }) listPrice?: string | null;
  @Field(() => Boolean, { nullable: true, description: 'False withdraws it from new lines.' }) active?: boolean | null;
}

/** Filters of the product list. */
@InputType({ description: 'Narrows the product list; every condition given must hold.' })
export class ProductFilter {
  @Field(() => Boolean, { nullable: true, description: 'Only active (true) or inactive (false) products.' }) active?: boolean | null;
  @Field(() => String, { nullable: true, description: 'Name or code contains this text (case-insensitive).' }) keyword?: string | null;
}
