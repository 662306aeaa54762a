/** T6: what a batch of claims, assignments or transfers answers, item by item. */
import { Field, ID, Int, ObjectType } from 'type-graphql';
import type { CustomerRow } from '../platform/db/schema.js';
import type { ErrorCode } from '../platform/errors.js';
import { Customer } from './customer.type.js';

@ObjectType({ description: 'T6: why one item of a batch was refused: the error the single mutation would have answered for it.' })
export class BatchItemError {
  @Field(() => String, {
    description: 'The error code, as in `extensions.code` of a single mutation: ILLEGAL_TRANSITION, FORBIDDEN, BAD_USER_INPUT, NOT_FOUND or CONFLICT.',
  })
  code!: ErrorCode;

  @Field(() => String, {
    nullable: true,
    description:
      'The rule that refused it, e.g. P5 (cool-down), P7 (claim limits), P9 (transfer target) or T6 (not in, or in, the pool); null when no rule did (e.g. NOT_FOUND).',
  })
  rule!: string | null;

  @Field(() => String, { description: 'What went wrong, for a person.' })
  message!: string;
}

@ObjectType({ description: 'T6: the outcome of one id of a batch. Each item is all or nothing: done in full, or not at all.' })
export class BatchItemResult {
  @Field(() => ID, { description: 'The customer id, as given.' })
  id!: string;

  @Field(() => Boolean, { description: 'Whether this item was done (then customer is set and error is null).' })
  ok!: boolean;

  @Field(() => Customer, { nullable: true, description: 'The customer as it is after this item, when ok; null when refused.' })
  customer!: CustomerRow | null;

  @Field(() => BatchItemError, { nullable: true, description: 'Why this item was refused; null when ok.' })
  error!: BatchItemError | null;
}

@ObjectType({ description: 'T6: the outcome of a batch, one result per id in the order given, and the counts.' })
export class CustomerBatchPayload {
  @Field(() => [BatchItemResult], { description: 'One result per id, in the order of the ids given.' })
  results!: BatchItemResult[];

  @Field(() => Int, { description: 'How many items were done.' })
  succeeded!: number;

  @Field(() => Int, { description: 'How many items were refused.' })
  failed!: number;
}
