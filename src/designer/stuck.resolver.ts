/** Deadlines that keep failing to fire, for the people who can fix them (issue 13). */
import { Authorized, Field, ID, Int, ObjectType, Query, Resolver } from 'type-graphql';
import type { DeadlineFailureRow } from '../platform/db/schema.js';
import type { Sweeper } from '../workflow/sweeper.js';

@ObjectType({
  description:
    'A deadline event that failed to fire several times and has not fired since. The sweeper keeps retrying it with a growing pause (at most an hour) and never lets it hold up other rows.',
})
export class StuckTransition {
  @Field(() => String, { description: 'The machine: customer, application, contract, contact or followUpPlan.' }) machine!: string;
  @Field(() => ID, { description: 'The id of the record (customer, application, contract, follow-up plan …) whose deadline fails.' }) entityId!: string;
  @Field(() => String, { description: 'The deadline event that fails, e.g. TERM_EXPIRED.' }) event!: string;
  @Field(() => Int, { description: 'How many times it failed.' }) attempts!: number;
  @Field(() => String, { description: 'Why it failed the last time (the error message).' }) lastError!: string;
  @Field(() => Date, { description: 'When it failed first.' }) firstFailedAt!: Date;
  @Field(() => Date, { description: 'When it failed last.' }) lastFailedAt!: Date;
  @Field(() => Date, { description: 'When the sweeper tries it again.' }) nextAttemptAt!: Date;
}

/** The services this resolver uses (src/schema.ts injects the app's). */
export interface StuckResolverServices {
  sweeper: Sweeper;
}

@Resolver(() => StuckTransition)
export class StuckTransitionResolver {
  constructor(private readonly services: StuckResolverServices) {}

  @Authorized('ADMIN', 'DESIGNER')
  @Query(() => [StuckTransition], {
    description: 'Deadlines that failed to fire five times or more and have not fired since, oldest first. ADMIN or DESIGNER (FORBIDDEN otherwise).',
  })
  async stuckTransitions(): Promise<StuckTransition[]> {
    const rows: DeadlineFailureRow[] = await this.services.sweeper.stuck();
    return rows.map((r) => ({
      machine: r.machine,
      entityId: r.entityId,
      event: r.event,
      attempts: r.attempts,
      lastError: r.lastError,
      firstFailedAt: r.firstFailedAt,
      lastFailedAt: r.lastFailedAt,
      nextAttemptAt: r.nextAttemptAt,
    }));
  }
}
