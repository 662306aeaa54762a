/** The data fields every workflow-governed object type shares (the columns of every workflow table). */
import { Field, ID, Int, ObjectType } from 'type-graphql';

/**
 * Base of Customer, Application and Contract. No field returns it, so type-graphql emits no type
 * of its own: each subclass gets these fields as its own (a GraphQL interface would change the
 * SDL of all three types).
 * The machine-driven fields (`state`, `availableActions`, `history`) come from `WorkflowEntityResolver`.
 */
@ObjectType()
export abstract class WorkflowEntity {
  @Field(() => ID, { simple: true, description: 'The record’s id (a UUID); pass it to the mutations that act on it.' })
  id!: string;

  @Field(() => Int, {
    simple: true,
    description:
      'Grows by one with every change of the record. Send it back as `expectedVersion` so that a change made meanwhile by someone else is refused with CONFLICT instead of overwritten.',
  })
  version!: number;

  @Field(() => Int, {
    simple: true,
    description: 'The published machine version this record runs on (P11): it keeps its version until a designer moves it with migrateWorkflowInstances.',
  })
  machineVersion!: number;
}
