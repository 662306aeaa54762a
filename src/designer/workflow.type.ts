/** The workflow designer's view of the machines (P11): versions, structure, migrations, policy changes. */
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { JSONScalar } from '../platform/graphql/json.scalar.js';
import type { WorkflowRow } from '../workflow/table.js';
import { ActionInput } from '../workflow/graphql/action.type.js';
import type { WorkflowProblem as Problem } from '../workflow/validation/index.js';
import { Application } from '../applications/application.type.js';
import { Contract } from '../contracts/contract.type.js';
import { Contact } from '../customers/contact.type.js';
import { Complaint } from '../complaints/complaint.type.js';
import { Customer } from '../customers/customer.type.js';

/** The deadline a timed state starts. */
@ObjectType({ description: 'The deadline entering a timed state starts (P11): a policy term sets when, an event says what happens then.' })
export class WorkflowDeadline {
  @Field(() => String, { description: 'The policy term that sets its length: prospectTerm, intentTerm or rejectionRelease.' }) term!: string;
  @Field(() => String, { description: 'The event the deadline sweeper sends when it passes, e.g. TERM_EXPIRED.' }) event!: string;
}

/** One state of the current machine version. */
@ObjectType({ description: 'One state of a machine (compound or leaf), from its current version.' })
export class WorkflowState {
  @Field(() => String, { description: 'The state path, e.g. prospect.protected; entities’ `state` fields hold leaf paths.' }) path!: string;
  @Field(() => String, { description: 'The label from the document, Chinese then English, e.g. 保护中 Protected.' }) label!: string;
  @Field(() => String, { nullable: true, description: 'What the state means, citing its rule; null when the document gives none.' }) description!:
    string | null;
  @Field(() => Boolean, { description: 'True for a final state: nothing leaves it, and migrations never move its instances.' }) terminal!: boolean;
  @Field(() => WorkflowDeadline, { nullable: true, description: 'The deadline entering it starts; null for an untimed state.' })
  deadline!: WorkflowDeadline | null;
}

/** One event of the current machine version. */
@ObjectType({ description: 'One event a machine knows, from its current version.' })
export class WorkflowEvent {
  @Field(() => String, { description: 'The event name, e.g. CLAIM.' }) name!: string;
  @Field(() => String, { description: 'The button label, Chinese then English.' }) label!: string;
  @Field(() => [ActionInput], { description: 'The inputs it takes.' }) inputs!: ActionInput[];
  @Field(() => Boolean, { description: 'Sent by another workflow or the deadline sweeper, never offered to users as an action.' }) internal!: boolean;
}

/** One transition of the current machine version. */
@ObjectType({
  description:
    'One transition: in state `from`, event `event` leads to `to` when its guards pass. A transition on a compound state is listed for each of its leaves.',
})
export class WorkflowTransition {
  @Field(() => String, { description: 'The leaf state path it leaves.' }) from!: string;
  @Field(() => String, { description: 'The event that triggers it.' }) event!: string;
  @Field(() => String, { description: 'The leaf state path it enters (the same as `from` for an event that changes data only).' }) to!: string;
  @Field(() => [String], { description: 'The named guards that must all pass, e.g. isCustodian, hasReason.' }) guards!: string[];
  @Field(() => [String], { description: 'Roles (or relations such as custodian) that pass the guards.' }) rolesAllowed!: string[];
  @Field(() => [String], { description: 'The domain rules the guards enforce, e.g. P5, P7.' }) rules!: string[];
}

/** A machine as designers see it. */
@ObjectType({
  description:
    'A machine as designers see it (P11): its current version’s document, states, events and transitions, its published versions and its policies. Anyone signed in may read it.',
})
export class Workflow {
  @Field(() => String, { description: 'The machine name: customer, application or contract.' }) name!: string;
  @Field(() => Int, { description: 'The current version: new instances start on it. Send it back as expectedVersion when publishing.' }) version!: number;
  @Field(() => JSONScalar, {
    description: 'The current version’s document (XState config with named guards, actions and terms, plus its events): edit it and publish.',
  })
  definition!: unknown;
  @Field(() => [WorkflowState], { description: 'Every state, compound states before their children.' }) states!: WorkflowState[];
  @Field(() => [WorkflowEvent], { description: 'Every event, with its label and inputs.' }) events!: WorkflowEvent[];
  @Field(() => [WorkflowTransition], { description: 'Every transition, per leaf state.' }) transitions!: WorkflowTransition[];
  @Field(() => String, { description: 'A Mermaid stateDiagram-v2 of the machine (leaf states, with their deadline terms).' }) mermaid!: string;
}

