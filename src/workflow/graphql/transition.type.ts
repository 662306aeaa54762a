/** P10: one recorded change of a workflow instance, and pages of them. */
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { JSONScalar } from '../../platform/graphql/json.scalar.js';
import { Connection } from '../../platform/graphql/relay.js';

/** One history row as the GraphQL edge serves it (its bigint id as a string). */
@ObjectType({
  simpleResolvers: true,
  description:
    'P10: one recorded transition of a customer, application, contract, contact or follow-up plan: who sent which event, when, from which state to which, and why.',
})
export class Transition {
  @Field(() => ID, { description: 'The history row’s number; a later transition has a higher number.' })
  id!: string;

  @Field(() => String, { description: 'The machine that recorded it: customer, application, contract, contact or followUpPlan.' })
  machine!: string;

  @Field(() => Int, { description: 'The machine version the instance ran on when the event was applied (P11).' })
  machineVersion!: number;

  @Field(() => String, {
    description:
      'The event, e.g. CLAIM, TERM_EXPIRED, APPROVE; CREATE for the row that started the instance and MIGRATE for a move to another machine version.',
  })
  event!: string;

  @Field(() => String, { nullable: true, description: 'The state path before the event; null on the CREATE row.' })
  fromState!: string | null;

  @Field(() => String, { description: 'The state path after the event (the same as fromState for an event that changes data only).' })
  toState!: string;

  @Field(() => String, {
    nullable: true,
    description: 'The reason sent with the event (abandon, transfer, rejection, void, termination, …); null when none was given.',
  })
  reason!: string | null;

  @Field(() => JSONScalar, {
    description:
      'Event inputs; changes of derived columns such as custodianId or stage as { column: [before, after] } under `changes`; the new deadline under `deadlineAt` when it moved.',
  })
  payload!: Record<string, unknown>;

  @Field(() => Date, { description: 'When the transition was committed.' })
  createdAt!: Date;

  /** Resolved to `actor` by the users feature; null for the system. */
  actorId!: string | null;
}

/** A page of history rows, newest first. */
@ObjectType({ description: 'A page of recorded transitions, newest first (Relay connection).' })
export class TransitionConnection extends Connection(Transition, 'transitions') {}
