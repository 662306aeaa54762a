/**
 * Arguments many fields share, declared once. Their checks stay where they were: `first` is
 * bounded by the limits plugin before anything runs (limits.ts) and again by `pageSize` in the
 * domain; `after` is decoded by the domain list; `expectedVersion` is compared under the row lock.
 */
import { ArgsType, Field, Int } from 'type-graphql';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, type PageArgs } from '../pagination.js';

/** Forward pagination of a Relay connection. */
@ArgsType()
export class ConnectionArgs implements PageArgs {
  @Field(() => Int, {
    nullable: true,
    description: `How many items to return: 0 to ${MAX_PAGE_SIZE}, default ${DEFAULT_PAGE_SIZE}. A value outside that range is refused with BAD_USER_INPUT before anything runs; it also multiplies the estimated cost of what is selected below.`,
  })
  first?: number | null;

  @Field(() => String, {
    nullable: true,
    description:
      'Continue after this cursor: the `pageInfo.endCursor` (or an edge `cursor`) this same list gave out. Omit for the first page. A cursor that cannot be decoded is refused with BAD_USER_INPUT.',
  })
  after?: string | null;
}

/** The optimistic lock of a mutation that changes a versioned record. */
@ArgsType()
export class ExpectedVersionArgs {
  @Field(() => Int, {
    nullable: true,
    description:
      'Optimistic lock: the `version` you last read. If the record has changed since, nothing is written and the mutation is refused with CONFLICT (`extensions.currentVersion` holds the version now); reload and retry. Omit to skip the check.',
  })
  expectedVersion?: number | null;
}