/** One published policy change; resolvers return `PolicyVersionRow`s for it. */
@ObjectType({ description: 'One published policy change (P11).' })
export class PolicyVersion {
  @Field(() => ID, { description: 'The change’s id.' }) id!: string;
  @Field(() => Int, { description: 'The policy version it created (one counter across all workflows).' }) version!: number;
  @Field(() => String, { description: 'The workflow whose policy sections it changed.' }) workflow!: string;
  @Field(() => JSONScalar, { description: 'What the designer sent, e.g. { "customer": { "prospectTerm": "P45D" } }.' }) changes!: Record<string, unknown>;
  @Field(() => JSONScalar, { description: '[{ path, from, to }] against the previous version.' }) diff!: unknown;
  @Field(() => String, { nullable: true, description: 'Why, as the designer wrote it; null when none.' }) note!: string | null;
  @Field(() => Date, { description: 'When it was published.' }) createdAt!: Date;
  authorId!: string;
}

/** A problem validation found. */
@ObjectType({ description: 'A problem with a workflow document or state mapping, with where it is.' })
export class WorkflowProblem {
  @Field(() => String, { description: 'A path into the document, e.g. states.prospect.states.onHold.on.RESUME.target ("" = the whole document).' })
  path!: string;
  @Field(() => String, { description: 'What is wrong, in words a designer can act on.' }) message!: string;
}

/** The answer of validateWorkflow. */
@ObjectType({ description: 'What validateWorkflow found; nothing is written.' })
export class WorkflowValidation {
  @Field(() => Boolean, { description: 'True when publishWorkflow would accept the document.' }) valid!: boolean;
  @Field(() => [WorkflowProblem], { description: 'Every problem; empty when valid.' }) problems!: Problem[];
}

/** One published version of a machine. */
@ObjectType({ description: 'One published version of a machine (P11).' })
export class WorkflowVersion {
  @Field(() => Int, { description: 'The version number; 1 is the repository’s document.' }) version!: number;
  @Field(() => String, { nullable: true, description: 'What changed and why (null for version 1, the repository’s document).' }) note!: string | null;
  @Field(() => JSONScalar, { description: 'The version’s machine document.' }) definition!: unknown;
  @Field(() => JSONScalar, { description: 'Old state → new state, used by migrateWorkflowInstances when it is given none.' }) stateMapping!: unknown;
  @Field(() => Date, { nullable: true, description: 'When it was published; null for version 1.' }) publishedAt!: Date | null;
  authorId!: string | null;
}

/** How many instances sit in a state on a version. */
@ObjectType({ description: 'How many instances are in a state on a machine version.' })
export class WorkflowOccupancy {
  @Field(() => Int, { description: 'The machine version they run on.' }) version!: number;
  @Field(() => String, { description: 'The state path.' }) state!: string;
  @Field(() => Int, { description: 'How many instances.' }) count!: number;
  @Field(() => Boolean, { description: 'Terminal instances are never migrated.' }) terminal!: boolean;
}

/** One group of instances a migration moved. */
@ObjectType({ description: 'Instances a migration moved from one state on one version to a state on the target version.' })
export class WorkflowMove {
  @Field(() => Int, { description: 'The version they ran on.' }) fromVersion!: number;
  @Field(() => String, { description: 'The state they were in.' }) from!: string;
  @Field(() => String, { description: 'The state they are in now, on the target version.' }) to!: string;
  @Field(() => Int, { description: 'How many instances moved.' }) count!: number;
}

/** The result of migrateWorkflowInstances. */
@ObjectType({ description: 'What migrateWorkflowInstances did: each move is also a MIGRATE history row.' })
export class WorkflowMigration {
  @Field(() => String, { description: 'The machine name.' }) workflow!: string;
  @Field(() => Int, { description: 'The version every live instance now runs on.' }) toVersion!: number;
  @Field(() => Int, { description: 'How many instances moved in all.' }) migrated!: number;
  @Field(() => [WorkflowMove], { description: 'The moves, grouped by version, old state and new state.' }) moves!: WorkflowMove[];
}

/** An instance after sendWorkflowEvent; the field of its workflow carries the whole row. */
@ObjectType({ description: 'An instance after sendWorkflowEvent; the field named after its workflow holds the whole record, the other two are null.' })
export class WorkflowInstance {
  @Field(() => String, { description: 'The machine name: customer, application, contract, contact or complaint.' }) workflow!: string;
  @Field(() => ID, { description: 'The record’s id.' }) id!: string;
  @Field(() => String, { description: 'Its state path after the event.' }) state!: string;
  @Field(() => Int, { description: 'Its version after the event (send it as the next expectedVersion).' }) version!: number;
  @Field(() => Int, { description: 'The machine version it runs on.' }) machineVersion!: number;
  @Field(() => Customer, { nullable: true, description: 'The customer, when workflow is customer.' }) customer!: WorkflowRow | null;
  @Field(() => Application, { nullable: true, description: 'The application, when workflow is application.' }) application!: WorkflowRow | null;
  @Field(() => Contract, { nullable: true, description: 'The contract, when workflow is contract.' }) contract!: WorkflowRow | null;
  @Field(() => Contact, { nullable: true, description: 'The contact person, when workflow is contact (F5).' }) contact!: WorkflowRow | null;
  @Field(() => Complaint, { nullable: true, description: 'The complaint, when workflow is complaint (V4).' }) complaint!: WorkflowRow | null;
}
